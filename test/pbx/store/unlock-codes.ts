import { createHmac } from 'node:crypto';
import type Database from 'better-sqlite3';
import { MAX_CODES_PER_EXTENSION } from '../../../shared/policy/unlock-code';
import type { AddCodeResult, CodeMatch, UnlockCodeRow } from './ports';
import { hashSecret, verifySecret } from './secrets';

/** The slow hashes the store uses (secrets.ts); a test passes counting wrappers. */
export interface SlowHashes {
  verify: typeof verifySecret;
  hash: typeof hashSecret;
}

export type { AddCodeResult, CodeMatch, UnlockCodeRow } from './ports';

/**
 * An extension's personal unlock codes (issue #14): several per extension, each with a label (the
 * person or role), optional validity days and an enabled flag. Codes are stored as peppered scrypt
 * hashes (secrets.ts) and never leave the store.
 *
 * **Finding the code without trying every hash.** Each code also has a keyed lookup index:
 * `HMAC-SHA-256(pepper, "tollgate unlock-code index" ‖ extension ‖ code)`, unique per extension. A
 * typed code is looked up by its index (one indexed SQLite read) and then verified with ONE scrypt
 * against the candidate found; when no candidate is found, one scrypt still runs against a dummy hash,
 * so a wrong code takes as long as a right one, however many codes the extension has. The index is
 * useless without the pepper (an HMAC under an unknown key), so a stolen `pbx.sqlite` alone still
 * reveals nothing. The trade-off: whoever has the database AND the pepper can test codes at HMAC
 * speed instead of scrypt speed — for 4–16 digit codes scrypt would not have held long then either
 * (docs/security.md).
 *
 * A code from before issue #14 (the single `unlock_code_hash` of migration 4) has no index: there is
 * at most one per extension, labelled "Standard". When the index finds nothing, that one is the
 * candidate for the single scrypt; once it is entered correctly AND accepted it gets its index (and a
 * peppered hash, if it had none) and is looked up like any other from then on. That upgrade (a second
 * scrypt) is not part of `match`: it is handed back as `upgrade`, which the gate runs only after the
 * code was accepted and after the verdict went out, so a right but disabled or expired code costs
 * exactly what a wrong one does (audit N1: the time must not tell "right but disabled").
 */
/** Why a code that matched is refused anyway; it counts as a wrong code (issue #14). */
export type CodeRefusal = 'disabled' | 'expired' | 'not-yet-valid';

/** The label the set-PIN call (`PATCH …/call-settings {unlockCode}`) manages, and migration 4 gives. */
export const STANDARD_LABEL = 'Standard';

const DAY_MS = 86_400_000;

/** Whether the code may open a call at `now` (validity days in UTC, inclusive). */
export function codeRefusal(
  code: Pick<UnlockCodeRow, 'enabled' | 'validFrom' | 'validUntil'>,
  now: number,
): CodeRefusal | null {
  if (!code.enabled) return 'disabled';
  if (code.validFrom !== null && now < Date.parse(`${code.validFrom}T00:00:00Z`)) return 'not-yet-valid';
  if (code.validUntil !== null && now >= Date.parse(`${code.validUntil}T00:00:00Z`) + DAY_MS)
    return 'expired';
  return null;
}

/** The keyed lookup index of a code (base64). Extension and code are separated so no two pairs collide. */
export function codeIndex(pepper: Buffer, extension: string, code: string): string {
  return createHmac('sha256', pepper)
    .update('tollgate unlock-code index\0')
    .update(extension, 'utf8')
    .update('\0')
    .update(code, 'utf8')
    .digest('base64');
}

interface CodeRecord {
  id: number;
  extension: string;
  label: string;
  lookup: string | null;
  hash: string;
  enabled: number;
  valid_from: string | null;
  valid_until: string | null;
  created_at: number;
  last_used_at: number | null;
}

function toRow(record: CodeRecord): UnlockCodeRow {
  return {
    id: record.id,
    extension: record.extension,
    label: record.label,
    enabled: record.enabled === 1,
    validFrom: record.valid_from,
    validUntil: record.valid_until,
    createdAt: record.created_at,
    lastUsedAt: record.last_used_at,
  };
}

/** The unlock-code rows over the PBX's database (used by `PbxDatabase`, which owns the connection). */
export class UnlockCodes {
  constructor(
    private readonly db: Database.Database,
    private readonly pepper: Buffer,
    private readonly statement: (sql: string) => Database.Statement,
    /** The slow comparison and hash (secrets.ts); a test passes counting wrappers. */
    private readonly slow: SlowHashes = { verify: verifySecret, hash: hashSecret },
    /** The most codes an extension holds (shared/policy/unlock-code.ts). */
    private readonly maxCodes: number = MAX_CODES_PER_EXTENSION,
  ) {}

  private count(extension: string): number {
    return (
      this.statement('SELECT COUNT(*) AS n FROM unlock_codes WHERE extension = ?').get(extension) as {
        n: number;
      }
    ).n;
  }

  list(extension: string): UnlockCodeRow[] {
    return (
      this.statement('SELECT * FROM unlock_codes WHERE extension = ? ORDER BY id').all(
        extension,
      ) as CodeRecord[]
    ).map(toRow);
  }

  find(extension: string, id: number): UnlockCodeRow | null {
    const record = this.statement('SELECT * FROM unlock_codes WHERE extension = ? AND id = ?').get(
      extension,
      id,
    ) as CodeRecord | undefined;
    return record ? toRow(record) : null;
  }

  /** Whether the extension has a code that could open a call at `now`. */
  anyUsable(extension: string, now: number): boolean {
    return this.list(extension).some((code) => codeRefusal(code, now) === null);
  }

  /**
   * Adds a code, refused when it equals another code of the extension (also one migrated without an
   * index: that one is compared by its hash, one scrypt, and gets its index when it matches), and when
   * the extension already holds `maxCodes` codes (every row counts: a disabled or expired code can be
   * enabled again without passing here).
   */
  async add(
    extension: string,
    input: { label: string; code: string; validFrom: string | null; validUntil: string | null },
    now: number,
  ): Promise<AddCodeResult> {
    if (this.count(extension) >= this.maxCodes) return { kind: 'too-many-codes' };
    const lookup = codeIndex(this.pepper, extension, input.code);
    if (await this.taken(extension, input.code, lookup)) return { kind: 'code-taken' };
    const hash = await this.slow.hash(input.code, this.pepper);
    return this.db
      .transaction((): AddCodeResult => {
        // Checked again in the transaction: another request may have added the same code meanwhile,
        // or filled the last place (two admins adding at once must not end above the limit).
        if (
          this.statement('SELECT 1 FROM unlock_codes WHERE extension = ? AND lookup = ?').get(
            extension,
            lookup,
          )
        )
          return { kind: 'code-taken' };
        if (this.count(extension) >= this.maxCodes) return { kind: 'too-many-codes' };
        const result = this.statement(
          `INSERT INTO unlock_codes (extension, label, lookup, hash, enabled, valid_from, valid_until, created_at)
             VALUES (?, ?, ?, ?, 1, ?, ?, ?)`,
        ).run(extension, input.label, lookup, hash, input.validFrom, input.validUntil, now);
        return { kind: 'added', code: this.find(extension, Number(result.lastInsertRowid)) as UnlockCodeRow };
      })
      .immediate();
  }

  /**
   * The set-PIN call of before issue #14: the code labelled "Standard" gets this code (made when
   * there is none) and is enabled. Refused when another code of the extension already is this code.
   */
  async setStandard(extension: string, code: string, now: number): Promise<AddCodeResult> {
    const lookup = codeIndex(this.pepper, extension, code);
    const standard = this.list(extension).find((row) => row.label === STANDARD_LABEL);
    const owner = this.statement('SELECT id FROM unlock_codes WHERE extension = ? AND lookup = ?').get(
      extension,
      lookup,
    ) as { id: number } | undefined;
    if (owner && owner.id !== standard?.id) return { kind: 'code-taken' };
    if (!owner && (await this.legacyMatches(extension, code, standard?.id))) return { kind: 'code-taken' };
    if (!standard)
      return this.add(extension, { label: STANDARD_LABEL, code, validFrom: null, validUntil: null }, now);
    const hash = await this.slow.hash(code, this.pepper);
    // Setting "the" code is an explicit act: it is in force afterwards, also if it was disabled.
    this.statement('UPDATE unlock_codes SET lookup = ?, hash = ?, enabled = 1 WHERE id = ?').run(
      lookup,
      hash,
      standard.id,
    );
    return { kind: 'added', code: this.find(extension, standard.id) as UnlockCodeRow };
  }

  update(
    extension: string,
    id: number,
    patch: { label?: string; enabled?: boolean; validFrom?: string | null; validUntil?: string | null },
  ): UnlockCodeRow | null {
    const current = this.find(extension, id);
    if (!current) return null;
    const next = { ...current, ...patch };
    this.statement(
      'UPDATE unlock_codes SET label = ?, enabled = ?, valid_from = ?, valid_until = ? WHERE id = ?',
    ).run(next.label, next.enabled ? 1 : 0, next.validFrom, next.validUntil, id);
    return this.find(extension, id);
  }

  remove(extension: string, id: number): UnlockCodeRow | null {
    const current = this.find(extension, id);
    if (!current) return null;
    this.statement('DELETE FROM unlock_codes WHERE id = ?').run(id);
    return current;
  }

  /**
   * The one candidate for a typed code and ONE scrypt: the code its index finds, else the extension's
   * code without an index (from before issue #14), else a dummy hash (verifySecret spends the same
   * time on nothing). Returns the id of the code that matched, whatever its state: whether it may
   * open the call is decided in the gate's transaction (`PbxDatabase.decidePinCode`). Nothing else
   * slow runs here, right or wrong, enabled or not (see `CodeMatch.upgrade`).
   */
  async match(extension: string, code: string): Promise<CodeMatch | null> {
    const lookup = codeIndex(this.pepper, extension, code);
    const candidate =
      (this.statement('SELECT id, hash, lookup FROM unlock_codes WHERE extension = ? AND lookup = ?').get(
        extension,
        lookup,
      ) as Pick<CodeRecord, 'id' | 'hash' | 'lookup'> | undefined) ?? this.legacy(extension);
    const check = await this.slow.verify(code, candidate?.hash ?? null, this.pepper);
    if (check === 'no-match' || !candidate) return null;
    if (check !== 'match-unpeppered' && candidate.lookup !== null) return { codeId: candidate.id };
    return {
      codeId: candidate.id,
      upgrade: async () => {
        const hash = await this.slow.hash(code, this.pepper);
        // Unless the code was changed meanwhile (or the PBX is stopping).
        if (this.db.open)
          this.statement('UPDATE unlock_codes SET lookup = ?, hash = ? WHERE id = ? AND hash = ?').run(
            lookup,
            hash,
            candidate.id,
            candidate.hash,
          );
      },
    };
  }

  private legacy(extension: string): Pick<CodeRecord, 'id' | 'hash' | 'lookup'> | undefined {
    return this.statement(
      'SELECT id, hash, lookup FROM unlock_codes WHERE extension = ? AND lookup IS NULL ORDER BY id LIMIT 1',
    ).get(extension) as Pick<CodeRecord, 'id' | 'hash' | 'lookup'> | undefined;
  }

  private async taken(extension: string, code: string, lookup: string): Promise<boolean> {
    if (
      this.statement('SELECT 1 FROM unlock_codes WHERE extension = ? AND lookup = ?').get(extension, lookup)
    )
      return true;
    return this.legacyMatches(extension, code);
  }

  /** Whether the extension's code without an index (if any, and not `except`) is this code. */
  private async legacyMatches(extension: string, code: string, except?: number): Promise<boolean> {
    const legacy = this.legacy(extension);
    if (!legacy || legacy.id === except) return false;
    if ((await this.slow.verify(code, legacy.hash, this.pepper)) === 'no-match') return false;
    this.statement('UPDATE unlock_codes SET lookup = ? WHERE id = ? AND lookup IS NULL').run(
      codeIndex(this.pepper, extension, code),
      legacy.id,
    );
    return true;
  }
}
