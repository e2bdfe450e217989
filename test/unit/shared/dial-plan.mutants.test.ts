import { describe, expect, it } from 'vitest';
import { DialPlanSchema } from '../../../shared/dial-plan/dial-plan';

/**
 * The dial plan's schema refuses what would make routing wrong (a plan is admin input): written to
 * kill the mutants Stryker found surviving in the schema (`npm run test:mutation`).
 */
const valid = {
  country: 'DE',
  internalRanges: [{ from: '200', to: '299' }],
  ivrApps: [{ code: '*97', app: 'voicemail' }],
  emergencyNumbers: ['112', '110'],
  tollFreePrefixes: ['+49800'],
};
const accepts = (plan: unknown) => DialPlanSchema.safeParse(plan).success;

describe('DialPlanSchema', () => {
  it('accepts a sound plan as it is', () => {
    expect(DialPlanSchema.parse(valid)).toEqual(valid);
  });

  it('a country is two capital letters, nothing else', () => {
    for (const country of ['D', 'DEU', 'de', 'D1', 'XDE', 'DEX', '12'])
      expect(accepts({ ...valid, country }), country).toBe(false);
  });

  it('range ends are 2 to 8 digits, the same length, from <= to', () => {
    for (const range of [
      { from: '2', to: '9' },
      { from: 'a200', to: '299' },
      { from: '200', to: '299b' },
      { from: '123456789', to: '123456789' },
      { from: 'ab', to: 'cd' },
      { from: '200', to: '2999' },
      { from: '300', to: '299' },
    ])
      expect(accepts({ ...valid, internalRanges: [range] }), JSON.stringify(range)).toBe(false);
    // Same length and from <= to, so only the digits rule can refuse them.
    for (const range of [
      { from: '10x', to: '999' },
      { from: '+10', to: '999' },
      { from: '100', to: '99x' },
      { from: '100', to: 'a99' },
    ])
      expect(accepts({ ...valid, internalRanges: [range] }), JSON.stringify(range)).toBe(false);
    expect(accepts({ ...valid, internalRanges: [{ from: '20', to: '20' }] })).toBe(true);
    expect(accepts({ ...valid, internalRanges: [] })).toBe(true);
    expect(
      DialPlanSchema.safeParse({ ...valid, internalRanges: [{ from: '300', to: '299' }] }).error?.issues[0]
        ?.message,
    ).toBe('each range needs from <= to of the same length');
  });

  it('IVR codes are 2 to 8 of * # and digits, for a known app', () => {
    for (const code of ['*', 'x*97', '*97x', '*9a', '123456789'])
      expect(accepts({ ...valid, ivrApps: [{ code, app: 'voicemail' }] }), code).toBe(false);
    expect(accepts({ ...valid, ivrApps: [{ code: '*43', app: 'echo-test' }] })).toBe(true);
    expect(accepts({ ...valid, ivrApps: [{ code: '*43', app: 'fax' }] })).toBe(false);
    expect(accepts({ ...valid, ivrApps: [{ code: '*43', app: '' }] })).toBe(false);
  });

  it('at least one emergency number of 2 to 6 digits', () => {
    expect(accepts({ ...valid, emergencyNumbers: [] })).toBe(false);
    for (const number of ['1', 'x112', '112x', '1234567', 'ab'])
      expect(accepts({ ...valid, emergencyNumbers: [number] }), number).toBe(false);
  });

  it('toll-free prefixes are + and 1 to 8 digits', () => {
    for (const prefix of ['49800', '+', 'x+49800', '+49800x', '+123456789', '+ab'])
      expect(accepts({ ...valid, tollFreePrefixes: [prefix] }), prefix).toBe(false);
  });
});
