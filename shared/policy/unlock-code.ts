import { z } from 'zod';

/**
 * The one rule for an unlock code (the PIN the PBX's IVR asks for): 4 to 16 digits. Used by the
 * admin form before it sends a code, the admin API's input validation, the PBX's seed and the demo
 * provisioning, so the form can never accept a code the API refuses.
 */
export const UNLOCK_CODE_DIGITS = { min: 4, max: 16 } as const;

export const UnlockCodeSchema = z
  .string()
  .regex(
    new RegExp(`^[0-9]{${UNLOCK_CODE_DIGITS.min},${UNLOCK_CODE_DIGITS.max}}$`),
    `The unlock code has ${UNLOCK_CODE_DIGITS.min} to ${UNLOCK_CODE_DIGITS.max} digits.`,
  );

export function isValidUnlockCode(code: string): boolean {
  return UnlockCodeSchema.safeParse(code).success;
}

/**
 * Limits that keep the PIN gate's promise when an extension has several codes (issue #14 on top of
 * #10): every valid code of an extension opens its calls, so k codes make each guess about k times as
 * likely to hit while the lockout budget stays per extension.
 *
 * - A personal code added through the codes API has at least `PERSONAL_CODE_MIN_DIGITS` digits; the
 *   extension's "Standard" code (the set-PIN call) keeps `UNLOCK_CODE_DIGITS` (4 to 16), so nothing
 *   set before breaks.
 * - An extension holds at most `MAX_CODES_PER_EXTENSION` codes, the Standard code and disabled or
 *   expired ones included (a PATCH may enable them again).
 *
 * Chosen with `codeLimitsWorstCase` (test/pbx/ivr/lockout.ts): a 4-digit Standard code plus
 * `MAX_CODES_PER_EXTENSION − 1` personal codes of `PERSONAL_CODE_MIN_DIGITS` digits still expect at
 * least a year against the default lockout rules, paced below quarantine, no admin lifting anything.
 * A unit test fails when either is changed so that this no longer holds; docs/security.md shows the
 * figure (scripts/gen-security-figures.mjs). Here, not next to the lockout rules, because the admin
 * form (renderer) checks them too and may not import the test PBX; lockout.ts re-exports them.
 */
export const PERSONAL_CODE_MIN_DIGITS = 6;
export const MAX_CODES_PER_EXTENSION = 25;

/** Whether `code` (already a valid unlock code) is long enough for a personal code. */
export function isLongEnoughForPersonalCode(code: string): boolean {
  return code.length >= PERSONAL_CODE_MIN_DIGITS;
}

/**
 * The label of a personal unlock code (issue #14): the person's name or role, shown to the admin, in
 * call records and in the caller's history ("PIN von <label>"). 1 to 64 characters, no control
 * characters, not only white space. Surrounding white space is removed.
 */
export const CODE_LABEL_MAX = 64;
export const CodeLabelSchema = z
  .string()
  .trim()
  .min(1, 'The label is empty: name the person or role the code belongs to.')
  .max(CODE_LABEL_MAX, `The label is longer than ${CODE_LABEL_MAX} characters.`)
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  .refine((label) => !/[\u0000-\u001f\u007f]/.test(label), 'The label contains control characters.');
