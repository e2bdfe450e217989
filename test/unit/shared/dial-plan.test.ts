import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyDestination,
  DialPlanSchema,
  isPaidExternal,
  type DialPlan,
} from '../../../shared/dial-plan/dial-plan';

const plan: DialPlan = DialPlanSchema.parse({
  country: 'DE',
  internalRanges: [{ from: '200', to: '299' }],
  ivrApps: [
    { code: '*98', app: 'voicemail' },
    { code: '*43', app: 'echo-test' },
  ],
  emergencyNumbers: ['110', '112', '116117'],
  tollFreePrefixes: ['+49800', '+800'],
});

describe('dial plan', () => {
  it.each([
    ['201', { callClass: 'internal', extension: '201' }],
    ['299', { callClass: 'internal', extension: '299' }],
    ['*98', { callClass: 'ivr-app', code: '*98', app: 'voicemail' }],
    ['*43', { callClass: 'ivr-app', code: '*43', app: 'echo-test' }],
    ['112', { callClass: 'emergency', number: '112' }],
    ['110', { callClass: 'emergency', number: '110' }],
    ['116 117', { callClass: 'emergency', number: '116117' }],
    ['0800 1234567', { callClass: 'toll-free', e164: '+498001234567' }],
    ['+49 800 1234567', { callClass: 'toll-free', e164: '+498001234567' }],
    ['00800 12345678', { callClass: 'toll-free', e164: '+80012345678' }],
    ['0800 330 1000', { callClass: 'toll-free', e164: '+498003301000' }],
    ['+49 800 330 1000', { callClass: 'toll-free', e164: '+498003301000' }],
    ['030 1234567', { callClass: 'external', e164: '+49301234567', international: false, premium: false }],
    [
      '+49 (30) 123-4567',
      { callClass: 'external', e164: '+49301234567', international: false, premium: false },
    ],
    ['0049301234567', { callClass: 'external', e164: '+49301234567', international: false, premium: false }],
    ['0012125550100', { callClass: 'external', e164: '+12125550100', international: true, premium: false }],
    // Issue #14 (PIN scope): the reach is read from the normalised number, whatever the spelling.
    [
      '+44 20 7946 0018',
      { callClass: 'external', e164: '+442079460018', international: true, premium: false },
    ],
    [
      '0044 20 7946 0018',
      { callClass: 'external', e164: '+442079460018', international: true, premium: false },
    ],
    ['0900 1234567', { callClass: 'external', e164: '+499001234567', international: false, premium: true }],
    // Possible but not valid: the metadata cannot place it, so it counts as premium and as
    // international (fail safe: unknown is never cheaper).
    [
      '+49 900 12345678',
      { callClass: 'external', e164: '+4990012345678', international: true, premium: true },
    ],
  ] as const)('%s is %j', (dialled, expected) => {
    expect(classifyDestination(dialled, plan)).toEqual(expected);
  });

  // Audit of issue #14's PIN scope: each row is the reach the scope must see, written out by hand
  // (not computed by classifyDestination). Breaks when `international` compares calling codes
  // instead of countries (US/GB/RU rows), when it drops the validity check (the +49 0044… rows: a
  // trunk that writes "+49" as "0" dials them as 0044… = London) or when `premium` knows only
  // PREMIUM_RATE (0137, 0180, 0700 rows).
  describe('PIN scope reach of awkward spellings (audit B1, B2, N2)', () => {
    const planOf = (country: string) => DialPlanSchema.parse({ ...plan, country });
    it.each([
      // B1: a foreign number behind the company's own calling code.
      ['DE', '+49 0044 20 7946 0018', '+490442079460018', true, true],
      ['DE', '0049 0044 2079460018', '+490442079460018', true, true],
      ['DE', '+49 00 1 876 555 1234', '+49018765551234', true, true],
      ['DE', '+4900442079460018', '+490442079460018', true, true],
      // B2: another country sharing the calling code.
      ['US', '+1 876 555 1234', '+18765551234', true, false],
      ['US', '1 876 555 1234', '+18765551234', true, false],
      ['US', '+1 268 555 1234', '+12685551234', true, true],
      ['GB', '+44 1534 123456', '+441534123456', true, false],
      ['GB', '01534 123456', '+441534123456', true, false],
      ['GB', '+44 7624 123456', '+447624123456', true, false],
      ['RU', '+7 701 123 4567', '+77011234567', true, false],
      ['RU', '8 701 123 4567', '+77011234567', true, false],
      // ... while the company's own country stays national.
      ['US', '+1 212 555 0100', '+12125550100', false, false],
      ['GB', '+44 20 7946 0018', '+442079460018', false, false],
      ['RU', '+7 495 123 4567', '+74951234567', false, false],
      ['DE', '+49 30 1234567', '+49301234567', false, false],
      ['DE', '0151 12345678', '+4915112345678', false, false],
      // A number of no country (satellite) is international.
      ['DE', '+881 6 123456789', '+8816123456789', true, false],
      // N2: paid types other than premium rate.
      ['DE', '0137 1234567', '+491371234567', false, true],
      ['DE', '01801 234567', '+491801234567', false, true],
      ['DE', '0180 12345678', '+4918012345678', false, true],
      ['DE', '0700 12345678', '+4970012345678', false, true],
      ['DE', '0900 1234567', '+499001234567', false, true],
    ] as const)(
      '%s company dials %s (%s): international %s, premium %s',
      (country, dialled, e164, international, premium) => {
        expect(classifyDestination(dialled, planOf(country))).toEqual({
          callClass: 'external',
          e164,
          international,
          premium,
        });
      },
    );
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['*9801234567', 'characters'],
    ['030#1234', 'characters'],
    ['abc', 'characters'],
    ['0', 'not-a-number'],
    ['300', 'not-a-number'],
    // Incomplete toll-free numbers are not free (issue #10): the PBX answers 484 Address Incomplete.
    // Dropping the isValid() check in classifyDestination makes the first three fail.
    ['08001', 'not-a-number'],
    ['0800 123', 'not-a-number'],
    ['+49 800 12', 'not-a-number'],
    ['00800 1234', 'not-a-number'],
  ] as const)('%j is invalid (%s)', (dialled, reason) => {
    expect(classifyDestination(dialled, plan)).toEqual({ callClass: 'invalid', reason });
  });

  it('does not treat numbers that start like an emergency or internal number as such', () => {
    expect(classifyDestination('1120049301234', plan).callClass).toBe('external');
    expect(classifyDestination('2010049301234', plan).callClass).toBe('external');
    expect(classifyDestination('+49112', plan).callClass).not.toBe('emergency');
  });

  it('gives every spelling of a paid number the same canonical destination', () => {
    const spellings = [
      '+49301234567',
      '0049301234567',
      '030 1234567',
      '030-123-4567',
      '(030) 1234567',
      '+49 30 1234567',
    ];
    const results = new Set(spellings.map((spelling) => JSON.stringify(classifyDestination(spelling, plan))));
    expect([...results]).toEqual([
      JSON.stringify({ callClass: 'external', e164: '+49301234567', international: false, premium: false }),
    ]);
  });

  it('never lets anything that is not a listed free number escape the paid class (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789+*# -().'.split('')), maxLength: 20 }),
        (dialled) => {
          const result = classifyDestination(dialled, plan);
          const compact = dialled.replace(/[\s\-.()]/g, '');
          switch (result.callClass) {
            case 'emergency':
              return plan.emergencyNumbers.includes(compact);
            case 'ivr-app':
              return plan.ivrApps.some((app) => app.code === compact);
            case 'internal':
              return /^2[0-9]{2}$/.test(compact);
            case 'toll-free':
              // Listed prefix, and a complete number (never a prefix of a longer one).
              return (
                plan.tollFreePrefixes.some((prefix) => result.e164.startsWith(prefix)) &&
                result.e164.length >= 12
              );
            default:
              return true;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rejects a malformed plan', () => {
    expect(DialPlanSchema.safeParse({ ...plan, internalRanges: [{ from: '299', to: '200' }] }).success).toBe(
      false,
    );
    expect(DialPlanSchema.safeParse({ ...plan, emergencyNumbers: [] }).success).toBe(false);
    expect(DialPlanSchema.safeParse({ ...plan, tollFreePrefixes: ['0800'] }).success).toBe(false);
  });

  it.each([
    ['country', { country: 'de' }],
    ['country', { country: 'DEU' }],
    ['country', { country: 'D' }],
    ['country', { country: 'xDE' }],
    ['internal range', { internalRanges: [{ from: '1', to: '9' }] }],
    ['internal range', { internalRanges: [{ from: '200x', to: '299x' }] }],
    ['internal range', { internalRanges: [{ from: 'x200', to: 'x299' }] }],
    ['internal range', { internalRanges: [{ from: '200', to: '2999' }] }],
    [
      'internal range',
      {
        internalRanges: [
          { from: '200', to: '299' },
          { from: '300', to: '200' },
        ],
      },
    ],
    [
      'internal range',
      {
        internalRanges: [
          { from: '200', to: '299' },
          { from: '30', to: '300' },
        ],
      },
    ],
    ['internal range', { internalRanges: [{ from: '123456789', to: '123456789' }] }],
    ['IVR app', { ivrApps: [{ code: '*', app: 'voicemail' }] }],
    ['IVR app', { ivrApps: [{ code: 'x*98', app: 'voicemail' }] }],
    ['IVR app', { ivrApps: [{ code: '*98x', app: 'voicemail' }] }],
    ['IVR app', { ivrApps: [{ code: '*98', app: 'fax' }] }],
    ['emergency', { emergencyNumbers: [] }],
    ['emergency', { emergencyNumbers: ['1'] }],
    ['emergency', { emergencyNumbers: ['x112'] }],
    ['emergency', { emergencyNumbers: ['112x'] }],
    ['toll-free prefix', { tollFreePrefixes: ['+'] }],
    ['toll-free prefix', { tollFreePrefixes: ['x+800'] }],
    ['toll-free prefix', { tollFreePrefixes: ['+800x'] }],
    ['toll-free prefix', { tollFreePrefixes: ['+123456789'] }],
  ] as const)('rejects a plan with a malformed %s (%j)', (_field, change) => {
    expect(DialPlanSchema.safeParse({ ...plan, ...change }).success).toBe(false);
  });

  it('accepts the edges of a well-formed plan', () => {
    const edges = {
      country: 'AT',
      internalRanges: [
        { from: '10', to: '10' },
        { from: '200', to: '299' },
        { from: '12345678', to: '12345679' },
      ],
      ivrApps: [
        { code: '*98', app: 'voicemail' },
        { code: '#1234567', app: 'echo-test' },
      ],
      emergencyNumbers: ['112', '11', '116117'],
      tollFreePrefixes: ['+1', '+12345678'],
    };
    expect(DialPlanSchema.parse(edges)).toEqual(edges);
  });

  it('reads every internal range, with both ends included', () => {
    const twoRanges = {
      ...plan,
      internalRanges: [
        { from: '200', to: '299' },
        { from: '500', to: '549' },
      ],
    };
    for (const extension of ['200', '299', '500', '549'])
      expect(classifyDestination(extension, twoRanges)).toEqual({ callClass: 'internal', extension });
    for (const number of ['199', '300', '499', '550'])
      expect(classifyDestination(number, twoRanges).callClass).not.toBe('internal');
  });

  it('only external calls are paid calls', () => {
    expect(isPaidExternal('external')).toBe(true);
    for (const callClass of ['internal', 'ivr-app', 'emergency', 'toll-free'] as const)
      expect(isPaidExternal(callClass)).toBe(false);
  });
});
