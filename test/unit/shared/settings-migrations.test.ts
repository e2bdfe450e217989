import { describe, expect, it } from 'vitest';
import { migrateSettings, type SettingsMigration } from '../../../shared/settings/migrations';
import { defaultStoredSettings, SETTINGS_SCHEMA_VERSION } from '../../../shared/settings/schema';

describe('settings migrations', () => {
  it('accepts a current document unchanged', () => {
    const current = defaultStoredSettings();
    expect(migrateSettings(current)).toEqual({ kind: 'current', settings: current });
  });

  it('fills a provisioned file without schemaVersion with defaults and keeps what it says', () => {
    const outcome = migrateSettings({
      account: { sipWebSocketUrl: 'wss://pbx.example.test/ws', extension: '205' },
      language: 'de',
    });
    expect(outcome).toMatchObject({
      kind: 'migrated',
      fromVersion: 0,
      settings: {
        schemaVersion: SETTINGS_SCHEMA_VERSION,
        language: 'de',
        account: { extension: '205', sipDomain: '', policyApiUrl: '', authUsername: '', displayName: '' },
        ice: { servers: [] },
        secrets: { sipPassword: null },
      },
    });
  });

  it('drops the store engine bookkeeping', () => {
    const outcome = migrateSettings({
      ...defaultStoredSettings(),
      __internal__: { migrations: { version: '1.0.0' } },
    });
    expect(outcome.kind).toBe('current');
    expect(JSON.stringify(outcome)).not.toContain('__internal__');
  });

  it('runs the steps in version order, whatever order they are listed in', () => {
    const calls: string[] = [];
    const steps: SettingsMigration[] = [
      { from: 1, to: 2, description: 'b', migrate: (d) => (calls.push('1→2'), { ...d, schemaVersion: 2 }) },
      { from: 2, to: 3, description: 'c', migrate: (d) => (calls.push('2→3'), { ...d, schemaVersion: 3 }) },
      { from: 0, to: 1, description: 'a', migrate: (d) => (calls.push('0→1'), { ...d, schemaVersion: 1 }) },
    ];
    expect(migrateSettings({}, steps, 3).kind).toBe('migrated');
    expect(calls).toEqual(['0→1', '1→2', '2→3']);
  });

  it('applies what a step changes', () => {
    const steps: SettingsMigration[] = [
      {
        from: 0,
        to: SETTINGS_SCHEMA_VERSION,
        description: 'x',
        migrate: (d) => ({ ...d, schemaVersion: SETTINGS_SCHEMA_VERSION, language: 'en' }),
      },
    ];
    expect(migrateSettings({ language: 'de' }, steps)).toMatchObject({
      kind: 'migrated',
      settings: { language: 'en' },
    });
  });

  it('reports a gap in the chain instead of guessing', () => {
    expect(migrateSettings({ schemaVersion: 0 }, [], 1)).toEqual({
      kind: 'invalid',
      problems: ['no migration from settings version 0'],
    });
  });

  it('recognises a file from a newer version and leaves it alone', () => {
    expect(migrateSettings({ schemaVersion: SETTINGS_SCHEMA_VERSION + 1, future: true })).toEqual({
      kind: 'newer',
      version: SETTINGS_SCHEMA_VERSION + 1,
    });
  });

  it.each([
    ['not an object', 'hello'],
    ['an array', []],
    ['null', null],
    ['a broken version', { schemaVersion: '1' }],
    ['a negative version', { schemaVersion: -1 }],
    ['a wrong value', { schemaVersion: 1, language: 'fr' }],
    ['a bad account URL', { schemaVersion: 1, account: { sipWebSocketUrl: 'http://x', extension: '12' } }],
  ])('rejects %s', (_label, raw) => {
    expect(migrateSettings(raw).kind).toBe('invalid');
  });
});

describe('preference patches', () => {
  it('change only what they name', async () => {
    const { PreferencesPatchSchema } = await import('../../../shared/settings/schema');
    expect(PreferencesPatchSchema.parse({ audio: { outputDeviceId: 'spk' } })).toEqual({
      audio: { outputDeviceId: 'spk' },
    });
    expect(PreferencesPatchSchema.parse({})).toEqual({});
    expect(PreferencesPatchSchema.safeParse({ ice: {} }).success).toBe(false);
  });
});
