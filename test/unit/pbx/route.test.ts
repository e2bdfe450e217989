import { describe, expect, it } from 'vitest';
import { decideRoute, isEmergencyCall } from '../../../test/pbx/routing/route';
import { loadSeed } from '../../../test/pbx/store/seed';
import type { ExtensionDirectory, ExtensionRecord, PinProduct } from '../../../test/pbx/store/ports';
import type { PinScope } from '../../../shared/policy/requires-pin';

const seed = loadSeed();
const product: PinProduct = { id: 'guard', name: 'Guard', kind: 'add-on' };

/** 201: protection granted and on; 202: granted, off; 203: on but not granted. */
function directory(scopes: { company?: PinScope; own?: PinScope | null } = {}): ExtensionDirectory {
  const records: Record<string, ExtensionRecord> = {};
  const granted = new Set(['201', '202']);
  for (const [number, ivrAuthentication] of [
    ['201', true],
    ['202', false],
    ['203', true],
  ] as const) {
    records[number] = {
      number,
      companyId: 'c',
      displayName: number,
      language: 'de',
      ivrAuthentication,
      unlockCodeSet: true,
      lockedUntil: null,
      quarantinedSince: null,
      lockReason: null,
      pinScope: scopes.own ?? null,
    };
  }
  return {
    findExtension: (number) => records[number] ?? null,
    dialPlanOf: () => seed.company.dialPlan,
    companyPinScope: () => scopes.company ?? 'all-paid',
    pinProtectionProduct: (number) => (granted.has(number) ? product : null),
  };
}

describe('routing: where an authenticated INVITE goes', () => {
  // Breaks when routing stops asking requiresPin (e.g. pinRequired: false, or ivrAuthentication alone).
  it('runs the PIN IVR only for external paid calls of an extension whose protection is active', () => {
    const pin = (caller: string, dialled: string) => {
      const decision = decideRoute(directory(), caller, dialled);
      return decision.kind === 'media' ? decision.pinRequired : decision.kind;
    };
    expect(pin('201', '030 1234567')).toBe(true);
    expect(pin('201', '0800 1234567')).toBe(false);
    expect(pin('201', '112')).toBe(false);
    expect(pin('201', '*98')).toBe(false);
    expect(pin('201', '202')).toBe('internal');
    expect(pin('202', '030 1234567')).toBe(false);
    expect(pin('203', '030 1234567')).toBe(false);
  });

  // Breaks when routing ignores the scope (passes only the call class to requiresPin: every paid
  // call gated) or ignores the extension's own scope over the company's default.
  it("asks the PIN only for the calls in the extension's scope (own scope over the company default)", () => {
    const pin = (dialled: string, scopes: { company?: PinScope; own?: PinScope | null }) => {
      const decision = decideRoute(directory(scopes), '201', dialled);
      return decision.kind === 'media' ? decision.pinRequired : decision.kind;
    };
    const international = { company: 'international' } as const;
    expect(pin('030 1234567', international)).toBe(false);
    expect(pin('+44 20 7946 0018', international)).toBe(true);
    expect(pin('0044 20 7946 0018', international)).toBe(true);
    expect(pin('0900 1234567', international)).toBe(false);
    expect(pin('0900 1234567', { company: 'international-premium' })).toBe(true);
    expect(pin('030 1234567', { company: 'international-premium' })).toBe(false);
    // The extension's own scope wins over the company's; null falls back to the company's.
    expect(pin('030 1234567', { company: 'international', own: 'all-paid' })).toBe(true);
    expect(pin('030 1234567', { company: 'all-paid', own: 'international' })).toBe(false);
    expect(pin('030 1234567', { company: 'international', own: null })).toBe(false);
    // Never gated, whatever the scope.
    for (const company of ['all-paid', 'international', 'international-premium'] as const) {
      expect(pin('112', { company })).toBe(false);
      expect(pin('0800 1234567', { company })).toBe(false);
    }
  });

  it('refuses an unknown caller and numbers that are not numbers', () => {
    expect(decideRoute(directory(), '999', '030 1234567')).toEqual({
      kind: 'refuse',
      why: 'unknown-caller',
      status: 403,
      reason: 'Forbidden',
      toTag: 'id',
    });
    expect(decideRoute(directory(), '201', 'abc')).toMatchObject({ kind: 'refuse', status: 404 });
    expect(decideRoute(directory(), '201', '')).toMatchObject({ kind: 'refuse', status: 404 });
  });

  it('routes to the canonical internal extension', () => {
    expect(decideRoute(directory(), '201', '2-0-2')).toMatchObject({ kind: 'internal', callee: '202' });
  });

  it('knows emergency calls before authentication, only for a known caller', () => {
    expect(isEmergencyCall(directory(), '201', '112')).toBe(true);
    expect(isEmergencyCall(directory(), '201', '030 1234567')).toBe(false);
    expect(isEmergencyCall(directory(), '999', '112')).toBe(false);
  });
});
