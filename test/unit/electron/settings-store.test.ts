import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { describe, expect, it } from 'vitest';
import {
  openSettingsStore,
  settingsJsonSchema,
  type KeyValueStore,
  type StoreOptions,
} from '../../../electron/main/settings-store';
import { defaultStoredSettings, SETTINGS_SCHEMA_VERSION } from '../../../shared/settings/schema';

/** conf is electron-store's engine: the same options and the same JSON-schema validation. */
const confStore = (options: StoreOptions): KeyValueStore =>
  new Conf({ ...options, projectName: 'tollgate-test' } as ConstructorParameters<
    typeof Conf
  >[0]) as KeyValueStore;

const fixedNow = () => new Date('2026-11-25T10:00:00.000Z');

function directoryWith(content?: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-store-'));
  if (content !== undefined) writeFileSync(join(directory, 'settings.json'), content);
  return directory;
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

describe('settings store (electron-store engine)', () => {
  it('creates defaults on first start', () => {
    const directory = directoryWith();
    const opened = openSettingsStore(directory, confStore, fixedNow);
    expect(opened.notices).toEqual([]);
    expect(opened.repository.read()).toEqual(defaultStoredSettings());
  });

  it('writes through and reads back after a restart', () => {
    const directory = directoryWith();
    const first = openSettingsStore(directory, confStore, fixedNow);
    first.repository.write({ ...first.repository.read(), language: 'en' });
    expect(readJson(join(directory, 'settings.json'))).toMatchObject({ language: 'en' });
    expect(openSettingsStore(directory, confStore, fixedNow).repository.read().language).toBe('en');
  });

  it('migrates a provisioned file and saves the result', () => {
    const directory = directoryWith(
      JSON.stringify({ account: { sipWebSocketUrl: 'wss://pbx.example.test/ws', extension: '301' } }),
    );
    const opened = openSettingsStore(directory, confStore, fixedNow);
    expect(opened.notices).toEqual([]);
    expect(opened.repository.read().account?.extension).toBe('301');
    expect(readJson(join(directory, 'settings.json'))).toMatchObject({
      schemaVersion: SETTINGS_SCHEMA_VERSION,
    });
  });

  it('moves a file that is not JSON aside, keeps it byte for byte and reports where', () => {
    const garbage = '{"schemaVersion": 1, "account": {';
    const directory = directoryWith(garbage);
    const opened = openSettingsStore(directory, confStore, fixedNow);
    const movedTo = join(directory, 'settings.corrupt-2026-11-25T10-00-00-000Z.json');
    expect(opened.notices).toEqual([{ kind: 'settings-corrupt', movedTo }]);
    expect(readFileSync(movedTo, 'utf8')).toBe(garbage);
    expect(opened.repository.read()).toEqual(defaultStoredSettings());
  });

  it('moves aside a file the JSON schema rejects', () => {
    const directory = directoryWith(JSON.stringify({ schemaVersion: 1, language: 42 }));
    const opened = openSettingsStore(directory, confStore, fixedNow);
    expect(opened.notices).toMatchObject([{ kind: 'settings-corrupt' }]);
    expect(readdirSync(directory).filter((name) => name.includes('corrupt'))).toHaveLength(1);
  });

  it('keeps a file from a newer Tollgate instead of overwriting it', () => {
    const newer = JSON.stringify({ schemaVersion: SETTINGS_SCHEMA_VERSION + 1, brandNew: true });
    const directory = directoryWith(newer);
    const opened = openSettingsStore(directory, confStore, fixedNow);
    expect(opened.notices).toMatchObject([{ kind: 'settings-from-newer-version' }]);
    const movedTo = opened.notices[0]?.movedTo ?? '';
    expect(readFileSync(movedTo, 'utf8')).toBe(newer);
    expect(existsSync(join(directory, 'settings.json'))).toBe(true);
  });

  it('refuses to write a document that breaks the schema, leaving the file as it was', () => {
    const directory = directoryWith();
    const opened = openSettingsStore(directory, confStore, fixedNow);
    const before = readFileSync(join(directory, 'settings.json'), 'utf8');
    const broken = { ...opened.repository.read(), language: 'fr' } as unknown as ReturnType<
      typeof opened.repository.read
    >;
    expect(() => opened.repository.write(broken)).toThrow();
    expect(readFileSync(join(directory, 'settings.json'), 'utf8')).toBe(before);
  });

  it('gives electron-store a JSON schema generated from the zod schema', () => {
    const schema = settingsJsonSchema();
    expect(Object.keys(schema).sort()).toEqual([
      'account',
      'audio',
      'calls',
      'desktop',
      'favourites',
      'ice',
      'language',
      'schemaVersion',
      'secrets',
      'window',
    ]);
    expect(JSON.stringify(schema)).not.toContain('"required"');
    expect(schema['language']).toMatchObject({ enum: ['system', 'de', 'en'] });
    // Settings v3: the desktop section reaches the file's schema too (theme, hotkeys off by default).
    expect(schema['desktop']).toMatchObject({ type: 'object' });
    expect(JSON.stringify(schema['desktop'])).toContain('"dark"');
  });
});
