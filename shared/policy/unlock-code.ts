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
