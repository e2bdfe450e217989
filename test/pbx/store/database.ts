import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { type DialPlan, DialPlanSchema } from '../../../shared/dial-plan/dial-plan';
import type { Policy } from '../../../shared/policy/policy';
import { ha1, type DigestAlgorithm } from '../sip/digest';
import { hashSecret, verifySecret } from './secrets';
import type { Seed } from './seed';

/**
 * The PBX's persistent state in SQLite: companies, products (with the provider's PIN-protection
 * grant), extensions with their call settings, lockouts and the call records. Only hashes of
 * secrets are stored: HA1 values for SIP digest, scrypt for unlock codes and admin passwords.
 */
const MIGRATIONS: readonly string[] = [
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
];

export interface ExtensionRecord {
  number: string;
  companyId: string;
  displayName: string;
  language: 'de' | 'en';
  ivrAuthentication: boolean;
  unlockCodeSet: boolean;
  lockedUntil: number | null;
}

export type PinOutcome = 'not-required' | 'ok' | 'failed' | 'locked' | 'abandoned';
export interface CallRecord {
  callId: string;
  caller: string;
  /** The normalised destination (never what was typed during the call). */
  destination: string;
  callClass: string;
  pinOutcome: PinOutcome;
  pinAttempts: number;
  result: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
}

export class PbxDatabase {
  readonly db: Database.Database;

  /** True when there was no database file and a new one was made (seeded on start). */
  readonly created: boolean;

  /** Each statement compiled once: better-sqlite3 compiles the SQL again on every prepare(). */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    path: string,
    readonly realm: string,
  ) {
    this.created = path === ':memory:' || !existsSync(path);
    try {
      this.db = new Database(path);
      this.db.pragma('busy_timeout = 2000');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('foreign_keys = ON');
      this.migrate();
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

  isSeeded(): boolean {
    return (this.statement('SELECT COUNT(*) AS n FROM companies').get() as { n: number }).n > 0;
  }

  /** Loads the seed into an empty database. Later starts keep what admins changed. */
  async seed(seed: Seed): Promise<void> {
    if (this.isSeeded()) return;
    const adminHashes = await Promise.all(seed.company.admins.map((admin) => hashSecret(admin.password)));
    const providerHash = await hashSecret(seed.provider.password);
    const codeHashes = await Promise.all(
      seed.company.extensions.map((extension) =>
        extension.unlockCode ? hashSecret(extension.unlockCode) : null,
      ),
    );
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
      company.extensions.forEach((extension, index) => {
        this.statement(
          `INSERT INTO extensions (number, company_id, display_name, language, ha1_md5, ha1_sha256,
               ivr_authentication, unlock_code_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          extension.number,
          company.id,
          extension.displayName,
          extension.language,
          ha1('MD5', extension.number, this.realm, extension.password),
          ha1('SHA-256', extension.number, this.realm, extension.password),
          extension.ivrAuthentication ? 1 : 0,
          codeHashes[index] ?? null,
        );
        for (const productId of extension.products) {
          this.statement('INSERT INTO extension_products (extension, product_id) VALUES (?, ?)').run(
            extension.number,
            productId,
          );
        }
      });
    })();
  }

  ha1For(username: string, algorithm: DigestAlgorithm): string | undefined {
    const row = this.statement('SELECT ha1_md5, ha1_sha256 FROM extensions WHERE number = ?').get(
      username,
    ) as { ha1_md5: string; ha1_sha256: string } | undefined;
    if (!row) return undefined;
    return algorithm === 'MD5' ? row.ha1_md5 : row.ha1_sha256;
  }

  findExtension(number: string): ExtensionRecord | null {
    const row = this.statement(
      `SELECT number, company_id, display_name, language, ivr_authentication, unlock_code_hash, locked_until
         FROM extensions WHERE number = ?`,
    ).get(number) as
      | {
          number: string;
          company_id: string;
          display_name: string;
          language: 'de' | 'en';
          ivr_authentication: number;
          unlock_code_hash: string | null;
          locked_until: number | null;
        }
      | undefined;
    if (!row) return null;
    return {
      number: row.number,
      companyId: row.company_id,
      displayName: row.display_name,
      language: row.language,
      ivrAuthentication: row.ivr_authentication === 1,
      unlockCodeSet: row.unlock_code_hash !== null,
      lockedUntil: row.locked_until,
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
  pinProtectionProduct(number: string): { id: string; name: string; kind: 'main' | 'add-on' } | null {
    const row = this.statement(
      `SELECT p.id, p.name, p.kind FROM extension_products ep JOIN products p ON p.id = ep.product_id
         WHERE ep.extension = ? AND p.pin_protection = 1 ORDER BY p.kind = 'add-on', p.id LIMIT 1`,
    ).get(number) as { id: string; name: string; kind: 'main' | 'add-on' } | undefined;
    return row ?? null;
  }

  policyFor(number: string, now: number): Policy | null {
    const extension = this.findExtension(number);
    if (!extension) return null;
    const product = this.pinProtectionProduct(number);
    const lockedUntil =
      extension.lockedUntil !== null && extension.lockedUntil > now ? extension.lockedUntil : null;
    const body: Omit<Policy, 'version'> = {
      extension: extension.number,
      displayName: extension.displayName,
      language: extension.language,
      company: { id: extension.companyId, name: this.companyName(extension.companyId) },
      pinProtection: {
        available: product !== null,
        product,
        ivrAuthentication: product !== null && extension.ivrAuthentication,
        unlockCodeSet: extension.unlockCodeSet,
        lockedUntil: lockedUntil === null ? null : new Date(lockedUntil).toISOString(),
      },
      dialPlan: this.dialPlanOf(extension.companyId),
    };
    const version = createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 16);
    return { version, ...body };
  }

  setIvrAuthentication(number: string, on: boolean): void {
    this.statement('UPDATE extensions SET ivr_authentication = ? WHERE number = ?').run(on ? 1 : 0, number);
  }

  async setUnlockCode(number: string, code: string): Promise<void> {
    const hashed = await hashSecret(code);
    this.statement('UPDATE extensions SET unlock_code_hash = ? WHERE number = ?').run(hashed, number);
  }

  async verifyUnlockCode(number: string, code: string): Promise<boolean> {
    const row = this.statement('SELECT unlock_code_hash FROM extensions WHERE number = ?').get(number) as
      { unlock_code_hash: string | null } | undefined;
    return verifySecret(code, row?.unlock_code_hash ?? null);
  }

  recordPinFailure(number: string, at: number): number[] {
    this.statement('INSERT INTO pin_failures (extension, failed_at) VALUES (?, ?)').run(number, at);
    return (
      this.statement('SELECT failed_at FROM pin_failures WHERE extension = ? ORDER BY failed_at').all(
        number,
      ) as {
        failed_at: number;
      }[]
    ).map((row) => row.failed_at);
  }

  lock(number: string, until: number): void {
    this.statement('UPDATE extensions SET locked_until = ? WHERE number = ?').run(until, number);
  }

  /** Admin unlock: clears the lock and the failures that led to it. */
  unlock(number: string): void {
    this.db.transaction(() => {
      this.statement('UPDATE extensions SET locked_until = NULL WHERE number = ?').run(number);
      this.statement('DELETE FROM pin_failures WHERE extension = ?').run(number);
    })();
  }

  async verifyAdmin(username: string, password: string): Promise<string | null> {
    const row = this.statement('SELECT company_id, password_hash FROM admins WHERE username = ?').get(
      username,
    ) as { company_id: string; password_hash: string } | undefined;
    const ok = await verifySecret(password, row?.password_hash ?? null);
    return ok && row ? row.company_id : null;
  }

  async verifyProvider(username: string, password: string): Promise<boolean> {
    const get = (key: string) =>
      (this.statement('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)
        ?.value ?? null;
    const ok = await verifySecret(password, get('provider_password_hash'));
    return ok && username === get('provider_username');
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
           started_at, answered_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    );
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
      result: row.result,
      startedAt: row.started_at,
      answeredAt: row.answered_at,
      endedAt: row.ended_at,
    }));
  }
}
