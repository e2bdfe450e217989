import { describe, expect, it } from 'vitest';
import type { CallClass } from '../../../shared/dial-plan/dial-plan';
import { pinProtectionActive, requiresPin } from '../../../shared/policy/requires-pin';

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
