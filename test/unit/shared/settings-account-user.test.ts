import { describe, expect, it } from 'vitest';
import { migrateSettings } from '../../../shared/settings/migrations';
import { AccountSchema, SETTINGS_SCHEMA_VERSION } from '../../../shared/settings/schema';

const base = { sipWebSocketUrl: 'wss://pbx.example.test/ws' };

describe('account user (settings version 2)', () => {
  // Breaks with version 1's rule of 2 to 8 digits: alice and 9-digit users could not sign in.
  it.each(['alice', '201', '493012345', '+4930123456', 'alice.smith', 'a%40b', "o'neil", 'user;phone'])(
    'takes %s as the SIP user',
    (extension) => {
      expect(AccountSchema.safeParse({ ...base, extension }).success).toBe(true);
    },
  );

  it.each(['', ' ', 'a b', 'alice@pbx', 'alice:secret', 'a%4', 'ä', 'x'.repeat(65)])(
    'refuses %j as the SIP user',
    (extension) => {
      expect(AccountSchema.safeParse({ ...base, extension }).success).toBe(false);
    },
  );

  it.each(['', 'alice', 'alice@example.test', '201-auth', 'A+b=c'])(
    'takes %j as the auth user name',
    (name) => {
      expect(AccountSchema.safeParse({ ...base, extension: '201', authUsername: name }).success).toBe(true);
    },
  );

  it.each(['a b', 'a"b', 'a\\b', 'x'.repeat(129)])('refuses %j as the auth user name', (name) => {
    expect(AccountSchema.safeParse({ ...base, extension: '201', authUsername: name }).success).toBe(false);
  });
});

describe('settings migration 1 → 2', () => {
  const v1 = (account: Record<string, unknown> | null) => ({ schemaVersion: 1, language: 'de', account });

  it('keeps a version 1 account as it was', () => {
    const outcome = migrateSettings(
      v1({ ...base, extension: '201', authUsername: 'pbx-201', displayName: 'Empfang' }),
    );
    expect(outcome).toMatchObject({
      kind: 'migrated',
      fromVersion: 1,
      settings: {
        schemaVersion: SETTINGS_SCHEMA_VERSION,
        language: 'de',
        account: { extension: '201', authUsername: 'pbx-201', displayName: 'Empfang' },
      },
    });
  });

  it('clears an auth user name that only repeats the account user', () => {
    const outcome = migrateSettings(v1({ ...base, extension: '201', authUsername: ' 201 ' }));
    expect(outcome).toMatchObject({ kind: 'migrated', settings: { account: { authUsername: '' } } });
  });

  it('migrates a document without an account', () => {
    expect(migrateSettings(v1(null))).toMatchObject({ kind: 'migrated', settings: { account: null } });
  });

  it('takes a version 0 file through both steps', () => {
    expect(migrateSettings({ account: { ...base, extension: 'alice' } })).toMatchObject({
      kind: 'migrated',
      fromVersion: 0,
      settings: { schemaVersion: SETTINGS_SCHEMA_VERSION, account: { extension: 'alice' } },
    });
  });

  it('leaves a document of a later version alone', () => {
    expect(migrateSettings({ schemaVersion: SETTINGS_SCHEMA_VERSION + 1 })).toEqual({
      kind: 'newer',
      version: SETTINGS_SCHEMA_VERSION + 1,
    });
  });
});
