import { describe, expect, it } from 'vitest';
import { classifyDestination, type CallClass } from '../../../shared/dial-plan/dial-plan';
import {
  DEFAULT_PIN_SCOPE,
  effectivePinScope,
  inPinScope,
  PIN_SCOPES,
  pinProtectionActive,
  requiresPin,
  type PinScope,
} from '../../../shared/policy/requires-pin';
import { loadSeed } from '../../../test/pbx/store/seed';

const CLASSES: readonly CallClass[] = ['internal', 'ivr-app', 'emergency', 'toll-free', 'external'];

describe('requiresPin: the one rule', () => {
  it('asks for the PIN only on external paid calls of an extension whose protection is active', () => {
    const active = { available: true, ivrAuthentication: true };
    expect(CLASSES.filter((callClass) => requiresPin(active, callClass))).toEqual(['external']);
  });

  it.each([
    ['not granted by the provider', { available: false, ivrAuthentication: true }],
    ['granted but switched off', { available: true, ivrAuthentication: false }],
    ['neither', { available: false, ivrAuthentication: false }],
  ])('never asks when protection is %s', (_label, state) => {
    expect(pinProtectionActive(state)).toBe(false);
    expect(CLASSES.some((callClass) => requiresPin(state, callClass))).toBe(false);
  });
});

describe('requiresPin under a PIN scope (issue #14)', () => {
  const active = { available: true, ivrAuthentication: true };
  const plan = loadSeed().company.dialPlan;
  const needs = (dialled: string, scope: PinScope) => {
    const call = classifyDestination(dialled, plan);
    if (call.callClass === 'invalid') throw new Error(`${dialled} is not a number`);
    return requiresPin(active, call, scope);
  };

  // Breaks when a scope is ignored (every paid call gated), when international is read from the
  // spelling instead of the normalised number, or when premium falls out of international-premium.
  it.each([
    ['030 1234567', { 'all-paid': true, international: false, 'international-premium': false }],
    ['+44 20 7946 0018', { 'all-paid': true, international: true, 'international-premium': true }],
    ['0044 20 7946 0018', { 'all-paid': true, international: true, 'international-premium': true }],
    ['0900 1234567', { 'all-paid': true, international: false, 'international-premium': true }],
    ['0800 1234567', { 'all-paid': false, international: false, 'international-premium': false }],
    ['112', { 'all-paid': false, international: false, 'international-premium': false }],
    ['202', { 'all-paid': false, international: false, 'international-premium': false }],
  ] as const)('%s', (dialled, expected) => {
    for (const scope of PIN_SCOPES) expect([scope, needs(dialled, scope)]).toEqual([scope, expected[scope]]);
  });

  it('gates an external call of unknown reach under every scope (a caller that knows only the class)', () => {
    for (const scope of PIN_SCOPES) expect(requiresPin(active, 'external', scope)).toBe(true);
    expect(inPinScope('international', {})).toBe(true);
    expect(inPinScope('international-premium', { international: false })).toBe(true);
  });

  it('the extension scope wins over the company default; null falls back to it', () => {
    expect(effectivePinScope(null, 'international')).toBe('international');
    expect(effectivePinScope('all-paid', 'international')).toBe('all-paid');
    expect(DEFAULT_PIN_SCOPE).toBe('all-paid');
  });

  it('never asks when protection is not active, whatever the scope', () => {
    for (const scope of PIN_SCOPES)
      expect(requiresPin({ available: true, ivrAuthentication: false }, 'external', scope)).toBe(false);
  });
});
