import { describe, expect, it } from 'vitest';
import { migrateSettings } from '../../../shared/settings/migrations';
import { SETTINGS_SCHEMA_VERSION } from '../../../shared/settings/schema';

describe('settings: keys that were removed', () => {
  // Breaks if the 2 -> 3 migration kept the old key: a ringer device chosen when it did nothing would
  // suddenly ring there.
  it('reads a version 2 file that still has the unused ringer device and drops the key', () => {
    const outcome = migrateSettings({
      schemaVersion: 2,
      audio: { inputDeviceId: 'mic', outputDeviceId: null, ringerDeviceId: 'old-ringer' },
    });
    expect(outcome.kind).toBe('migrated');
    if (outcome.kind !== 'migrated') return;
    expect(outcome.settings.schemaVersion).toBe(SETTINGS_SCHEMA_VERSION);
    expect(outcome.settings.audio).toMatchObject({ inputDeviceId: 'mic', ringerDeviceId: null });
    expect(outcome.settings.calls).toEqual({
      callWaiting: true,
      doNotDisturb: false,
      autoAnswerInternal: false,
    });
    expect(outcome.settings.desktop.hotkeys.enabled).toBe(false);
  });

  it('keeps the ringer device of a version 3 file', () => {
    const outcome = migrateSettings({ schemaVersion: 3, audio: { ringerDeviceId: 'ringer' } });
    expect(outcome.kind).toBe('current');
    if (outcome.kind === 'current') expect(outcome.settings.audio.ringerDeviceId).toBe('ringer');
  });
});
