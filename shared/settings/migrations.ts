import { SETTINGS_SCHEMA_VERSION, StoredSettingsSchema, type StoredSettings } from './schema';

/**
 * Versioned, pure migrations of the settings document. Each step takes the document of version
 * `from` and returns one of version `to`. Steps never lose data they do not understand: keys the
 * current schema does not know are dropped only by the final validation, after every step ran.
 */
export interface SettingsMigration {
  from: number;
  to: number;
  description: string;
  migrate(document: Record<string, unknown>): Record<string, unknown>;
}

export const SETTINGS_MIGRATIONS: readonly SettingsMigration[] = [
  {
    from: 0,
    to: 1,
    description:
      'A file without schemaVersion (written by hand or by a provisioning tool for a shared workstation): ' +
      'keep what it says and fill every missing setting with its default.',
    migrate: (document) => ({ ...document, schemaVersion: 1 }),
  },
  {
    from: 1,
    to: 2,
    description:
      'The account user may be any SIP user part (alice, a 9-digit number), not only 2 to 8 digits, and ' +
      'the auth user name any digest user name. Version 2 marks files that may hold such a user, so an ' +
      'older Tollgate keeps them aside as "newer" instead of calling them damaged. An auth user name ' +
      'equal to the account user says nothing and is cleared: empty means "the account user".',
    migrate: (document) => {
      const account = document['account'];
      if (typeof account !== 'object' || account === null || Array.isArray(account))
        return { ...document, schemaVersion: 2 };
      const fields = account as Record<string, unknown>;
      const user = typeof fields['extension'] === 'string' ? fields['extension'].trim() : null;
      const auth = typeof fields['authUsername'] === 'string' ? fields['authUsername'].trim() : null;
      return {
        ...document,
        schemaVersion: 2,
        account: user !== null && auth === user ? { ...fields, authUsername: '' } : fields,
      };
    },
  },
  {
    from: 2,
    to: 3,
    description:
      'Version 3 adds call handling (call waiting, do not disturb, auto-answer), desktop settings (theme, ' +
      'hotkeys), favourites and audio volume, ring tone and ringer device; all start at their defaults. A ' +
      'ringer device from an older file did nothing then and is dropped, so nothing rings somewhere the ' +
      'user never chose for it.',
    migrate: (document) => {
      const audio = document['audio'];
      if (typeof audio !== 'object' || audio === null || Array.isArray(audio))
        return { ...document, schemaVersion: 3 };
      const { ringerDeviceId: _unused, ...rest } = audio as Record<string, unknown>;
      return { ...document, schemaVersion: 3, audio: rest };
    },
  },
];

export type MigrationOutcome =
  | { kind: 'current'; settings: StoredSettings }
  | { kind: 'migrated'; settings: StoredSettings; fromVersion: number }
  | { kind: 'newer'; version: number }
  | { kind: 'invalid'; problems: string[] };

export function migrateSettings(
  raw: unknown,
  migrations: readonly SettingsMigration[] = SETTINGS_MIGRATIONS,
  targetVersion: number = SETTINGS_SCHEMA_VERSION,
): MigrationOutcome {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { kind: 'invalid', problems: ['the settings file does not hold an object'] };
  }
  // `__internal__` is the store engine's own bookkeeping, never part of the document.
  const { __internal__: _engineBookkeeping, ...rest } = raw as Record<string, unknown>;
  let document: Record<string, unknown> = rest;

  const declared = document['schemaVersion'];
  const startVersion = declared === undefined ? 0 : declared;
  if (typeof startVersion !== 'number' || !Number.isInteger(startVersion) || startVersion < 0) {
    return {
      kind: 'invalid',
      problems: [`schemaVersion is not a version number: ${JSON.stringify(declared)}`],
    };
  }
  if (startVersion > targetVersion) return { kind: 'newer', version: startVersion };

  let version = startVersion;
  while (version < targetVersion) {
    const step = migrations.find((migration) => migration.from === version);
    if (!step || step.to <= version) {
      return { kind: 'invalid', problems: [`no migration from settings version ${version}`] };
    }
    document = step.migrate(document);
    version = step.to;
  }

  const parsed = StoredSettingsSchema.safeParse(document);
  if (!parsed.success) {
    return {
      kind: 'invalid',
      problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    };
  }
  return startVersion === targetVersion
    ? { kind: 'current', settings: parsed.data }
    : { kind: 'migrated', settings: parsed.data, fromVersion: startVersion };
}
