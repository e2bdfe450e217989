import type { Policy } from '../../shared/policy/policy';

/** A valid policy for tests: extension 201, PIN protection active unless overridden. */
export const samplePolicy = (overrides: Partial<Policy['pinProtection']> = {}, version = 'v1'): Policy => ({
  version,
  extension: '201',
  displayName: 'Empfang',
  language: 'de',
  company: { id: 'muster', name: 'Muster GmbH' },
  pinProtection: {
    available: true,
    product: { id: 'business', name: 'Cloud PBX Business', kind: 'main' },
    ivrAuthentication: true,
    unlockCodeSet: true,
    lockedUntil: null,
    ...overrides,
  },
  dialPlan: {
    country: 'DE',
    internalRanges: [{ from: '200', to: '299' }],
    ivrApps: [{ code: '*98', app: 'voicemail' }],
    emergencyNumbers: ['110', '112'],
    tollFreePrefixes: ['+49800'],
  },
});
