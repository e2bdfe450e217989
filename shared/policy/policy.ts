import { z } from 'zod';
import { DialPlanSchema } from '../dial-plan/dial-plan';
import { PIN_SCOPES } from './requires-pin';

/**
 * The extension policy the PBX serves to the client: who the extension is, whether PIN protection is
 * available to it (service provider → product) and active (IVR authentication), and the dial-plan
 * facts the client needs to warn before a paid call. The client only shows it; the PBX enforces it.
 */
/** A product (main or add-on) that carries PIN protection. */
export const PinProductSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['main', 'add-on']),
});

export const PolicySchema = z.object({
  version: z.string().min(1),
  extension: z.string(),
  displayName: z.string(),
  language: z.enum(['de', 'en']),
  company: z.object({ id: z.string(), name: z.string() }),
  pinProtection: z.object({
    /** The provider made PIN protection available for one of the extension's products. */
    available: z.boolean(),
    /** The product (main or add-on) that carries it, when available. */
    product: PinProductSchema.nullable(),
    /** IVR-Authentifizierung is switched on for this extension. */
    ivrAuthentication: z.boolean(),
    /** An unlock code is set (the code itself is never sent). */
    unlockCodeSet: z.boolean(),
    /** Paid calls are locked after repeated PIN failures until this time (ISO 8601), or null. */
    lockedUntil: z.string().nullable(),
    /**
     * Paid calls are quarantined since this time (ISO 8601) after repeated lockouts: only an admin
     * can unlock them. Absent from PBXs that predate quarantine.
     */
    quarantinedSince: z.string().nullable().optional(),
  }),
  dialPlan: DialPlanSchema,
  /**
   * Which paid calls need the PIN (the extension's scope, or the company's default): the phone warns
   * with `requiresPin(…, pinScope)`. Absent from PBXs before issue #14: every paid call then.
   */
  pinScope: z.enum(PIN_SCOPES).optional(),
});
export type Policy = z.output<typeof PolicySchema>;

export type EntitlementState = 'unknown' | 'not-available' | 'available' | 'active';

/** What the status bar shows. Without a policy the PBX still decides: 'unknown'. */
export function entitlementState(policy: Policy | null): EntitlementState {
  if (!policy) return 'unknown';
  if (!policy.pinProtection.available) return 'not-available';
  return policy.pinProtection.ivrAuthentication ? 'active' : 'available';
}

/** A stable error body of every API: `{ error: { code, message } }`. */
export const ApiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ApiError = z.output<typeof ApiErrorSchema>;

/**
 * Why an extension's paid calls are closed, for the admin: locked for a while after wrong codes, or
 * quarantined after repeated lockouts (only an admin unlocks it). Times are ISO 8601.
 */
export const ExtensionLockSchema = z.object({
  kind: z.enum(['none', 'locked', 'quarantined']),
  /** End of a lock; null for none and quarantine. */
  until: z.string().nullable(),
  /** Start of a quarantine; null otherwise. */
  since: z.string().nullable(),
  reason: z.enum(['wrong-codes', 'repeated-lockouts']).nullable(),
  /** Wrong codes that count towards the next lock. */
  wrongCodesInWindow: z.number().int().nonnegative(),
  /** Lockouts within the quarantine window (24 h by default). */
  lockoutsInWindow: z.number().int().nonnegative(),
});
export type ExtensionLock = z.output<typeof ExtensionLockSchema>;

/** One extension's Anrufeinstellungen as the admin API returns them (the unlock code is write-only). */
export const ExtensionCallSettingsSchema = z.object({
  extension: z.string(),
  displayName: z.string(),
  pinProtection: z.object({ available: z.boolean(), product: PinProductSchema.nullable() }),
  ivrAuthentication: z.boolean(),
  unlockCodeSet: z.boolean(),
  lockedUntil: z.string().nullable(),
  registered: z.boolean(),
  lock: ExtensionLockSchema,
  /**
   * The extension's own PIN scope, or null for the company's default (issue #14; both absent from
   * PBXs before it, which gate every paid call).
   */
  pinScope: z.enum(PIN_SCOPES).nullable().optional(),
  /** The scope in force: `pinScope` or the company's default. */
  effectivePinScope: z.enum(PIN_SCOPES).optional(),
});
export type ExtensionCallSettings = z.output<typeof ExtensionCallSettingsSchema>;
