import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { type DialPlan, DialPlanSchema } from '../../../shared/dial-plan/dial-plan';
import { constantTimeEqual } from '../crypto/constant-time';
import { ha1, type DigestAlgorithm } from '../crypto/ha1';
import { resolvePepper } from './pepper';
import { hashSecret, verifySecret } from './secrets';
import {
  codeRefusal,
  UnlockCodes,
  type AddCodeResult,
  type CodeMatch,
  type UnlockCodeRow,
} from './unlock-codes';
import { DEFAULT_PIN_SCOPE, type PinScope } from '../../../shared/policy/requires-pin';
import type {
  ApiStore,
  AuditEntry,
  CallRecord,
  CallRecordStore,
  ExtensionRecord,
  LockReason,
  GateFacts,
  PinCodeDecision,
  PinEventKind,
  PinGateStore,
  PinOutcome,
  PinProduct,
  PinSecurity,
  PinUsage,
  PinUsageEventKind,
  StoreGateRules,
} from './ports';
import type { Seed } from './seed';

export type {
  AuditEntry,
  CallRecord,
  ExtensionRecord,
  LockReason,
  PinCodeDecision,
  PinEventKind,
  PinOutcome,
  PinSecurity,
} from './ports';

/**
 * The PBX's persistent state in SQLite: companies, products (with the provider's PIN-protection
 * grant), extensions with their call settings, the PIN gate's events and locks, and the call
 * records. Only hashes of secrets are stored: HA1 values for SIP digest, peppered scrypt for unlock
 * codes and admin/provider passwords (the pepper is kept outside the database, see `pepper.ts`).
 *
 * Migrations are appended, never edited: a database made by an older PBX is brought up to date on
 * start. Migration 2 (the PIN gate) keeps `pin_failures` and copies each old failed call into
 * `pin_events` as one wrong code from source `legacy`, so earlier failures stay readable and count.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE products (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('main', 'add-on')),
     pin_protection INTEGER NOT NULL DEFAULT 0);
   CREATE TABLE companies (id TEXT PRIMARY KEY, name TEXT NOT NULL, dial_plan TEXT NOT NULL);
   CREATE TABLE admins (
     username TEXT PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id), password_hash TEXT NOT NULL);
   CREATE TABLE extensions (
     number TEXT PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id),
     display_name TEXT NOT NULL, language TEXT NOT NULL CHECK (language IN ('de', 'en')),
     ha1_md5 TEXT NOT NULL, ha1_sha256 TEXT NOT NULL,
     ivr_authentication INTEGER NOT NULL DEFAULT 0, unlock_code_hash TEXT,
     locked_until INTEGER);
   CREATE TABLE extension_products (
     extension TEXT NOT NULL REFERENCES extensions(number), product_id TEXT NOT NULL REFERENCES products(id),
     PRIMARY KEY (extension, product_id));
   CREATE TABLE pin_failures (extension TEXT NOT NULL REFERENCES extensions(number), failed_at INTEGER NOT NULL);
   CREATE TABLE call_records (
     id INTEGER PRIMARY KEY AUTOINCREMENT, call_id TEXT NOT NULL, caller TEXT NOT NULL,
     destination TEXT NOT NULL, call_class TEXT NOT NULL, pin_outcome TEXT NOT NULL,
     pin_attempts INTEGER NOT NULL, result TEXT NOT NULL, started_at INTEGER NOT NULL,
     answered_at INTEGER, ended_at INTEGER);`,
  `CREATE TABLE pin_events (
     id INTEGER PRIMARY KEY AUTOINCREMENT, extension TEXT NOT NULL REFERENCES extensions(number),
     source TEXT NOT NULL, call_id TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('wrong-code', 'timeout', 'accepted', 'refused')),
     why TEXT, at INTEGER NOT NULL);
   CREATE INDEX pin_events_by_extension ON pin_events (extension, kind, at);
   CREATE INDEX pin_events_by_source ON pin_events (source, kind, at);
   CREATE TABLE pin_lockouts (
     id INTEGER PRIMARY KEY AUTOINCREMENT, extension TEXT NOT NULL REFERENCES extensions(number),
     kind TEXT NOT NULL CHECK (kind IN ('locked', 'quarantined')), at INTEGER NOT NULL, until INTEGER,
     wrong_codes INTEGER NOT NULL);
   CREATE INDEX pin_lockouts_by_extension ON pin_lockouts (extension, at);
   CREATE TABLE pin_source_blocks (
     source TEXT PRIMARY KEY, blocked_at INTEGER NOT NULL, blocked_until INTEGER NOT NULL,
     count_after_event INTEGER NOT NULL);
   CREATE TABLE admin_audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, admin TEXT NOT NULL, action TEXT NOT NULL,
     extension TEXT, detail TEXT);
   ALTER TABLE extensions ADD COLUMN locked_at INTEGER;
   ALTER TABLE extensions ADD COLUMN quarantined_since INTEGER;
   ALTER TABLE extensions ADD COLUMN lock_reason TEXT CHECK (lock_reason IN ('wrong-codes', 'repeated-lockouts'));
   ALTER TABLE extensions ADD COLUMN pin_unlocked_at INTEGER;
   ALTER TABLE extensions ADD COLUMN pin_count_after_event INTEGER NOT NULL DEFAULT 0;
   UPDATE extensions SET lock_reason = 'wrong-codes' WHERE locked_until IS NOT NULL;
   INSERT INTO pin_events (extension, source, call_id, kind, at)
     SELECT extension, 'legacy', 'legacy-failed-call', 'wrong-code', failed_at FROM pin_failures;`,
  // PIN prompts left without a key, per call (issue #10: timeouts recorded apart from wrong codes).
  `ALTER TABLE call_records ADD COLUMN pin_timeouts INTEGER NOT NULL DEFAULT 0;`,
  // Issue #14: personal unlock codes (unlock-codes.ts), PIN scope, attribution. The single code of
  // before becomes the code labelled "Standard" (no lookup index yet: it gets one when next entered).
  `CREATE TABLE unlock_codes (
     id INTEGER PRIMARY KEY AUTOINCREMENT, extension TEXT NOT NULL REFERENCES extensions(number),
     label TEXT NOT NULL, lookup TEXT, hash TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1,
     valid_from TEXT, valid_until TEXT, created_at INTEGER NOT NULL, last_used_at INTEGER,
     UNIQUE (extension, lookup));
   INSERT INTO unlock_codes (extension, label, lookup, hash, enabled, created_at)
     SELECT number, 'Standard', NULL, unlock_code_hash, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000
       FROM extensions WHERE unlock_code_hash IS NOT NULL;
   UPDATE extensions SET unlock_code_hash = NULL;
   ALTER TABLE extensions ADD COLUMN pin_scope TEXT
     CHECK (pin_scope IN ('all-paid', 'international', 'international-premium'));
   ALTER TABLE companies ADD COLUMN default_pin_scope TEXT NOT NULL DEFAULT 'all-paid'
     CHECK (default_pin_scope IN ('all-paid', 'international', 'international-premium'));
   ALTER TABLE call_records ADD COLUMN code_label TEXT;
   ALTER TABLE pin_events ADD COLUMN code_label TEXT;`,
];

export interface PbxDatabaseOptions {
  /** The pepper for secret hashes; by default `resolvePepper(path)` (env or `pepper.key`). */
  pepper?: Buffer;
  /** The PIN gate's rules, applied in the store's transactions (ivr/lockout.ts, `storeGateRules`). */
  gateRules: StoreGateRules;
}

export class PbxDatabase implements ApiStore, CallRecordStore, PinGateStore {
  readonly db: Database.Database;

  /** True when there was no database file and a new one was made (seeded on start). */
  readonly created: boolean;

  /** Each statement compiled once: better-sqlite3 compiles the SQL again on every prepare(). */
  private readonly statements = new Map<string, Database.Statement>();
  /** HA1s of extensions found by ha1For (see there). */
  private readonly ha1s = new Map<string, { ha1_md5: string; ha1_sha256: string }>();

  private readonly pepper: Buffer;
  private readonly gateRules: StoreGateRules;
  private readonly codes: UnlockCodes;

  constructor(
    path: string,
    readonly realm: string,
    options: PbxDatabaseOptions,
  ) {
    this.created = path === ':memory:' || !existsSync(path);
    this.gateRules = options.gateRules;
    this.pepper = options.pepper ?? resolvePepper(path);
    try {
      this.db = new Database(path);
      this.db.pragma('busy_timeout = 2000');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('foreign_keys = ON');
      this.migrate();
      this.checkPepper();
      this.codes = new UnlockCodes(this.db, this.pepper, (sql) => this.statement(sql));
      // The PBX writes (call records, lockouts): make sure it may, now rather than mid-call.
      this.db.exec('BEGIN IMMEDIATE');
      this.db.exec('ROLLBACK');
    } catch (error) {
      (this as { db?: Database.Database }).db?.close();
      const code = (error as { code?: string }).code ?? '';
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
        throw new Error(
          `The PBX database ${path} is locked by another process (is another test PBX running on it?). ` +
            'Stop that process and start again; nothing was changed.',
          { cause: error },
        );
      }
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
        throw new Error(
          `${path} is not a readable PBX database. It was left as it is; move it away (or point --data elsewhere) and start again.`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  close(): void {
    this.db.close();
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private migrate(): void {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
    );
    const applied = new Set(
      (this.statement('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
        (row) => row.version,
      ),
    );
    MIGRATIONS.forEach((sql, index) => {
      const version = index + 1;
      if (applied.has(version)) return;
      this.db.transaction(() => {
        this.db.exec(sql);
        this.statement('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
          version,
          Date.now(),
        );
      })();
    });
  }

  /**
   * A fingerprint of the pepper (an HMAC, which reveals nothing about it) is kept in `meta`, so a
   * database started with another pepper (lost key file, wrong environment) is refused with a clear
   * message instead of failing every PIN.
   */
  private checkPepper(): void {
    const fingerprint = createHmac('sha256', this.pepper).update('tollgate pepper fingerprint').digest();
    const row = this.statement("SELECT value FROM meta WHERE key = 'pepper_fingerprint'").get() as
      { value: string } | undefined;
    if (!row) {
      this.statement("INSERT INTO meta (key, value) VALUES ('pepper_fingerprint', ?)").run(
        fingerprint.toString('base64'),
      );
      return;
    }
    const stored = Buffer.from(row.value, 'base64');
    if (!constantTimeEqual(stored, fingerprint)) {
      throw new Error(
        'The pepper (TOLLGATE_PBX_PEPPER or pepper.key in the data folder) is not the one this database was made with. ' +
          'Restore the original pepper; without it every unlock code and password must be set again.',
      );
    }
  }

  isSeeded(): boolean {
    return (this.statement('SELECT COUNT(*) AS n FROM companies').get() as { n: number }).n > 0;
  }

  /** Loads the seed into an empty database. Later starts keep what admins changed. */
  async seed(seed: Seed): Promise<void> {
    if (this.isSeeded()) return;
    this.ha1s.clear();
    const adminHashes = await Promise.all(
      seed.company.admins.map((admin) => hashSecret(admin.password, this.pepper)),
    );
    const providerHash = await hashSecret(seed.provider.password, this.pepper);
    this.db.transaction(() => {
      const meta = this.statement('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
      meta.run('realm', this.realm);
      meta.run('provider_username', seed.provider.username);
      meta.run('provider_password_hash', providerHash);
      for (const product of seed.products) {
        this.statement('INSERT INTO products (id, name, kind, pin_protection) VALUES (?, ?, ?, ?)').run(
          product.id,
          product.name,
          product.kind,
          product.pinProtection ? 1 : 0,
        );
      }
      const company = seed.company;
      this.statement('INSERT INTO companies (id, name, dial_plan) VALUES (?, ?, ?)').run(
        company.id,
        company.name,
        JSON.stringify(company.dialPlan),
      );
      company.admins.forEach((admin, index) =>
        this.statement('INSERT INTO admins (username, company_id, password_hash) VALUES (?, ?, ?)').run(
          admin.username,
          company.id,
          adminHashes[index],
        ),
      );
      company.extensions.forEach((extension) => {
        this.statement(
          `INSERT INTO extensions (number, company_id, display_name, language, ha1_md5, ha1_sha256,
               ivr_authentication, pin_scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          extension.number,
          company.id,
          extension.displayName,
          extension.language,
          ha1('MD5', extension.number, this.realm, extension.password),
          ha1('SHA-256', extension.number, this.realm, extension.password),
          extension.ivrAuthentication ? 1 : 0,
          extension.pinScope ?? null,
        );
        for (const productId of extension.products) {
          this.statement('INSERT INTO extension_products (extension, product_id) VALUES (?, ?)').run(
            extension.number,
            productId,
          );
        }
      });
      if (company.defaultPinScope)
        this.statement('UPDATE companies SET default_pin_scope = ? WHERE id = ?').run(
          company.defaultPinScope,
          company.id,
        );
    })();
    // The codes after the rows they belong to: the seed's single code is the "Standard" one.
    const now = Date.now();
    for (const extension of seed.company.extensions) {
      if (extension.unlockCode) await this.codes.setStandard(extension.number, extension.unlockCode, now);
      for (const code of extension.codes ?? [])
        await this.codes.add(
          extension.number,
          { label: code.label, code: code.code, validFrom: null, validUntil: null },
          now,
        );
    }
  }

  ha1For(username: string, algorithm: DigestAlgorithm): string | undefined {
    // Every authenticated SIP request asks this (6 % of the registrar's time under load, bench:profile).
    // HA1s are written only by seed(), which clears the cache; only found users are kept, so made-up
    // names cannot grow it.
    let row = this.ha1s.get(username);
    if (!row) {
      row = this.statement('SELECT ha1_md5, ha1_sha256 FROM extensions WHERE number = ?').get(username) as
        { ha1_md5: string; ha1_sha256: string } | undefined;
      if (!row) return undefined;
      this.ha1s.set(username, row);
    }
    return algorithm === 'MD5' ? row.ha1_md5 : row.ha1_sha256;
  }

  findExtension(number: string): ExtensionRecord | null {
    const row = this.statement(
      `SELECT number, company_id, display_name, language, ivr_authentication, locked_until,
              quarantined_since, lock_reason, pin_scope,
              EXISTS (SELECT 1 FROM unlock_codes c WHERE c.extension = extensions.number AND c.enabled = 1) AS has_code
         FROM extensions WHERE number = ?`,
    ).get(number) as
      | {
          number: string;
          company_id: string;
          display_name: string;
          language: 'de' | 'en';
          ivr_authentication: number;
          has_code: number;
          pin_scope: PinScope | null;
          locked_until: number | null;
          quarantined_since: number | null;
          lock_reason: LockReason | null;
        }
      | undefined;
    if (!row) return null;
    return {
      number: row.number,
      companyId: row.company_id,
      displayName: row.display_name,
      language: row.language,
      ivrAuthentication: row.ivr_authentication === 1,
      unlockCodeSet: row.has_code === 1,
      pinScope: row.pin_scope,
      lockedUntil: row.locked_until,
      quarantinedSince: row.quarantined_since,
      lockReason: row.lock_reason,
    };
  }

  listExtensions(companyId: string): ExtensionRecord[] {
    const numbers = this.statement('SELECT number FROM extensions WHERE company_id = ? ORDER BY number').all(
      companyId,
    ) as { number: string }[];
    return numbers.map((row) => this.findExtension(row.number)).filter((record) => record !== null);
  }

  dialPlanOf(companyId: string): DialPlan {
    const row = this.statement('SELECT dial_plan FROM companies WHERE id = ?').get(companyId) as
      { dial_plan: string } | undefined;
    if (!row) throw new Error(`No company ${companyId}`);
    return DialPlanSchema.parse(JSON.parse(row.dial_plan));
  }

  companyName(companyId: string): string {
    return (this.statement('SELECT name FROM companies WHERE id = ?').get(companyId) as { name: string })
      .name;
  }

  /** The product (main first, then add-ons) that carries PIN protection for this extension, if any. */
  pinProtectionProduct(number: string): PinProduct | null {
    const row = this.statement(
      `SELECT p.id, p.name, p.kind FROM extension_products ep JOIN products p ON p.id = ep.product_id
         WHERE ep.extension = ? AND p.pin_protection = 1 ORDER BY p.kind = 'add-on', p.id LIMIT 1`,
    ).get(number) as PinProduct | undefined;
    return row ?? null;
  }

  setIvrAuthentication(number: string, on: boolean): void {
    this.statement('UPDATE extensions SET ivr_authentication = ? WHERE number = ?').run(on ? 1 : 0, number);
  }

  /**
   * The set-PIN call of before issue #14: sets the code labelled "Standard" (made when missing).
   * 'code-taken' when another code of the extension is this code.
   */
  async setUnlockCode(number: string, code: string): Promise<'set' | 'code-taken' | 'too-many-codes'> {
    const result = await this.codes.setStandard(number, code, Date.now());
    return result.kind === 'added' ? 'set' : result.kind;
  }

  // — personal unlock codes (issue #14; unlock-codes.ts) —

  listUnlockCodes(number: string): UnlockCodeRow[] {
    return this.codes.list(number);
  }

  /** Adds a code and writes who did it to the audit table. */
  async addUnlockCode(
    number: string,
    input: { label: string; code: string; validFrom: string | null; validUntil: string | null },
    by: { admin: string; at: number },
  ): Promise<AddCodeResult> {
    const result = await this.codes.add(number, input, by.at);
    if (result.kind === 'added') this.audit(by, 'code-added', number, result.code.label);
    return result;
  }

  /** Changes a code's label, enabled flag or validity; a change of `enabled` is audited. */
  updateUnlockCode(
    number: string,
    id: number,
    patch: { label?: string; enabled?: boolean; validFrom?: string | null; validUntil?: string | null },
    by: { admin: string; at: number },
  ): UnlockCodeRow | null {
    return this.db.transaction(() => {
      const before = this.codes.find(number, id);
      const after = this.codes.update(number, id, patch);
      if (!before || !after) return null;
      if (before.enabled !== after.enabled)
        this.audit(by, after.enabled ? 'code-enabled' : 'code-disabled', number, after.label);
      else this.audit(by, 'code-changed', number, after.label);
      return after;
    })();
  }

  deleteUnlockCode(number: string, id: number, by: { admin: string; at: number }): boolean {
    return this.db.transaction(() => {
      const removed = this.codes.remove(number, id);
      if (removed) this.audit(by, 'code-deleted', number, removed.label);
      return removed !== null;
    })();
  }

  /** Whether the extension has a code that may open a call at `now`. */
  hasUsableUnlockCode(number: string, now: number): boolean {
    return this.codes.anyUsable(number, now);
  }

  /**
   * Finds the code a caller typed with the keyed index and verifies it with ONE scrypt, whatever the
   * number of codes (unlock-codes.ts). Null for no match. Whether the matched code may open the call
   * (enabled, valid today) is decided in `decidePinCode`'s transaction; a migrated code's upgrade
   * (`CodeMatch.upgrade`) is the caller's to run once the code was accepted.
   */
  async compareUnlockCode(number: string, code: string): Promise<CodeMatch | null> {
    return this.codes.match(number, code);
  }

  /** Whether `code` opens a call of the extension now (tests and tools; the gate uses the above). */
  async verifyUnlockCode(number: string, code: string, now = Date.now()): Promise<boolean> {
    const matched = await this.codes.match(number, code);
    const row = matched ? this.codes.find(number, matched.codeId) : null;
    const opens = row !== null && codeRefusal(row, now) === null;
    if (opens) await matched?.upgrade?.();
    return opens;
  }

  // — PIN scope (issue #14) —

  companyPinScope(companyId: string): PinScope {
    const row = this.statement('SELECT default_pin_scope FROM companies WHERE id = ?').get(companyId) as
      { default_pin_scope: PinScope } | undefined;
    return row?.default_pin_scope ?? DEFAULT_PIN_SCOPE;
  }

  setCompanyPinScope(companyId: string, scope: PinScope, by: { admin: string; at: number }): void {
    this.db.transaction(() => {
      this.statement('UPDATE companies SET default_pin_scope = ? WHERE id = ?').run(scope, companyId);
      this.audit(by, 'company-pin-scope', null, scope);
    })();
  }

  setPinScope(number: string, scope: PinScope | null, by: { admin: string; at: number }): void {
    this.db.transaction(() => {
      this.statement('UPDATE extensions SET pin_scope = ? WHERE number = ?').run(scope, number);
      this.audit(by, 'pin-scope', number, scope ?? 'company-default');
    })();
  }

  private audit(
    by: { admin: string; at: number },
    action: string,
    extension: string | null,
    detail: string | null,
  ): void {
    this.statement(
      'INSERT INTO admin_audit (at, admin, action, extension, detail) VALUES (?, ?, ?, ?, ?)',
    ).run(by.at, by.admin, action, extension, detail);
  }

  /** Locks an extension's paid calls until `until` (tests and tools; the gate locks in `decidePinCode`). */
  lock(number: string, until: number, at: number | null = null): void {
    this.statement(
      `UPDATE extensions SET locked_until = ?, locked_at = ?, lock_reason = 'wrong-codes',
           pin_count_after_event = (SELECT COALESCE(MAX(id), 0) FROM pin_events) WHERE number = ?`,
    ).run(until, at, number);
  }

  /**
   * Admin unlock: lifts the lock and the quarantine and starts a new wrong-code count, and writes who
   * did it to the audit table. The lockouts themselves stay on record: one more lockout within the
   * quarantine window quarantines again (an admin who lifts a quarantine at once must not hand an
   * autodialer a fresh budget of several lockouts).
   */
  unlock(number: string, by: { admin: string; at: number }): void {
    this.db.transaction(() => {
      const before = this.findExtension(number);
      this.statement(
        `UPDATE extensions SET locked_until = NULL, quarantined_since = NULL, lock_reason = NULL,
             pin_unlocked_at = ?, pin_count_after_event = (SELECT COALESCE(MAX(id), 0) FROM pin_events)
           WHERE number = ?`,
      ).run(by.at, number);
      this.statement(
        'INSERT INTO admin_audit (at, admin, action, extension, detail) VALUES (?, ?, ?, ?, ?)',
      ).run(
        by.at,
        by.admin,
        'unlock',
        number,
        before?.quarantinedSince !== null && before?.quarantinedSince !== undefined
          ? 'quarantined'
          : before?.lockedUntil !== null && before?.lockedUntil !== undefined && before.lockedUntil > by.at
            ? 'locked'
            : 'open',
      );
    })();
  }

  listAudit(): AuditEntry[] {
    return this.statement(
      'SELECT at, admin, action, extension, detail FROM admin_audit ORDER BY id',
    ).all() as AuditEntry[];
  }

  // — PIN gate —

  /** The extension's and the source's lock state, as the gate's rules need it. */
  gateFacts(extension: string, source: string): GateFacts {
    const row = this.statement('SELECT locked_until, quarantined_since FROM extensions WHERE number = ?').get(
      extension,
    ) as { locked_until: number | null; quarantined_since: number | null } | undefined;
    const block = this.statement('SELECT blocked_until FROM pin_source_blocks WHERE source = ?').get(
      source,
    ) as { blocked_until: number } | undefined;
    return {
      lockedUntil: row?.locked_until ?? null,
      quarantinedSince: row?.quarantined_since ?? null,
      sourceBlockedUntil: block?.blocked_until ?? null,
    };
  }

  /** Records a timeout, a refusal or (from `decidePinCode`) a decided code. Never the code itself. */
  recordPinEvent(event: {
    extension: string;
    source: string;
    callId: string;
    kind: PinEventKind;
    why?: string;
    /** The label of the code that was accepted, or that matched but was refused (never the code). */
    codeLabel?: string;
    at: number;
  }): void {
    this.statement(
      'INSERT INTO pin_events (extension, source, call_id, kind, why, at, code_label) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(
      event.extension,
      event.source,
      event.callId,
      event.kind,
      event.why ?? null,
      event.at,
      event.codeLabel ?? null,
    );
  }

  /**
   * Wrong codes that count towards the next lock: within the window, and recorded after the last
   * lock or admin unlock (by event id, so codes in the same millisecond as the lock are told apart).
   */
  private wrongCodesSince(extension: string, now: number): number {
    return this.count(
      `SELECT COUNT(*) AS n FROM pin_events WHERE extension = ? AND kind = 'wrong-code' AND at > ?
         AND id > (SELECT pin_count_after_event FROM extensions WHERE number = ?)`,
      extension,
      now - this.gateRules.windowMs,
      extension,
    );
  }

  /** A source's wrong codes on any extension within the window, after its last block. */
  private sourceWrongCodesSince(source: string, now: number): number {
    return this.count(
      `SELECT COUNT(*) AS n FROM pin_events WHERE source = ? AND kind = 'wrong-code' AND at > ?
         AND id > COALESCE((SELECT count_after_event FROM pin_source_blocks WHERE source = ?), 0)`,
      source,
      now - this.gateRules.windowMs,
      source,
    );
  }

  private lastPinEvent(): number {
    return this.count('SELECT COALESCE(MAX(id), 0) AS n FROM pin_events');
  }

  private lockoutsSince(extension: string, now: number): number {
    return this.count(
      'SELECT COUNT(*) AS n FROM pin_lockouts WHERE extension = ? AND at > ?',
      extension,
      now - this.gateRules.quarantineWindowMs,
    );
  }

  private count(sql: string, ...parameters: (string | number)[]): number {
    return (this.statement(sql).get(...parameters) as { n: number }).n;
  }

  /**
   * Decides one verified code in ONE immediate transaction: checks the gate again (a lock set while
   * the code was being hashed wins over a right code), records the outcome, and for a wrong code
   * counts, locks, quarantines and blocks the source. better-sqlite3 runs it synchronously, so no
   * other code of this process runs in between, and IMMEDIATE keeps other processes out.
   * (Moving the count out of this transaction lets 10 parallel wrong codes through:
   * test/unit/pbx/pin-gate.test.ts fails then.)
   *
   * With `codeId` (the code that matched, issue #14) the code's own state is read here too: a code
   * disabled, expired or not yet valid — also one an admin disabled while it was being hashed — is a
   * wrong code and counts like one; its label goes with the event so the admin sees whose it was.
   */
  decidePinCode(input: {
    extension: string;
    source: string;
    callId: string;
    correct: boolean;
    codeId?: number;
    now: number;
  }): PinCodeDecision {
    const { extension, source, callId, now } = input;
    const rules = this.gateRules;
    return this.db
      .transaction((): PinCodeDecision => {
        const closed = rules.closed(this.gateFacts(extension, source), now);
        if (closed) {
          this.recordPinEvent({ extension, source, callId, kind: 'refused', why: closed.kind, at: now });
          return { kind: 'closed', why: closed };
        }
        const code = input.codeId === undefined ? null : this.codes.find(extension, input.codeId);
        const refusal = code ? codeRefusal(code, now) : null;
        // A code deleted while it was being hashed is no code any more.
        const accepted = input.correct && (input.codeId === undefined || (code !== null && refusal === null));
        if (accepted) {
          const codeLabel = code?.label ?? null;
          this.recordPinEvent({
            extension,
            source,
            callId,
            kind: 'accepted',
            at: now,
            ...(codeLabel !== null ? { codeLabel } : {}),
          });
          if (code) this.statement('UPDATE unlock_codes SET last_used_at = ? WHERE id = ?').run(now, code.id);
          return { kind: 'accepted', codeLabel };
        }
        this.recordPinEvent({
          extension,
          source,
          callId,
          kind: 'wrong-code',
          at: now,
          ...(input.correct && code ? { why: `code-${refusal ?? 'deleted'}`, codeLabel: code.label } : {}),
          ...(input.correct && !code ? { why: 'code-deleted' } : {}),
        });
        const eventId = this.lastPinEvent();
        const wrongCodesInWindow = this.wrongCodesSince(extension, now);
        const decision = rules.afterWrongCode(
          {
            wrongCodesInWindow,
            lockoutsInWindow: this.lockoutsSince(extension, now),
            sourceWrongCodesInWindow: this.sourceWrongCodesSince(source, now),
          },
          now,
        );
        if (decision.quarantine) {
          this.statement(
            `UPDATE extensions SET locked_until = NULL, locked_at = ?, quarantined_since = ?,
                 lock_reason = 'repeated-lockouts', pin_count_after_event = ? WHERE number = ?`,
          ).run(now, now, eventId, extension);
        } else if (decision.lockUntil !== null) {
          this.statement(
            `UPDATE extensions SET locked_until = ?, locked_at = ?, lock_reason = 'wrong-codes',
                 pin_count_after_event = ? WHERE number = ?`,
          ).run(decision.lockUntil, now, eventId, extension);
        }
        if (decision.quarantine || decision.lockUntil !== null) {
          this.statement(
            'INSERT INTO pin_lockouts (extension, kind, at, until, wrong_codes) VALUES (?, ?, ?, ?, ?)',
          ).run(
            extension,
            decision.quarantine ? 'quarantined' : 'locked',
            now,
            decision.lockUntil,
            wrongCodesInWindow,
          );
        }
        if (decision.blockSourceUntil !== null) {
          this.statement(
            `INSERT INTO pin_source_blocks (source, blocked_at, blocked_until, count_after_event)
               VALUES (?, ?, ?, ?)
               ON CONFLICT (source) DO UPDATE SET blocked_at = excluded.blocked_at,
                 blocked_until = excluded.blocked_until, count_after_event = excluded.count_after_event`,
          ).run(source, now, decision.blockSourceUntil, eventId);
        }
        return {
          kind: 'wrong',
          wrongCodesInWindow,
          wrongCodesLeftBeforeLock: decision.wrongCodesLeftBeforeLock,
          locked: decision.lockUntil === null ? null : { until: decision.lockUntil },
          quarantined: decision.quarantine,
          sourceBlockedUntil: decision.blockSourceUntil,
        };
      })
      .immediate();
  }

  /** The contract view of an extension's PIN gate at `now` (tests, admin API). */
  pinSecurity(extension: string, now: number): PinSecurity {
    const counts = (kind: PinEventKind) =>
      this.count('SELECT COUNT(*) AS n FROM pin_events WHERE extension = ? AND kind = ?', extension, kind);
    const record = this.findExtension(extension);
    const lockedUntil =
      record && this.gateRules.isLocked(record.lockedUntil, now) ? record.lockedUntil : null;
    const quarantinedSince = record?.quarantinedSince ?? null;
    return {
      wrongCodes: counts('wrong-code'),
      wrongCodesInWindow: this.wrongCodesSince(extension, now),
      timeouts: counts('timeout'),
      accepted: counts('accepted'),
      refused: counts('refused'),
      lockedUntil,
      quarantinedSince,
      lockReason: lockedUntil !== null || quarantinedSince !== null ? (record?.lockReason ?? null) : null,
      lockouts24h: this.lockoutsSince(extension, now),
    };
  }

  /** A source's block in force at `now`, or null (admin API: the per-source throttle). */
  sourceBlockedUntil(source: string, now: number): number | null {
    const row = this.statement('SELECT blocked_until FROM pin_source_blocks WHERE source = ?').get(source) as
      { blocked_until: number } | undefined;
    return row && this.gateRules.isLocked(row.blocked_until, now) ? row.blocked_until : null;
  }

  /**
   * Sources blocked at `now` that typed wrong codes on any of these extensions, with how many
   * (admin API: the per-source PIN throttle, scoped to the admin's company).
   */
  listSourceBlocks(
    extensions: readonly string[],
    now: number,
  ): { source: string; blockedUntil: number; wrongCodes: number }[] {
    if (extensions.length === 0) return [];
    const placeholders = extensions.map(() => '?').join(', ');
    const rows = this.statement(
      `SELECT b.source AS source, b.blocked_until AS blockedUntil,
              (SELECT COUNT(*) FROM pin_events e WHERE e.source = b.source AND e.kind = 'wrong-code'
                 AND e.extension IN (${placeholders})) AS wrongCodes
         FROM pin_source_blocks b WHERE b.blocked_until > ? ORDER BY b.source`,
    ).all(...extensions, now) as { source: string; blockedUntil: number; wrongCodes: number }[];
    return rows.filter((row) => row.wrongCodes > 0);
  }

  async verifyAdmin(username: string, password: string): Promise<string | null> {
    const row = this.statement('SELECT company_id, password_hash FROM admins WHERE username = ?').get(
      username,
    ) as { company_id: string; password_hash: string } | undefined;
    const check = await verifySecret(password, row?.password_hash ?? null, this.pepper);
    if (check === 'no-match' || !row) return null;
    if (check === 'match-unpeppered') {
      const hashed = await hashSecret(password, this.pepper);
      this.statement('UPDATE admins SET password_hash = ? WHERE username = ? AND password_hash = ?').run(
        hashed,
        username,
        row.password_hash,
      );
    }
    return row.company_id;
  }

  async verifyProvider(username: string, password: string): Promise<boolean> {
    const get = (key: string) =>
      (this.statement('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)
        ?.value ?? null;
    const stored = get('provider_password_hash');
    const check = await verifySecret(password, stored, this.pepper);
    if (check === 'no-match' || username !== get('provider_username')) return false;
    if (check === 'match-unpeppered') {
      const hashed = await hashSecret(password, this.pepper);
      this.statement("UPDATE meta SET value = ? WHERE key = 'provider_password_hash' AND value = ?").run(
        hashed,
        stored,
      );
    }
    return true;
  }

  listProducts(): { id: string; name: string; kind: 'main' | 'add-on'; pinProtection: boolean }[] {
    return (
      this.statement('SELECT id, name, kind, pin_protection FROM products ORDER BY id').all() as {
        id: string;
        name: string;
        kind: 'main' | 'add-on';
        pin_protection: number;
      }[]
    ).map((row) => ({ id: row.id, name: row.name, kind: row.kind, pinProtection: row.pin_protection === 1 }));
  }

  /** Provider grant/revoke. Revoking also switches IVR authentication off where nothing else carries it. */
  setProductPinProtection(productId: string, on: boolean): string[] | null {
    const exists = this.statement('SELECT 1 FROM products WHERE id = ?').get(productId);
    if (!exists) return null;
    this.statement('UPDATE products SET pin_protection = ? WHERE id = ?').run(on ? 1 : 0, productId);
    const affected = (
      this.statement('SELECT extension FROM extension_products WHERE product_id = ?').all(productId) as {
        extension: string;
      }[]
    ).map((row) => row.extension);
    if (!on) {
      for (const number of affected)
        if (!this.pinProtectionProduct(number)) this.setIvrAuthentication(number, false);
    }
    return affected;
  }

  insertCallRecord(record: CallRecord): void {
    this.statement(
      `INSERT INTO call_records (call_id, caller, destination, call_class, pin_outcome, pin_attempts, result,
           started_at, answered_at, ended_at, pin_timeouts, code_label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      record.callId,
      record.caller,
      record.destination,
      record.callClass,
      record.pinOutcome,
      record.pinAttempts,
      record.result,
      record.startedAt,
      record.answeredAt,
      record.endedAt,
      record.pinTimeouts ?? 0,
      record.codeLabel ?? null,
    );
  }

  /**
   * The admin's PIN-usage view (issue #14): paid (external) calls of these extensions since `since`,
   * with the label of the code used, and the PIN events — wrong codes, timeouts, locks, quarantines —
   * and admin actions on codes and locks. Newest first. Never a code or digit: there is none stored.
   */
  pinUsage(extensions: readonly string[], since: number): PinUsage {
    if (extensions.length === 0) return { calls: [], events: [] };
    const list = extensions.map(() => '?').join(', ');
    const calls = (
      this.statement(
        `SELECT call_id, caller, code_label, destination, started_at, answered_at, ended_at, pin_outcome
           FROM call_records WHERE call_class = 'external' AND caller IN (${list}) AND started_at >= ?
           ORDER BY started_at DESC, id DESC`,
      ).all(...extensions, since) as {
        call_id: string;
        caller: string;
        code_label: string | null;
        destination: string;
        started_at: number;
        answered_at: number | null;
        ended_at: number | null;
        pin_outcome: PinOutcome;
      }[]
    ).map((row) => ({
      callId: row.call_id,
      extension: row.caller,
      codeLabel: row.code_label,
      destination: row.destination,
      startedAt: row.started_at,
      answeredAt: row.answered_at,
      endedAt: row.ended_at,
      pinOutcome: row.pin_outcome,
    }));
    const events = this.statement(
      `SELECT at, extension, kind, NULL AS admin, code_label AS codeLabel, id AS n FROM pin_events
         WHERE kind IN ('wrong-code', 'timeout') AND extension IN (${list}) AND at >= ?
       UNION ALL
       SELECT at, extension, kind, NULL, NULL, id FROM pin_lockouts WHERE extension IN (${list}) AND at >= ?
       UNION ALL
       SELECT at, extension, CASE action WHEN 'unlock' THEN 'unlocked' ELSE action END, admin,
              CASE WHEN action = 'unlock' THEN NULL ELSE detail END, id
         FROM admin_audit
         WHERE action IN ('unlock', 'code-added', 'code-disabled', 'code-deleted') AND extension IN (${list}) AND at >= ?
       ORDER BY at DESC, n DESC`,
    ).all(...extensions, since, ...extensions, since, ...extensions, since) as {
      at: number;
      extension: string;
      kind: PinUsageEventKind;
      admin: string | null;
      codeLabel: string | null;
    }[];
    return {
      calls,
      events: events.map((row) => ({
        at: row.at,
        extension: row.extension,
        kind: row.kind,
        by: row.admin,
        codeLabel: row.codeLabel,
      })),
    };
  }

  listCallRecords(): CallRecord[] {
    return (
      this.statement('SELECT * FROM call_records ORDER BY id').all() as {
        call_id: string;
        caller: string;
        destination: string;
        call_class: string;
        pin_outcome: PinOutcome;
        pin_attempts: number;
        pin_timeouts: number;
        code_label: string | null;
        result: string;
        started_at: number;
        answered_at: number | null;
        ended_at: number | null;
      }[]
    ).map((row) => ({
      callId: row.call_id,
      caller: row.caller,
      destination: row.destination,
      callClass: row.call_class,
      pinOutcome: row.pin_outcome,
      pinAttempts: row.pin_attempts,
      pinTimeouts: row.pin_timeouts,
      codeLabel: row.code_label,
      result: row.result,
      startedAt: row.started_at,
      answeredAt: row.answered_at,
      endedAt: row.ended_at,
    }));
  }
}
