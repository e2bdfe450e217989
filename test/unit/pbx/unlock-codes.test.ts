import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LOCKOUT_RULES, storeGateRules } from '../../../test/pbx/ivr/lockout';
import { PbxDatabase } from '../../../test/pbx/store/database';
import * as secrets from '../../../test/pbx/store/secrets';
import { loadSeed } from '../../../test/pbx/store/seed';
import { codeIndex, codeRefusal, UnlockCodes } from '../../../test/pbx/store/unlock-codes';

/**
 * Personal unlock codes in the store (issue #14): the keyed lookup index, one scrypt per check
 * whatever the number of codes, codes unique per extension, disabled/expired codes refused and
 * counted. `verifySecret` and `hashSecret` are wrapped so the test can count the slow hashes a check
 * costs.
 */
const verifySecret = vi.fn(secrets.verifySecret);
const hashSecret = vi.fn(secrets.hashSecret);

const gateRules = storeGateRules({ ...DEFAULT_LOCKOUT_RULES, wrongCodesToLock: 100 });
const by = { admin: 'admin', at: Date.parse('2026-06-15T12:00:00Z') };
const NOW = by.at;

const pepper = randomBytes(32);
async function store() {
  const database = new PbxDatabase(':memory:', 'tollgate.test', { pepper, gateRules });
  await database.seed(loadSeed());
  return database;
}
/** The store's code rows over the same database, with the counting comparison and hash. */
const counted = (database: PbxDatabase) =>
  new UnlockCodes(database.db, pepper, (sql) => database.db.prepare(sql), {
    verify: verifySecret,
    hash: hashSecret,
  });
/** Makes 201's "Standard" (471108) a code migrated before issue #14: no lookup index. */
function migrateStandard(database: PbxDatabase): number {
  database.db
    .prepare("UPDATE unlock_codes SET lookup = NULL WHERE extension = '201' AND label = 'Standard'")
    .run();
  const standard = database.listUnlockCodes('201').find((code) => code.label === 'Standard');
  if (!standard) throw new Error('seed without Standard');
  return standard.id;
}
const lookupOf = (database: PbxDatabase, id: number) =>
  (database.db.prepare('SELECT lookup FROM unlock_codes WHERE id = ?').get(id) as { lookup: string | null })
    .lookup;

function decide(database: PbxDatabase, codeId: number | undefined, now = NOW) {
  return database.decidePinCode({
    extension: '201',
    source: '192.0.2.1',
    callId: 'c',
    correct: codeId !== undefined,
    ...(codeId !== undefined ? { codeId } : {}),
    now,
  });
}

describe('keyed lookup index', () => {
  it('depends on the pepper, the extension and the code, with no ambiguity between them', () => {
    const pepper = randomBytes(32);
    const index = codeIndex(pepper, '201', '1234');
    expect(codeIndex(pepper, '201', '1234')).toBe(index);
    expect(codeIndex(randomBytes(32), '201', '1234')).not.toBe(index);
    expect(codeIndex(pepper, '204', '1234')).not.toBe(index);
    expect(codeIndex(pepper, '201', '1235')).not.toBe(index);
    // "20" + "11234" must not be "201" + "1234" (breaks without the separator).
    expect(codeIndex(pepper, '20', '11234')).not.toBe(codeIndex(pepper, '201', '1234'));
  });
});

describe('personal unlock codes in the store', () => {
  beforeEach(() => {
    verifySecret.mockClear();
    hashSecret.mockClear();
  });

  // Breaks when the check tries the codes one by one (k hashes for a wrong code: the time would
  // grow with the codes and tell a right code from a wrong one), or when a miss skips the dummy hash.
  it('checks a code with exactly one scrypt, right or wrong, with 2 or 20 codes', async () => {
    const database = await store();
    for (const count of [2, 20]) {
      const codes = database.listUnlockCodes('201').length;
      for (let i = codes; i < count; i++)
        await database.addUnlockCode(
          '201',
          { label: `P${i}`, code: `90${1000 + i}`, validFrom: null, validUntil: null },
          by,
        );
      expect(database.listUnlockCodes('201')).toHaveLength(count);
      for (const code of ['471108', '739104', `90${1000 + count - 1}`, '000000', '12345678']) {
        verifySecret.mockClear();
        hashSecret.mockClear();
        await counted(database).match('201', code);
        expect([code, verifySecret.mock.calls.length, hashSecret.mock.calls.length]).toEqual([code, 1, 0]);
      }
    }
    // An extension without any code spends its one scrypt on a dummy hash too.
    verifySecret.mockClear();
    expect(await counted(database).match('202', '1234')).toBeNull();
    expect(verifySecret).toHaveBeenCalledTimes(1);
    expect(verifySecret.mock.calls[0]?.[1]).toBeNull();
    expect(hashSecret).not.toHaveBeenCalled();
  });

  // Audit N1: a migrated code (no index) typed right used to be re-hashed inside the check — a second
  // scrypt even when it was disabled or expired, so the time told "right but disabled" from wrong.
  // Breaks when match() runs hashSecret itself (the counts become 1, 1) instead of handing the
  // upgrade back for an accepted code.
  it('a migrated code costs one scrypt to check, right or wrong, enabled or not; only the upgrade of an accepted one hashes', async () => {
    const database = await store();
    const id = migrateStandard(database);
    database.updateUnlockCode('201', id, { enabled: false }, by);
    for (const code of ['471108', '000000']) {
      verifySecret.mockClear();
      hashSecret.mockClear();
      await counted(database).match('201', code);
      expect([code, verifySecret.mock.calls.length, hashSecret.mock.calls.length]).toEqual([code, 1, 0]);
    }
    expect(lookupOf(database, id)).toBeNull();
    database.updateUnlockCode('201', id, { enabled: true }, by);
    hashSecret.mockClear();
    const matched = await counted(database).match('201', '471108');
    expect(matched?.codeId).toBe(id);
    expect(hashSecret).not.toHaveBeenCalled();
    expect(decide(database, matched?.codeId)).toEqual({ kind: 'accepted', codeLabel: 'Standard' });
    await matched?.upgrade?.();
    expect(hashSecret).toHaveBeenCalledTimes(1);
    expect(lookupOf(database, id)).toBe(codeIndex(pepper, '201', '471108'));
    // Found by its index from then on, with nothing left to upgrade.
    expect(await counted(database).match('201', '471108')).toEqual({ codeId: id });
  });

  it('each code of the extension opens the call, attributed to its own label; the last use is kept', async () => {
    const database = await store();
    const lena = await database.compareUnlockCode('201', '739104');
    const standard = await database.compareUnlockCode('201', '471108');
    expect(decide(database, lena?.codeId)).toEqual({ kind: 'accepted', codeLabel: 'Lena Vogel' });
    expect(decide(database, standard?.codeId)).toEqual({ kind: 'accepted', codeLabel: 'Standard' });
    expect(database.listUnlockCodes('201').map((code) => [code.label, code.lastUsedAt])).toEqual([
      ['Standard', NOW],
      ['Lena Vogel', NOW],
    ]);
    // Another extension's code is no code here.
    expect(await database.compareUnlockCode('204', '739104')).toBeNull();
  });

  // Breaks when decidePinCode accepts any matched code (no state check in the transaction).
  it('a disabled, expired or not yet valid code is a wrong code and counts', async () => {
    const database = await store();
    const lena = database.listUnlockCodes('201').find((code) => code.label === 'Lena Vogel');
    if (!lena) throw new Error('seed without Lena');
    const check = async () => decide(database, (await database.compareUnlockCode('201', '739104'))?.codeId);
    const before = database.pinSecurity('201', NOW).wrongCodes;
    database.updateUnlockCode('201', lena.id, { enabled: false }, by);
    expect(await check()).toMatchObject({ kind: 'wrong' });
    database.updateUnlockCode('201', lena.id, { enabled: true, validUntil: '2026-06-14' }, by);
    expect(await check()).toMatchObject({ kind: 'wrong' });
    database.updateUnlockCode('201', lena.id, { validFrom: '2026-06-16', validUntil: null }, by);
    expect(await check()).toMatchObject({ kind: 'wrong' });
    expect(database.pinSecurity('201', NOW).wrongCodes).toBe(before + 3);
    // Valid on its first and last day (UTC, inclusive).
    database.updateUnlockCode('201', lena.id, { validFrom: '2026-06-15', validUntil: '2026-06-15' }, by);
    expect(await check()).toEqual({ kind: 'accepted', codeLabel: 'Lena Vogel' });
    const why = database.db
      .prepare("SELECT why, code_label FROM pin_events WHERE kind = 'wrong-code' ORDER BY id")
      .all();
    expect(why).toEqual([
      { why: 'code-disabled', code_label: 'Lena Vogel' },
      { why: 'code-expired', code_label: 'Lena Vogel' },
      { why: 'code-not-yet-valid', code_label: 'Lena Vogel' },
    ]);
  });

  it('validity days are UTC days, both ends inclusive', () => {
    const code = { enabled: true, validFrom: '2026-06-15', validUntil: '2026-06-16' };
    expect(codeRefusal(code, Date.parse('2026-06-14T23:59:59.999Z'))).toBe('not-yet-valid');
    expect(codeRefusal(code, Date.parse('2026-06-15T00:00:00Z'))).toBeNull();
    expect(codeRefusal(code, Date.parse('2026-06-16T23:59:59.999Z'))).toBeNull();
    expect(codeRefusal(code, Date.parse('2026-06-17T00:00:00Z'))).toBe('expired');
    expect(codeRefusal({ ...code, enabled: false }, Date.parse('2026-06-15T12:00:00Z'))).toBe('disabled');
  });

  it('refuses a code that another code of the extension already is (also a disabled one); other extensions may', async () => {
    const database = await store();
    const input = { label: 'X', code: '739104', validFrom: null, validUntil: null };
    expect(await database.addUnlockCode('201', input, by)).toEqual({ kind: 'code-taken' });
    expect(await database.addUnlockCode('201', { ...input, code: '471108' }, by)).toEqual({
      kind: 'code-taken',
    });
    const lena = database.listUnlockCodes('201')[1];
    database.updateUnlockCode('201', lena?.id ?? 0, { enabled: false }, by);
    expect(await database.addUnlockCode('201', input, by)).toEqual({ kind: 'code-taken' });
    expect(await database.addUnlockCode('204', input, by)).toMatchObject({ kind: 'added' });
    // The set-PIN call may not make "Standard" equal to another code either.
    expect(await database.setUnlockCode('201', '739104')).toBe('code-taken');
  });

  it('a deleted code opens nothing, and the audit says who added, disabled and deleted what', async () => {
    const database = await store();
    const added = await database.addUnlockCode(
      '201',
      { label: 'Azubi', code: '55667788', validFrom: null, validUntil: null },
      by,
    );
    if (added.kind !== 'added') throw new Error('not added');
    const matched = await database.compareUnlockCode('201', '55667788');
    database.updateUnlockCode('201', added.code.id, { enabled: false }, by);
    expect(database.deleteUnlockCode('201', added.code.id, by)).toBe(true);
    // Deleted while it was being hashed: a wrong code.
    expect(decide(database, matched?.codeId)).toMatchObject({ kind: 'wrong' });
    expect(await database.compareUnlockCode('201', '55667788')).toBeNull();
    expect(database.listAudit().map((entry) => [entry.action, entry.admin, entry.detail])).toEqual([
      ['code-added', 'admin', 'Azubi'],
      ['code-disabled', 'admin', 'Azubi'],
      ['code-deleted', 'admin', 'Azubi'],
    ]);
    // No row the store hands out carries the code or a hash.
    expect(JSON.stringify(database.listUnlockCodes('201'))).not.toMatch(/471108|739104|scrypt|lookup|hash/);
  });
});
