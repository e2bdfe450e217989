import type { SettingsRepository } from '../../../shared/host/host-service';
import type { StartupNotice } from '../../../shared/ipc/contract';
import { migrateSettings } from '../../../shared/settings/migrations';
import {
  defaultStoredSettings,
  StoredSettingsSchema,
  type StoredSettings,
} from '../../../shared/settings/schema';

export const SETTINGS_STORAGE_KEY = 'tollgate.settings';

/**
 * The browser host's settings file: one JSON document in localStorage, with the same schema and
 * migrations as the Electron store. An unreadable document is moved aside under another key.
 */
export function openLocalStorageSettings(
  storage: Storage,
  now: () => Date = () => new Date(),
): { repository: SettingsRepository; notices: StartupNotice[] } {
  const notices: StartupNotice[] = [];
  const raw = storage.getItem(SETTINGS_STORAGE_KEY);
  let current = defaultStoredSettings();

  const moveAside = (kind: StartupNotice['kind'], label: string, text: string): void => {
    const movedTo = `${SETTINGS_STORAGE_KEY}.${label}-${now().toISOString()}`;
    storage.setItem(movedTo, text);
    notices.push({ kind, movedTo: `localStorage["${movedTo}"]` });
  };

  if (raw !== null) {
    let parsed: unknown;
    let readable = true;
    try {
      parsed = JSON.parse(raw);
    } catch {
      readable = false;
    }
    const outcome = readable ? migrateSettings(parsed) : ({ kind: 'invalid', problems: [] } as const);
    if (outcome.kind === 'current' || outcome.kind === 'migrated') current = outcome.settings;
    else if (outcome.kind === 'newer') moveAside('settings-from-newer-version', 'newer', raw);
    else moveAside('settings-corrupt', 'corrupt', raw);
  }
  storage.setItem(SETTINGS_STORAGE_KEY, JSON.stringify(current));

  const repository: SettingsRepository = {
    read: () => current,
    write: (next: StoredSettings) => {
      const validated = StoredSettingsSchema.parse(next);
      storage.setItem(SETTINGS_STORAGE_KEY, JSON.stringify(validated));
      current = validated;
    },
  };
  return { repository, notices };
}
