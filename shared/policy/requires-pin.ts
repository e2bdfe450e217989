import { isPaidExternal, type CallClass, type PaidReach } from '../dial-plan/dial-plan';

/**
 * The one rule for "does this call need the PIN?", used by the PBX (to run the PIN IVR), by its
 * policy and admin API (to report the state) and by the phone (to warn before dialling). Written
 * once so the three can never disagree.
 *
 * PIN protection is *active* when the provider made it available for one of the extension's
 * products and the admin switched IVR-Authentifizierung on. Then the extension's PIN scope says
 * which external paid calls need the PIN (issue #14); calls between extensions, to IVR
 * applications, to toll-free and to emergency numbers never do, whatever the scope.
 */
export interface PinProtectionState {
  /** The provider granted PIN protection to a product (main or add-on) of the extension. */
  available: boolean;
  /** IVR-Authentifizierung is switched on for the extension. */
  ivrAuthentication: boolean;
}

/**
 * Which paid calls need the PIN: every external paid call (the default, as before issue #14), only
 * international ones, or international and premium-rate ones (premium: see `PaidReach`).
 */
export const PIN_SCOPES = ['all-paid', 'international', 'international-premium'] as const;
export type PinScope = (typeof PIN_SCOPES)[number];
export const DEFAULT_PIN_SCOPE: PinScope = 'all-paid';

/** The extension's own scope wins; null means "the company's default". */
export function effectivePinScope(extensionScope: PinScope | null, companyDefault: PinScope): PinScope {
  return extensionScope ?? companyDefault;
}

/**
 * A call as the rule sees it: a dial-plan classification (`classifyDestination`), or only its class.
 * Without `international`/`premium` (a caller that knows only the class) an external call is taken as
 * international and premium, so every scope gates it: unknown is never cheaper.
 */
export type PinCall = CallClass | ({ callClass: CallClass } & Partial<PaidReach>);

/** IVR authentication counts only while the provider's grant stands. */
export function pinProtectionActive(state: PinProtectionState): boolean {
  return state.available && state.ivrAuthentication;
}

/** Whether a paid call of this reach falls in the scope (pure; the class is checked by `requiresPin`). */
export function inPinScope(scope: PinScope, reach: Partial<PaidReach>): boolean {
  const international = reach.international ?? true;
  const premium = reach.premium ?? true;
  switch (scope) {
    case 'all-paid':
      return true;
    case 'international':
      return international;
    case 'international-premium':
      return international || premium;
  }
}

export function requiresPin(
  state: PinProtectionState,
  call: PinCall,
  scope: PinScope = DEFAULT_PIN_SCOPE,
): boolean {
  const facts = typeof call === 'string' ? { callClass: call } : call;
  return pinProtectionActive(state) && isPaidExternal(facts.callClass) && inPinScope(scope, facts);
}
