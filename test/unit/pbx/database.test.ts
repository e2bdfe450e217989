import { randomBytes, scryptSync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { entitlementState } from '../../../shared/policy/policy';
import { policyFor } from '../../../test/pbx/api/policy-view';
import { DEFAULT_LOCKOUT_RULES, storeGateRules } from '../../../test/pbx/ivr/lockout';
import { MIGRATIONS, PbxDatabase } from '../../../test/pbx/store/database';
import { PEPPER_FILE, resolvePepper } from '../../../test/pbx/store/pepper';
import { loadSeed } from '../../../test/pbx/store/seed';
import { hashSecret } from '../../../test/pbx/store/secrets';
import { codeIndex } from '../../../test/pbx/store/unlock-codes';

/** The store applies the PIN gate's rules the composition root hands it (server.ts). */
const gateRules = storeGateRules(DEFAULT_LOCKOUT_RULES);

async function seeded(path = join(mkdtempSync(join(tmpdir(), 'tollgate-db-')), 'pbx.sqlite')) {
  const database = new PbxDatabase(path, 'tollgate.test', { gateRules });
  await database.seed(loadSeed());
  return { database, path };
}

describe('PBX database', () => {
  it('seeds the demo company with every entitlement state', async () => {
    const { database } = await seeded();
    const state = (number: string) => entitlementState(policyFor(database, number, Date.now()));
    expect(state('201')).toBe('active');
    expect(state('202')).toBe('available');
    expect(state('203')).toBe('not-available');
    expect(policyFor(database, '204', Date.now())?.pinProtection.product).toEqual({
      id: 'paid-call-guard',
      name: 'Paid Call Guard',
      kind: 'add-on',
    });
    expect(policyFor(database, '999', Date.now())).toBeNull();
  });

  it('keeps admin changes across a restart and does not seed twice', async () => {
    const { database, path } = await seeded();
    database.setIvrAuthentication('201', false);
    database.close();
    const again = new PbxDatabase(path, 'tollgate.test', { gateRules });
    await again.seed(loadSeed());
    expect(again.findExtension('201')?.ivrAuthentication).toBe(false);
    expect(again.listExtensions('muster-gmbh')).toHaveLength(4);
  });

  it('changes the policy version when the policy changes', async () => {
    const { database } = await seeded();
    const before = policyFor(database, '201', 0)?.version;
    expect(policyFor(database, '201', 0)?.version).toBe(before);
    database.setIvrAuthentication('201', false);
    expect(policyFor(database, '201', 0)?.version).not.toBe(before);
  });

  it('verifies unlock codes and admin passwords against scrypt hashes only', async () => {
    const { database, path } = await seeded();
    expect(await database.verifyUnlockCode('201', '471108')).toBe(true);
    expect(await database.verifyUnlockCode('201', '471109')).toBe(false);
    expect(await database.verifyUnlockCode('202', '')).toBe(false);
    await database.setUnlockCode('202', '987654');
    expect(await database.verifyUnlockCode('202', '987654')).toBe(true);
    expect(await database.verifyAdmin('admin', 'admin-demo-pass')).toBe('muster-gmbh');
    expect(await database.verifyAdmin('admin', 'wrong')).toBeNull();
    expect(await database.verifyAdmin('nobody', 'admin-demo-pass')).toBeNull();
    expect(await database.verifyProvider('provider', 'provider-demo-pass')).toBe(true);
    database.close();
    const file = readFileSync(path).toString('latin1');
    for (const secret of [
      '471108',
      '258025',
      '987654',
      'admin-demo-pass',
      'demo-pass-201',
      'provider-demo-pass',
    ]) {
      expect(file).not.toContain(secret);
    }
  });

  it('revoking a product switches IVR authentication off where nothing else carries PIN protection', async () => {
    const { database } = await seeded();
    expect(database.setProductPinProtection('paid-call-guard', false)).toEqual(['204']);
    expect(database.findExtension('204')?.ivrAuthentication).toBe(false);
    expect(entitlementState(policyFor(database, '204', 0))).toBe('not-available');
    expect(database.setProductPinProtection('missing', true)).toBeNull();
  });

  it('locks, and an admin unlock lifts lock and quarantine and is audited', async () => {
    const { database } = await seeded();
    database.lock('201', 5_000);
    expect(policyFor(database, '201', 1_000)?.pinProtection.lockedUntil).toBe(new Date(5_000).toISOString());
    expect(policyFor(database, '201', 6_000)?.pinProtection.lockedUntil).toBeNull();
    expect(database.pinSecurity('201', 1_000)).toMatchObject({
      lockedUntil: 5_000,
      lockReason: 'wrong-codes',
    });
    database.unlock('201', { admin: 'admin', at: 2_000 });
    expect(database.findExtension('201')?.lockedUntil).toBeNull();
    expect(database.pinSecurity('201', 2_000)).toMatchObject({ lockedUntil: null, lockReason: null });
    expect(database.listAudit()).toEqual([
      { at: 2_000, admin: 'admin', action: 'unlock', extension: '201', detail: 'locked' },
    ]);
  });
});

/** A database as the PBX made it before the PIN gate: schema version 1, unpeppered scrypt. */
function oldDatabase(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tollgate-old-db-')), 'pbx.sqlite');
  const db = new Database(path);
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  db.exec(MIGRATIONS[0] ?? '');
  db.prepare('INSERT INTO schema_migrations VALUES (1, 0)').run();
  const salt = randomBytes(16);
  const oldHash = (secret: string) =>
    `scrypt$16384$8$1$${salt.toString('base64')}$${scryptSync(secret, salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64')}`;
  db.exec(
    `INSERT INTO companies VALUES ('c', 'Alt GmbH', '{"country":"DE","internalRanges":[],"ivrApps":[],"emergencyNumbers":["112"],"tollFreePrefixes":[]}')`,
  );
  db.prepare('INSERT INTO admins VALUES (?, ?, ?)').run('old-admin', 'c', oldHash('old-admin-pass'));
  db.prepare(
    `INSERT INTO extensions (number, company_id, display_name, language, ha1_md5, ha1_sha256,
       ivr_authentication, unlock_code_hash, locked_until) VALUES ('301', 'c', 'Alt', 'de', 'x', 'y', 1, ?, ?)`,
  ).run(oldHash('2468'), 9_000);
  db.prepare('INSERT INTO pin_failures VALUES (?, ?)').run('301', 1_000);
  db.prepare('INSERT INTO pin_failures VALUES (?, ?)').run('301', 2_000);
  db.close();
  return path;
}

describe('PBX database: migration and pepper', () => {
  it('migrates a database made with the old schema: failures, lock and codes stay usable', async () => {
    const path = oldDatabase();
    const database = new PbxDatabase(path, 'tollgate.test', { pepper: randomBytes(32), gateRules });
    // Old failed calls are kept (pin_failures) and count as wrong codes from source 'legacy'.
    expect(database.pinSecurity('301', 3_000)).toMatchObject({
      wrongCodes: 2,
      lockedUntil: 9_000,
      quarantinedSince: null,
      lockReason: 'wrong-codes',
    });
    expect(database.db.prepare('SELECT COUNT(*) AS n FROM pin_failures').get()).toEqual({ n: 2 });
    // Issue #14 (migration 4): the single code became the code labelled "Standard", without a lookup
    // index until it is entered again (the old hash cannot give one: there is no code in it).
    const codeRow = () =>
      database.db.prepare("SELECT label, lookup, hash FROM unlock_codes WHERE extension = '301'").all() as {
        label: string;
        lookup: string | null;
        hash: string;
      }[];
    expect(codeRow()).toEqual([
      { label: 'Standard', lookup: null, hash: expect.stringMatching(/^scrypt\$/) },
    ]);
    expect(database.findExtension('301')).toMatchObject({ unlockCodeSet: true, pinScope: null });
    expect(database.companyPinScope('c')).toBe('all-paid');
    expect(database.listUnlockCodes('301').map((code) => code.label)).toEqual(['Standard']);
    expect(await database.verifyUnlockCode('301', '2469')).toBe(false);
    expect(codeRow()[0]?.hash).toMatch(/^scrypt\$/);
    // The first right entry still verifies against the old hash; once accepted it is re-hashed with
    // the pepper and gets its lookup index (audit N1: not inside the check, which costs one scrypt
    // whatever the code's state); from then on the index finds it.
    const id = database.listUnlockCodes('301')[0]?.id;
    expect(await database.compareUnlockCode('301', '2468')).toMatchObject({ codeId: id });
    expect(codeRow()[0]).toMatchObject({ lookup: null, hash: expect.stringMatching(/^scrypt\$/) });
    expect(await database.verifyUnlockCode('301', '2468')).toBe(true);
    expect(codeRow()[0]).toMatchObject({
      lookup: expect.any(String),
      hash: expect.stringMatching(/^scrypt-peppered\$/),
    });
    expect(await database.compareUnlockCode('301', '2468')).toEqual({ codeId: id });
    // The old set-PIN call keeps managing that code.
    expect(await database.setUnlockCode('301', '1357')).toBe('set');
    expect(database.listUnlockCodes('301').map((code) => code.label)).toEqual(['Standard']);
    expect(await database.verifyUnlockCode('301', '1357')).toBe(true);
    expect(await database.verifyUnlockCode('301', '2468')).toBe(false);
    expect(await database.verifyAdmin('old-admin', 'old-admin-pass')).toBe('c');
    expect(await database.verifyAdmin('old-admin', 'old-admin-pass')).toBe('c');
    const adminHash = database.db.prepare('SELECT password_hash AS h FROM admins').get() as { h: string };
    expect(adminHash.h).toMatch(/^scrypt-peppered\$/);
    database.close();
  });

  // Issue #14: a database of the schema just before (3 migrations, peppered codes, call records).
  // Breaks when migration 4 drops the old code (no "Standard"), loses the call records, or the old
  // code keeps no working path without a lookup index.
  it('migrates a database of the previous schema (3): the code becomes "Standard", records and scope stay sane', async () => {
    const pepper = randomBytes(32);
    const path = join(mkdtempSync(join(tmpdir(), 'tollgate-v3-db-')), 'pbx.sqlite');
    const db = new Database(path);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    MIGRATIONS.slice(0, 3).forEach((sql, index) => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, 0)').run(index + 1);
    });
    db.exec(
      `INSERT INTO companies VALUES ('c', 'Drei GmbH', '{"country":"DE","internalRanges":[{"from":"300","to":"399"}],"ivrApps":[],"emergencyNumbers":["112"],"tollFreePrefixes":[]}')`,
    );
    db.prepare(
      `INSERT INTO extensions (number, company_id, display_name, language, ha1_md5, ha1_sha256,
         ivr_authentication, unlock_code_hash) VALUES ('301', 'c', 'Drei', 'de', 'x', 'y', 1, ?)`,
    ).run(await hashSecret('97135', pepper));
    db.prepare(
      `INSERT INTO extensions (number, company_id, display_name, language, ha1_md5, ha1_sha256,
         ivr_authentication) VALUES ('302', 'c', 'Ohne', 'de', 'x', 'y', 0)`,
    ).run();
    db.prepare(
      `INSERT INTO call_records (call_id, caller, destination, call_class, pin_outcome, pin_attempts, result,
         started_at, answered_at, ended_at, pin_timeouts) VALUES ('old-call', '301', '+49301234567', 'external', 'ok', 1, 'completed', 1000, 2000, 62000, 0)`,
    ).run();
    db.close();

    const database = new PbxDatabase(path, 'tollgate.test', { pepper, gateRules });
    expect(database.listUnlockCodes('301')).toEqual([
      expect.objectContaining({
        label: 'Standard',
        enabled: true,
        validFrom: null,
        validUntil: null,
        lastUsedAt: null,
      }),
    ]);
    expect(database.listUnlockCodes('302')).toEqual([]);
    expect(database.findExtension('302')?.unlockCodeSet).toBe(false);
    expect(database.findExtension('301')).toMatchObject({ unlockCodeSet: true, pinScope: null });
    expect(database.companyPinScope('c')).toBe('all-paid');
    expect(database.listCallRecords()).toEqual([
      expect.objectContaining({ callId: 'old-call', codeLabel: null }),
    ]);
    expect(database.pinUsage(['301'], 0).calls).toEqual([
      expect.objectContaining({ callId: 'old-call', codeLabel: null, pinOutcome: 'ok' }),
    ]);
    // The old code works at once (no index yet: it is the one candidate), gets its index on use, and
    // a new code equal to it is refused even before that.
    expect(
      await database.addUnlockCode(
        '301',
        { label: 'X', code: '97135', validFrom: null, validUntil: null },
        {
          admin: 'a',
          at: 1,
        },
      ),
    ).toEqual({ kind: 'code-taken' });
    const matched = await database.compareUnlockCode('301', '97135');
    expect(matched).toMatchObject({ codeId: database.listUnlockCodes('301')[0]?.id });
    expect(
      database.decidePinCode({
        extension: '301',
        source: 's',
        callId: 'c',
        correct: true,
        codeId: matched?.codeId ?? 0,
        now: 5,
      }),
    ).toEqual({
      kind: 'accepted',
      codeLabel: 'Standard',
    });
    // Accepted: the gate runs the upgrade after its verdict (pin-gate.ts `afterVerdict`).
    await matched?.upgrade?.();
    const row = database.db.prepare("SELECT lookup FROM unlock_codes WHERE extension = '301'").get() as {
      lookup: string;
    };
    expect(row.lookup).toBe(codeIndex(pepper, '301', '97135'));
    expect(
      (
        database.db.prepare("SELECT unlock_code_hash AS h FROM extensions WHERE number = '301'").get() as {
          h: null;
        }
      ).h,
    ).toBeNull();
    database.close();
  });

  it('a stolen database file without the pepper cannot verify a code', async () => {
    const pepper = randomBytes(32);
    const path = join(mkdtempSync(join(tmpdir(), 'tollgate-pepper-')), 'pbx.sqlite');
    const database = new PbxDatabase(path, 'tollgate.test', { pepper, gateRules });
    await database.seed(loadSeed());
    database.close();
    // What a thief has: the file. Plain scrypt of the right code with the stored salt does not match.
    const stolen = new Database(path, { readonly: true });
    const stored = (
      stolen
        .prepare("SELECT hash AS h FROM unlock_codes WHERE extension = '201' AND label = 'Standard'")
        .get() as {
        h: string;
      }
    ).h;
    // The lookup index is an HMAC under the pepper: without it, the thief cannot compute it either.
    const index = (
      stolen
        .prepare("SELECT lookup FROM unlock_codes WHERE extension = '201' AND label = 'Standard'")
        .get() as {
        lookup: string;
      }
    ).lookup;
    stolen.close();
    expect(index).not.toBe(codeIndex(randomBytes(32), '201', '471108'));
    expect(index).toBe(codeIndex(pepper, '201', '471108'));
    const [scheme, n, r, p, salt, key] = stored.split('$');
    expect(scheme).toBe('scrypt-peppered');
    const plain = scryptSync('471108', Buffer.from(salt ?? '', 'base64'), 32, {
      N: Number(n),
      r: Number(r),
      p: Number(p),
    });
    // (Hashing without the pepper in secrets.ts makes this equal: the test fails then.)
    expect(plain.toString('base64')).not.toBe(key);
    // Another pepper is refused outright; the right one verifies.
    expect(() => new PbxDatabase(path, 'tollgate.test', { pepper: randomBytes(32), gateRules })).toThrow(
      /pepper/,
    );
    const again = new PbxDatabase(path, 'tollgate.test', { pepper, gateRules });
    expect(await again.verifyUnlockCode('201', '471108')).toBe(true);
    again.close();
  });

  it('keeps the pepper in a private key file next to the database, or takes it from the environment', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-pepper-file-'));
    const first = resolvePepper(join(folder, 'pbx.sqlite'), {});
    expect(statSync(join(folder, PEPPER_FILE)).mode & 0o777).toBe(0o600);
    expect(resolvePepper(join(folder, 'pbx.sqlite'), {})).toEqual(first);
    const hex = 'ab'.repeat(32);
    expect(resolvePepper(join(folder, 'pbx.sqlite'), { TOLLGATE_PBX_PEPPER: hex })).toEqual(
      Buffer.from(hex, 'hex'),
    );
    expect(() => resolvePepper(':memory:', { TOLLGATE_PBX_PEPPER: 'abcd' })).toThrow(/too short/);
    expect(resolvePepper(':memory:', {})).not.toEqual(resolvePepper(':memory:', {}));
  });
});
