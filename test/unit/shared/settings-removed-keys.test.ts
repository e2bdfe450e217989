import { describe, expect, it } from 'vitest';
import { SETTINGS_SCHEMA_VERSION, StoredSettingsSchema } from '../../../shared/settings/schema';

describe('settings: keys that were removed', () => {
  // Breaks if AudioSettingsSchema became strict: a file from an older Tollgate would be refused.
  it('reads a file that still has the unused ringer device and drops the key', () => {
    const stored = StoredSettingsSchema.parse({
      schemaVersion: SETTINGS_SCHEMA_VERSION,
      audio: { inputDeviceId: 'mic', outputDeviceId: null, ringerDeviceId: 'old-ringer' },
    });
    expect(stored.audio).toEqual({ inputDeviceId: 'mic', outputDeviceId: null });
  });
});
