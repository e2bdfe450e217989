// The full ("max") metadata: only it knows each country's exact number patterns, so an incomplete
// number (0800 1, 0800 123) is told apart from a complete toll-free one; "min" checks lengths only.
import { parsePhoneNumberFromString, type CountryCode, type PhoneNumberType } from 'libphonenumber-js/max';
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
 * Where an external paid call goes, for the PIN scope (shared/policy/requires-pin.ts). Both facts
 * fail safe: a number the metadata cannot place is never cheaper than one it can.
 * - `international`: anything but a valid number of the company's own *country* (not calling code:
 *   +1 876 is Jamaica for a US company, +44 1534 Jersey for a GB one, +7 701 Kazakhstan for a RU
 *   one). A possible but not valid number counts as international: `+49 0044 20 7946 0018` is
 *   "+49 044…", which a trunk that writes "+49" as "0" dials as 0044… = London. A number of no
 *   country (+881 satellite, +800) is international too. Read from the normalised number, so
 *   `+44…`, `0044…` and every other spelling agree.
 * - `premium`: not an ordinary fixed-line, mobile or VoIP number by the metadata's type
 *   (`PAID_ORDINARY_TYPES`): premium rate (0900), shared cost (0137 televoting, 0180), personal
 *   numbers (0700), UAN, voicemail access, pagers, and a number the metadata cannot place at all.
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
  const valid = parsed.isValid();
  const type = valid ? parsed.getType() : undefined;
  return {
    callClass: 'external',
    e164,
    international: !valid || parsed.country === undefined || parsed.country !== plan.country,
    premium: type === undefined || !PAID_ORDINARY_TYPES.has(type),
  };
}

/**
 * The number types billed as ordinary calls; every other type (PREMIUM_RATE, SHARED_COST,
 * PERSONAL_NUMBER, UAN, VOICEMAIL, PAGER, a TOLL_FREE number not in `tollFreePrefixes`) and an
 * unknown type count as premium for the PIN scope (docs/test-pbx.md).
 */
export const PAID_ORDINARY_TYPES: ReadonlySet<PhoneNumberType> = new Set<PhoneNumberType>([
  'FIXED_LINE',
  'MOBILE',
  'FIXED_LINE_OR_MOBILE',
  'VOIP',
]);

function isInternal(digits: string, plan: DialPlan): boolean {
  return plan.internalRanges.some(
    (range) => digits.length === range.from.length && digits >= range.from && digits <= range.to,
  );
}
