// The full ("max") metadata: only it knows each country's exact number patterns, so an incomplete
// number (0800 1, 0800 123) is told apart from a complete toll-free one; "min" checks lengths only.
import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import { stripSeparators } from './separators';

/**
 * The dial plan: which numbers are internal, IVR applications, emergency, toll-free, or external
 * paid calls. One pure module, used by the PBX to route (and to decide whether the PIN is asked)
 * and by the client to warn before a paid call — the same rules on both sides.
 */
export const DialPlanSchema = z.object({
  /** ISO 3166 country of the company: national numbers are read as this country's. */
  country: z.string().regex(/^[A-Z]{2}$/),
  /** Extension ranges, inclusive, same length at both ends (e.g. 200–299). */
  internalRanges: z
    .array(z.object({ from: z.string().regex(/^[0-9]{2,8}$/), to: z.string().regex(/^[0-9]{2,8}$/) }))
    .refine(
      (ranges) => ranges.every((range) => range.from.length === range.to.length && range.from <= range.to),
      {
        message: 'each range needs from <= to of the same length',
      },
    ),
  /** IVR applications answered by the PBX itself (voicemail, echo test): dialled exactly. */
  ivrApps: z.array(
    z.object({ code: z.string().regex(/^[*#0-9]{2,8}$/), app: z.enum(['voicemail', 'echo-test']) }),
  ),
  /** Emergency numbers as dialled (110, 112, …): never prompted, never blocked. */
  emergencyNumbers: z.array(z.string().regex(/^[0-9]{2,6}$/)).min(1),
  /** Toll-free prefixes in E.164 form (+49800, +800, …). */
  tollFreePrefixes: z.array(z.string().regex(/^\+[0-9]{1,8}$/)),
});
export type DialPlan = z.output<typeof DialPlanSchema>;

export type CallClass = 'internal' | 'ivr-app' | 'emergency' | 'toll-free' | 'external';

export type Classification =
  | { callClass: 'internal'; extension: string }
  | { callClass: 'ivr-app'; code: string; app: DialPlan['ivrApps'][number]['app'] }
  | { callClass: 'emergency'; number: string }
  | { callClass: 'toll-free'; e164: string }
  | ({ callClass: 'external'; e164: string } & PaidReach)
  | { callClass: 'invalid'; reason: 'empty' | 'characters' | 'not-a-number' };

/**
 * Where an external paid call goes, for the PIN scope (shared/policy/requires-pin.ts):
 * - `international`: the number's country calling code is not the company's (`+44…`, `0044…`,
 *   `+881…` satellite all are, whatever the spelling: it is read from the normalised number);
 * - `premium`: the metadata says premium rate (`0900…`), or it cannot place the number at all (a
 *   possible but not valid number could be anything, so it counts as premium: fail safe).
 */
export interface PaidReach {
  international: boolean;
  premium: boolean;
}

/** Whether calls of this class are paid calls outside the PBX, for which IVR authentication applies. */
export function isPaidExternal(callClass: CallClass): boolean {
  return callClass === 'external';
}

/**
 * Classifies what a user dialled. `dialled` is the user part of the request (or what was typed),
 * without URI parameters. The result carries the one canonical destination the call may reach:
 * routing uses it, never the raw input, so no spelling of a number can reach a different place.
 */
export function classifyDestination(dialled: string, plan: DialPlan): Classification {
  const compact = stripSeparators(dialled);
  if (compact === '') return { callClass: 'invalid', reason: 'empty' };

  const ivrApp = plan.ivrApps.find((candidate) => candidate.code === compact);
  if (ivrApp) return { callClass: 'ivr-app', code: ivrApp.code, app: ivrApp.app };

  if (!/^\+?[0-9]+$/.test(compact)) return { callClass: 'invalid', reason: 'characters' };

  if (plan.emergencyNumbers.includes(compact)) return { callClass: 'emergency', number: compact };

  if (isInternal(compact, plan)) return { callClass: 'internal', extension: compact };

  const parsed = parsePhoneNumberFromString(compact, { defaultCountry: plan.country as CountryCode });
  if (!parsed || !parsed.isPossible()) return { callClass: 'invalid', reason: 'not-a-number' };
  const e164 = parsed.number;
  if (plan.tollFreePrefixes.some((prefix) => e164.startsWith(prefix))) {
    // Free only when it is a complete, valid number: `08001` must not slip past the PIN as "free"
    // and reach the PSTN as whatever the digits that follow make of it. Incomplete: 484.
    if (!parsed.isValid()) return { callClass: 'invalid', reason: 'not-a-number' };
    return { callClass: 'toll-free', e164 };
  }
  return {
    callClass: 'external',
    e164,
    international: parsed.countryCallingCode !== getCountryCallingCode(plan.country as CountryCode),
    premium: !parsed.isValid() || parsed.getType() === 'PREMIUM_RATE',
  };
}

function isInternal(digits: string, plan: DialPlan): boolean {
  return plan.internalRanges.some(
    (range) => digits.length === range.from.length && digits >= range.from && digits <= range.to,
  );
}
