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
