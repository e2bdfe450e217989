import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entitlementState } from '../../../shared/policy/policy';
import { PbxDatabase } from '../../../test/pbx/store/database';
import { loadSeed } from '../../../test/pbx/store/seed';

async function seeded(path = join(mkdtempSync(join(tmpdir(), 'tollgate-db-')), 'pbx.sqlite')) {
  const database = new PbxDatabase(path, 'tollgate.test');
  await database.seed(loadSeed());
  return { database, path };
}

describe('PBX database', () => {
  it('seeds the demo company with every entitlement state', async () => {
    const { database } = await seeded();
    const state = (number: string) => entitlementState(database.policyFor(number, Date.now()));
    expect(state('201')).toBe('active');
    expect(state('202')).toBe('available');
    expect(state('203')).toBe('not-available');
    expect(database.policyFor('204', Date.now())?.pinProtection.product).toEqual({
      id: 'paid-call-guard',
      name: 'Paid Call Guard',
      kind: 'add-on',
    });
    expect(database.policyFor('999', Date.now())).toBeNull();
  });

  it('keeps admin changes across a restart and does not seed twice', async () => {
    const { database, path } = await seeded();
    database.setIvrAuthentication('201', false);
    database.close();
    const again = new PbxDatabase(path, 'tollgate.test');
    await again.seed(loadSeed());
    expect(again.findExtension('201')?.ivrAuthentication).toBe(false);
    expect(again.listExtensions('muster-gmbh')).toHaveLength(4);
  });

  it('changes the policy version when the policy changes', async () => {
    const { database } = await seeded();
    const before = database.policyFor('201', 0)?.version;
    expect(database.policyFor('201', 0)?.version).toBe(before);
    database.setIvrAuthentication('201', false);
    expect(database.policyFor('201', 0)?.version).not.toBe(before);
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
    expect(entitlementState(database.policyFor('204', 0))).toBe('not-available');
    expect(database.setProductPinProtection('missing', true)).toBeNull();
  });

  it('locks and unlocks', async () => {
    const { database } = await seeded();
    database.lock('201', 5_000);
    expect(database.policyFor('201', 1_000)?.pinProtection.lockedUntil).toBe(new Date(5_000).toISOString());
    expect(database.policyFor('201', 6_000)?.pinProtection.lockedUntil).toBeNull();
    expect(database.recordPinFailure('201', 10)).toEqual([10]);
    database.unlock('201');
    expect(database.findExtension('201')?.lockedUntil).toBeNull();
    expect(database.recordPinFailure('201', 20)).toEqual([20]);
  });
});
