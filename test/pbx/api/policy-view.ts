import { createHash } from 'node:crypto';
import type { ExtensionCallSettings, Policy } from '../../../shared/policy/policy';
import { effectivePinScope, pinProtectionActive } from '../../../shared/policy/requires-pin';
import type { PolicyStore } from '../store/ports';

/**
 * What the policy API tells a phone and the admin API tells an admin about an extension, read from
 * the store. Whether PIN protection is active comes from `pinProtectionActive`, the same rule the
 * PBX's routing and the phone use (shared/policy/requires-pin.ts).
 */

/** The phone's policy; its version is a hash of the rest, so a phone sees any change. */
export function policyFor(store: PolicyStore, number: string, now: number): Policy | null {
  const extension = store.findExtension(number);
  if (!extension) return null;
  const product = store.pinProtectionProduct(number);
  const lockedUntil =
    extension.lockedUntil !== null && extension.lockedUntil > now ? extension.lockedUntil : null;
  const body: Omit<Policy, 'version'> = {
    extension: extension.number,
    displayName: extension.displayName,
    language: extension.language,
    company: { id: extension.companyId, name: store.companyName(extension.companyId) },
    pinProtection: {
      available: product !== null,
      product,
      ivrAuthentication: pinProtectionActive({
        available: product !== null,
        ivrAuthentication: extension.ivrAuthentication,
      }),
      unlockCodeSet: extension.unlockCodeSet,
      lockedUntil: lockedUntil === null ? null : new Date(lockedUntil).toISOString(),
      quarantinedSince:
        extension.quarantinedSince === null ? null : new Date(extension.quarantinedSince).toISOString(),
    },
    dialPlan: store.dialPlanOf(extension.companyId),
    pinScope: effectivePinScope(extension.pinScope ?? null, store.companyPinScope(extension.companyId)),
  };
  const version = createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 16);
  return { version, ...body };
}

/** One extension's Anrufeinstellungen for the admin, or null for no such extension. */
export function callSettingsView(
  store: PolicyStore,
  number: string,
  now: number,
  registered: (extension: string) => boolean,
): ExtensionCallSettings | null {
  const extension = store.findExtension(number);
  if (!extension) return null;
  const product = store.pinProtectionProduct(number);
  const security = store.pinSecurity(number, now);
  const counts = {
    wrongCodesInWindow: security.wrongCodesInWindow,
    lockoutsInWindow: security.lockouts24h,
  };
  const lock: ExtensionCallSettings['lock'] =
    security.quarantinedSince !== null
      ? {
          kind: 'quarantined',
          until: null,
          since: new Date(security.quarantinedSince).toISOString(),
          reason: security.lockReason ?? 'repeated-lockouts',
          ...counts,
        }
      : security.lockedUntil !== null
        ? {
            kind: 'locked',
            until: new Date(security.lockedUntil).toISOString(),
            since: null,
            reason: security.lockReason ?? 'wrong-codes',
            ...counts,
          }
        : { kind: 'none', until: null, since: null, reason: null, ...counts };
  return {
    extension: extension.number,
    displayName: extension.displayName,
    pinProtection: { available: product !== null, product },
    ivrAuthentication: pinProtectionActive({
      available: product !== null,
      ivrAuthentication: extension.ivrAuthentication,
    }),
    unlockCodeSet: extension.unlockCodeSet,
    lockedUntil:
      extension.lockedUntil !== null && extension.lockedUntil > now
        ? new Date(extension.lockedUntil).toISOString()
        : null,
    registered: registered(extension.number),
    lock,
    pinScope: extension.pinScope ?? null,
    effectivePinScope: effectivePinScope(
      extension.pinScope ?? null,
      store.companyPinScope(extension.companyId),
    ),
  };
}
