import { isPaidExternal, type CallClass } from '../dial-plan/dial-plan';

/**
 * The one rule for "does this call need the PIN?", used by the PBX (to run the PIN IVR), by its
 * policy and admin API (to report the state) and by the phone (to warn before dialling). Written
 * once so the three can never disagree.
 *
 * PIN protection is *active* when the provider made it available for one of the extension's
 * products and the admin switched IVR-Authentifizierung on. Then every external paid call needs the
 * PIN; calls between extensions, to IVR applications, to toll-free and to emergency numbers never do.
 */
export interface PinProtectionState {
  /** The provider granted PIN protection to a product (main or add-on) of the extension. */
  available: boolean;
  /** IVR-Authentifizierung is switched on for the extension. */
  ivrAuthentication: boolean;
}

/** IVR authentication counts only while the provider's grant stands. */
export function pinProtectionActive(state: PinProtectionState): boolean {
  return state.available && state.ivrAuthentication;
}

export function requiresPin(state: PinProtectionState, callClass: CallClass): boolean {
  return pinProtectionActive(state) && isPaidExternal(callClass);
}
