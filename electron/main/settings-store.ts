import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { StartupNotice } from '../../shared/ipc/contract';
import type { SettingsRepository } from '../../shared/host/host-service';
import { migrateSettings } from '../../shared/settings/migrations';
import {
  defaultStoredSettings,
  StoredSettingsSchema,
  type StoredSettings,
} from '../../shared/settings/schema';

/**
 * The settings file: electron-store (in tests its engine `conf`, which electron-store extends with
 * the same options) validated by a JSON schema generated from the zod schema, plus Tollgate's own
 * versioned migrations. An unreadable file is moved aside and reported, never silently reset.
 */

/** The part of electron-store / conf that Tollgate uses. */
export interface KeyValueStore {
  store: Record<string, unknown>;
  readonly path: string;
}

export interface StoreOptions {
  cwd: string;
  configName: string;
  /** JSON schema of the document's properties (electron-store's `schema` option). */
  schema: Record<string, unknown>;
  clearInvalidConfig: false;
  /** Keys the schema does not know are kept until migrations have run. */
  rootSchema: { additionalProperties: true };
}

export type StoreFactory = (options: StoreOptions) => KeyValueStore;

export const SETTINGS_FILE_NAME = 'settings';

/**
 * The JSON schema electron-store validates with, generated from the zod schema. `required` and
 * `default` are left out on purpose: a partial (for example hand-provisioned) file is valid and is
 * filled with defaults by the zod schema after the migrations; types and formats of what is there
 * are enforced on every read and write.
 */
export function settingsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(StoredSettingsSchema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, unknown>;
  };
  const properties = stripDefaultsAndRequired(schema.properties) as Record<string, unknown>;
  // Any version number passes the file check, so that a file from an older or newer Tollgate reaches
  // the migrations (which upgrade it, or keep it aside) instead of being called corrupt.
  return { ...properties, schemaVersion: { type: 'integer', minimum: 0 } };
}

function stripDefaultsAndRequired(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripDefaultsAndRequired);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'required' && Array.isArray(value)) || key === 'default') continue;
    out[key] = stripDefaultsAndRequired(value);
  }
  return out;
}

export interface OpenedSettings {
  repository: SettingsRepository;
  notices: StartupNotice[];
  filePath: string;
}

export function openSettingsStore(
  directory: string,
  createStore: StoreFactory,
  now: () => Date = () => new Date(),
): OpenedSettings {
  const options: StoreOptions = {
    cwd: directory,
    configName: SETTINGS_FILE_NAME,
    schema: settingsJsonSchema(),
    clearInvalidConfig: false,
    rootSchema: { additionalProperties: true },
  };
  const filePath = join(directory, `${SETTINGS_FILE_NAME}.json`);
  const notices: StartupNotice[] = [];

  const moveAside = (kind: StartupNotice['kind'], label: string): void => {
    const stamp = now().toISOString().replace(/[:.]/g, '-');
    const movedTo = join(directory, `${SETTINGS_FILE_NAME}.${label}-${stamp}.json`);
    renameSync(filePath, movedTo);
    notices.push({ kind, movedTo });
  };

  let store: KeyValueStore;
  try {
    store = createStore(options);
  } catch (error) {
    // Not JSON, or the JSON schema rejects it. Keep the file for the user and start afresh.
    if (!existsSync(filePath))
      throw new Error(`Settings store could not be created in ${directory}`, { cause: error });
    moveAside('settings-corrupt', 'corrupt');
    store = createStore(options);
  }

  let current: StoredSettings;
  const outcome = migrateSettings(store.store);
  switch (outcome.kind) {
    case 'current':
      current = outcome.settings;
      break;
    case 'migrated':
      current = outcome.settings;
      store.store = current;
      break;
    case 'newer':
    case 'invalid':
      moveAside(
        outcome.kind === 'newer' ? 'settings-from-newer-version' : 'settings-corrupt',
        outcome.kind === 'newer' ? 'newer' : 'corrupt',
      );
      store = createStore(options);
      current = defaultStoredSettings();
      store.store = current;
      break;
  }

  return {
    filePath,
    notices,
    repository: {
      read: () => current,
      write: (next) => {
        const validated = StoredSettingsSchema.parse(next);
        store.store = validated;
        current = validated;
      },
    },
  };
}
