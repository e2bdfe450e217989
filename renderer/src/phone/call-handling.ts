/**
 * What the phone does with an incoming call, an incoming REFER and an auto-answer request, as pure
 * decisions (the engine in sip/softphone.ts acts on them). Data in, data out: unit-tested without
 * sip.js.
 */

/** The user's call handling settings (settings.calls) as the engine needs them. */
export interface CallHandlingRules {
  callWaiting: boolean;
  doNotDisturb: boolean;
  autoAnswerInternal: boolean;
}

export const DEFAULT_CALL_HANDLING: CallHandlingRules = {
  callWaiting: true,
  doNotDisturb: false,
  autoAnswerInternal: false,
};

/** At most this many calls at once: the one in front and one held or waiting. */
export const MAX_CALLS = 2;

/** A SIP party: the user part and host of its URI. */
export interface Party {
  user: string;
  host: string;
}

/**
 * How the phone judges a party with the policy's dial plan: the class (null: no policy, so the dial
 * plan is unknown) and whether a call there needs the PIN (shared requiresPin rule).
 */
export interface PartyClass {
  callClass: 'internal' | 'ivr-app' | 'emergency' | 'toll-free' | 'external' | 'invalid' | null;
  needsPin: boolean;
}

/**
 * Without a policy (a PBX with no Tollgate API, Kamailio say) the phone cannot classify numbers; it
 * takes a party for an extension of the same PBX only when its host is the PBX's domain and its user
 * is a name (`alice`) or a short number that does not start like a public one (no `+`, no `0`,
 * at most 6 digits). Anything else counts as external.
 */
const SHORT_EXTENSION = /^[1-9*#][0-9*#]{0,5}$/;
const SIP_NAME = /^(?=.*[A-Za-z])[A-Za-z0-9\-_.!~*'()]+$/;

export function looksInternalWithoutPolicy(user: string): boolean {
  return SHORT_EXTENSION.test(user) || SIP_NAME.test(user);
}

/**
 * An extension of this PBX (never an external number): what auto-answer and REFER accept. With a
 * policy its dial plan decides by the user part (a PBX may present its callers under a domain of
 * its own, the test PBX's `tollgate.test`, say; external callers arrive as numbers it classifies).
 * Without one, the host must be the PBX's domain the phone registers at, and the user look internal.
 */
export function isInternalParty(party: Party, ownDomain: string, judged: PartyClass): boolean {
  if (judged.needsPin) return false;
  if (judged.callClass !== null) return judged.callClass === 'internal';
  if (party.host.toLowerCase() !== ownDomain.toLowerCase()) return false;
  return looksInternalWithoutPolicy(party.user);
}

export type IncomingDecision =
  | { kind: 'ring' }
  /** Call waiting: a soft tone in the call's audio, the caller shown beside the call. */
  | { kind: 'wait' }
  | { kind: 'auto-answer' }
  /** 486 Busy Here, logged in Verlauf with this outcome. */
  | { kind: 'refuse'; outcome: 'refused-dnd' | 'refused-busy' };

/**
 * A new incoming call (not one that replaces a call: that is the replaced call's business).
 * DND wins over everything; then a full phone or call waiting off refuse with 486; auto-answer only
 * when nothing else is going on and the caller is internal.
 */
export function decideIncoming(input: {
  rules: CallHandlingRules;
  callsInProgress: number;
  callerInternal: boolean;
}): IncomingDecision {
  const { rules, callsInProgress } = input;
  if (rules.doNotDisturb) return { kind: 'refuse', outcome: 'refused-dnd' };
  if (callsInProgress >= MAX_CALLS) return { kind: 'refuse', outcome: 'refused-busy' };
  if (callsInProgress > 0)
    return rules.callWaiting ? { kind: 'wait' } : { kind: 'refuse', outcome: 'refused-busy' };
  if (rules.autoAnswerInternal && input.callerInternal) return { kind: 'auto-answer' };
  return { kind: 'ring' };
}

export type ReferDecision =
  | { kind: 'follow' }
  /** 603 Decline to the REFER: the phone places no call. */
  | { kind: 'refuse'; why: 'pin-required' | 'not-internal' | 'busy' | 'bad-target' };

/**
 * Whether the phone follows a REFER (the other party transfers this call) by calling the Refer-To
 * target itself. It never places a paid call because someone else asked: a target that needs the PIN
 * (the shared requiresPin rule with the policy) is refused, and so is every target that is not known
 * to be an extension of the same PBX. With Replaces (attended transfer) the target is the Contact of
 * a phone in a call with the transferor (its host is that phone's `*.invalid` WebSocket address or the
 * PBX): it is followed when its user part is not a number that needs the PIN or looks public.
 */
export function decideRefer(input: {
  target: Party | null;
  hasReplaces: boolean;
  ownDomain: string;
  judged: PartyClass;
  callsInProgress: number;
}): ReferDecision {
  const { target, judged } = input;
  if (!target || target.user === '') return { kind: 'refuse', why: 'bad-target' };
  if (judged.needsPin) return { kind: 'refuse', why: 'pin-required' };
  // The referred call ends when the new one is answered; beside another call it would be a third.
  if (input.callsInProgress >= MAX_CALLS) return { kind: 'refuse', why: 'busy' };
  if (input.hasReplaces) {
    const contactUser = SIP_NAME.test(target.user) || SHORT_EXTENSION.test(target.user);
    const knownPaid = judged.callClass === 'external' || judged.callClass === 'emergency';
    return contactUser && !knownPaid ? { kind: 'follow' } : { kind: 'refuse', why: 'not-internal' };
  }
  return isInternalParty(target, input.ownDomain, judged)
    ? { kind: 'follow' }
    : { kind: 'refuse', why: 'not-internal' };
}
