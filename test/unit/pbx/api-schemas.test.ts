import { describe, expect, it } from 'vitest';
import { entitlementState, PolicySchema, type Policy } from '../../../shared/policy/policy';
import { CallSettingsPatch, Credentials, ProductGrant } from '../../../test/pbx/api/http-api';

const policy: Policy = {
  version: 'abc',
  extension: '201',
  displayName: 'Empfang',
  language: 'de',
  company: { id: 'c', name: 'Muster GmbH' },
  pinProtection: {
    available: true,
    product: { id: 'p', name: 'P', kind: 'main' },
    ivrAuthentication: true,
    unlockCodeSet: true,
    lockedUntil: null,
  },
  dialPlan: {
    country: 'DE',
    internalRanges: [],
    ivrApps: [],
    emergencyNumbers: ['112'],
    tollFreePrefixes: [],
  },
};

describe('policy', () => {
  it('derives every entitlement state', () => {
    expect(entitlementState(null)).toBe('unknown');
    expect(entitlementState(policy)).toBe('active');
    expect(
      entitlementState({ ...policy, pinProtection: { ...policy.pinProtection, ivrAuthentication: false } }),
    ).toBe('available');
    expect(
      entitlementState({
        ...policy,
        pinProtection: { ...policy.pinProtection, available: false, product: null },
      }),
    ).toBe('not-available');
  });

  it('rejects a policy without the dial plan or with a bad language', () => {
    expect(PolicySchema.safeParse(policy).success).toBe(true);
    expect(PolicySchema.safeParse({ ...policy, dialPlan: undefined }).success).toBe(false);
    expect(PolicySchema.safeParse({ ...policy, language: 'fr' }).success).toBe(false);
  });
});

describe('admin and provider input', () => {
  it.each([
    [{ ivrAuthentication: true }, true],
    [{ unlockCode: '1234' }, true],
    [{ unlockCode: '1234567890123456' }, true],
    [{ ivrAuthentication: false, unlockCode: '987654' }, true],
    [{}, false],
    [{ unlockCode: '123' }, false],
    [{ unlockCode: '12345678901234567' }, false],
    [{ unlockCode: '12 34' }, false],
    [{ unlockCode: 1234 }, false],
    [{ ivrAuthentication: 'yes' }, false],
    [{ ivrAuthentication: true, role: 'admin' }, false],
  ])('call settings %j valid: %s', (patch, valid) => {
    expect(CallSettingsPatch.safeParse(patch).success).toBe(valid);
  });

  it('validates credentials and grants strictly', () => {
    expect(Credentials.extension.safeParse({ extension: '201', password: 'x' }).success).toBe(true);
    expect(Credentials.extension.safeParse({ extension: '2', password: 'x' }).success).toBe(false);
    expect(Credentials.account.safeParse({ username: '', password: 'x' }).success).toBe(false);
    expect(ProductGrant.safeParse({ pinProtection: true }).success).toBe(true);
    expect(ProductGrant.safeParse({ pinProtection: 1 }).success).toBe(false);
  });
});
