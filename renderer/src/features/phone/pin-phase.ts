import type { CallClass } from '../../../../shared/dial-plan/dial-plan';
import {
  requiresPin,
  type PinCall,
  type PinProtectionState,
  type PinScope,
} from '../../../../shared/policy/requires-pin';

/**
 * The PIN step of an outgoing paid call as the user sees it, as a state machine: data in, data out.
 *
 *   waiting ─prompt-started─► prompt ─key─► entering ─submitted (#)─► checking
 *   checking ─wrong-code─► wrong-code ─key─► entering (next attempt, dots cleared)
 *   checking ─accepted─► accepted ─ringing─► ringing ─destination-answered─► connected (own timer)
 *   any open phase ─locked / failed─► locked / failed (the call ends)
 *
 * Two sources feed it. Without PBX signals ('no-signals', any PBX today) the phone only knows what it
 * did itself: the media started (the prompt), it sent keys, it sent `#`. Then a key after `#` starts
 * a new attempt (counted locally), and whether the destination answered stays unknown. When a PBX
 * tells the phone where its IVR is (in-dialog signals, later), the same events arrive from it and the
 * machine switches to 'signals' for good: wrong code, accepted, ringing, the destination's answer.
 *
 * Never a digit: keys are counted, not kept. A `key` event carries no key.
 */
export type PinExpectation =
  /** The policy says this call needs the PIN (requiresPin). */
  | 'required'
  /** The policy is unknown and the call may be paid: the PBX may ask for a PIN. */
  | 'possible';

export type PinPhase =
  | 'waiting'
  | 'prompt'
  | 'entering'
  | 'checking'
  | 'wrong-code'
  | 'accepted'
  | 'ringing'
  | 'connected'
  | 'locked'
  | 'failed'
  /** Another PIN entry of this extension is in progress (PBX signal): nothing counted. */
  | 'busy';

export interface PinState {
  expectation: PinExpectation;
  /** 'signals' from the first in-dialog IVR signal of the PBX on; 'no-signals' until then. */
  mode: 'no-signals' | 'signals';
  phase: PinPhase;
  /** Keys typed in this attempt (after the PIN step: keys sent to the destination). Never which. */
  keys: number;
  /** The attempt the user is on, from 1. Counted locally without signals. */
  attempt: number;
  /** How many attempts the PBX allows, when it said so. */
  maxAttempts: number | null;
  /** When the last `#` was sent: the earliest moment the destination could have answered. */
  submittedAt: number | null;
  /** When the destination answered (PBX signal only). */
  destinationAnsweredAt: number | null;
  /** Locked: until when (ISO 8601), or null for a quarantine (only an admin unlocks); when known. */
  lockedUntil?: string | null;
  /** Whose code opened the call (the PBX's `accepted` signal, issue #14): a label, never the code. */
  codeLabel?: string;
}

export type PinEvent =
  /** The PBX's prompt started: from the call's first media, or signalled by the PBX (`fromPbx`). */
  | { type: 'prompt-started'; at: number; fromPbx?: boolean; attempt?: number; maxAttempts?: number }
  /** The user typed a key other than `#` (which key is never part of the event). */
  | { type: 'key'; at: number }
  /** The user typed `#` (or Enter in the PIN phase). */
  | { type: 'submitted'; at: number }
  /** PBX signal: the code was submitted and is being checked. */
  | { type: 'checking' }
  /** PBX signal: the code was wrong; the attempt now being asked for and the limit, when known. */
  | { type: 'wrong-code'; attempt?: number; maxAttempts?: number }
  /** PBX signal: the code was right; `codeLabel`: whose code, when the PBX says. */
  | { type: 'accepted'; codeLabel?: string }
  /** PBX signal: the destination is ringing. */
  | { type: 'ringing' }
  /** PBX signal (e.g. RFC 4916 connected identity): the destination answered. */
  | { type: 'destination-answered'; at: number; codeLabel?: string }
  /** The PBX refused: paid calls of this extension are locked (signal or the call's Reason). */
  | { type: 'locked'; until?: string | null }
  /** PBX signal: another PIN entry of this extension is in progress. */
  | { type: 'busy' }
  /** The PBX gave up after wrong codes (signal or the call's Reason). */
  | { type: 'failed' };

const PBX_SIGNALS: ReadonlySet<PinEvent['type']> = new Set([
  'checking',
  'busy',
  'wrong-code',
  'accepted',
  'ringing',
  'destination-answered',
]);

/** Calls that never need the PIN, known from the dial plan. */
const FREE_CLASSES: ReadonlySet<CallClass> = new Set(['internal', 'ivr-app', 'toll-free', 'emergency']);

export function initialPin(expectation: PinExpectation): PinState {
  return {
    expectation,
    mode: 'no-signals',
    phase: 'waiting',
    keys: 0,
    attempt: 1,
    maxAttempts: null,
    submittedAt: null,
    destinationAnsweredAt: null,
  };
}

/** Phases in which typed keys are (part of) the PIN. */
export function inPinEntry(state: PinState): boolean {
  return (
    state.phase === 'waiting' ||
    state.phase === 'prompt' ||
    state.phase === 'entering' ||
    state.phase === 'checking' ||
    state.phase === 'wrong-code'
  );
}

export function pinTransition(state: PinState, event: PinEvent): PinState {
  if (state.phase === 'locked' || state.phase === 'failed' || state.phase === 'busy') return state;
  const next =
    PBX_SIGNALS.has(event.type) || (event.type === 'prompt-started' && event.fromPbx)
      ? { ...state, mode: 'signals' as const }
      : state;
  switch (event.type) {
    case 'prompt-started':
      if (event.fromPbx && event.attempt !== undefined && event.attempt !== next.attempt)
        // A new prompt for a later attempt (e.g. after no key at all): the count starts again.
        return {
          ...next,
          phase: 'prompt',
          keys: 0,
          attempt: event.attempt,
          maxAttempts: event.maxAttempts ?? next.maxAttempts,
        };
      if (event.maxAttempts !== undefined && next.maxAttempts === null) {
        const withMax = { ...next, maxAttempts: event.maxAttempts };
        return withMax.phase === 'waiting' ? { ...withMax, phase: 'prompt' } : withMax;
      }
      return next.phase === 'waiting' ? { ...next, phase: 'prompt' } : next;
    case 'checking':
      return next.phase === 'checking' ? next : { ...next, phase: 'checking', keys: 0 };
    case 'key':
      if (!inPinEntry(next)) return { ...next, keys: next.keys + 1 };
      // Without signals a key after `#` means the PBX asked again: a new attempt, dots cleared.
      if (next.phase === 'checking' && next.mode === 'no-signals')
        return { ...next, phase: 'entering', keys: 1, attempt: next.attempt + 1 };
      if (next.phase === 'checking') return next;
      return { ...next, phase: 'entering', keys: next.keys + 1 };
    case 'submitted':
      if (!inPinEntry(next)) return { ...next, keys: next.keys + 1 };
      if (next.phase === 'checking') return next;
      return { ...next, phase: 'checking', keys: 0, submittedAt: event.at };
    case 'wrong-code':
      // The same attempt said twice (the wrong-code signal, then its new prompt): keep the count.
      if (
        event.attempt !== undefined &&
        event.attempt === next.attempt &&
        (next.phase === 'wrong-code' || next.phase === 'entering')
      )
        return next;
      return {
        ...next,
        phase: 'wrong-code',
        keys: 0,
        attempt: event.attempt ?? next.attempt + 1,
        maxAttempts: event.maxAttempts ?? next.maxAttempts,
      };
    case 'accepted':
      return {
        ...next,
        phase: 'accepted',
        keys: 0,
        ...(event.codeLabel !== undefined ? { codeLabel: event.codeLabel } : {}),
      };
    case 'ringing':
      return { ...next, phase: 'ringing', keys: 0 };
    case 'destination-answered': {
      // The PBX may repeat whose code it was here (`accepted` lost in early media, issue #14).
      const labelled =
        event.codeLabel !== undefined && next.codeLabel === undefined
          ? { ...next, codeLabel: event.codeLabel }
          : next;
      return labelled.phase === 'connected'
        ? labelled
        : { ...labelled, phase: 'connected', keys: 0, destinationAnsweredAt: event.at };
    }
    case 'locked':
      return { ...next, phase: 'locked', keys: 0, lockedUntil: event.until ?? null };
    case 'busy':
      return { ...next, phase: 'busy', keys: 0 };
    case 'failed':
      return { ...next, phase: 'failed', keys: 0 };
  }
}

/**
 * Privacy of one outgoing call: the in-call echo is masked for every call not known to be internal,
 * an IVR application, toll-free or emergency — whatever the policy state. The PIN step is followed
 * where the policy says the PIN is required (requiresPin, the one shared rule) or where the policy
 * is unknown and the call may be paid.
 *
 * `call` null: not classified (no policy, so no dial plan). `protection` null: policy unknown. With the
 * classification (not only its class) and the policy's `pinScope`, a call outside the scope (issue #14:
 * a national call under "international") expects no PIN step, as the PBX asks none.
 */
export function callPrivacy(
  call: PinCall | null,
  protection: PinProtectionState | null,
  /** The policy's PIN scope (issue #14); absent from older PBXs: every paid call. */
  scope?: PinScope,
): { masked: boolean; pin: PinExpectation | null } {
  const callClass = call === null ? null : typeof call === 'string' ? call : call.callClass;
  if (callClass !== null && FREE_CLASSES.has(callClass)) return { masked: false, pin: null };
  if (protection === null || call === null) return { masked: true, pin: 'possible' };
  return { masked: true, pin: requiresPin(protection, call, scope) ? 'required' : null };
}

/** The PIN step as the call record keeps it: never a digit, and the talk time's start. */
export type PinRecord = 'not-required' | 'requested' | 'accepted' | 'unknown' | 'failed' | 'locked';

/**
 * What the history says about the PIN and from when the call counts as a conversation:
 * the destination's answer (signals); without signals the last `#` (the earliest moment the
 * destination could have answered — the outcome itself stays unknown). Failed and locked: no talk time.
 */
export function pinRecordOf(
  pin: PinState | null | undefined,
  outcome: string,
  answeredAt: number | null,
): { pin: PinRecord; talkSince: number | null } {
  if (outcome === 'pin-failed') return { pin: 'failed', talkSince: null };
  if (outcome === 'locked') return { pin: 'locked', talkSince: null };
  if (!pin) return { pin: 'not-required', talkSince: answeredAt };
  if (pin.phase === 'failed') return { pin: 'failed', talkSince: null };
  if (pin.phase === 'locked') return { pin: 'locked', talkSince: null };
  if (pin.phase === 'busy') return { pin: 'requested', talkSince: null };
  if (pin.mode === 'signals') {
    const passed = pin.phase === 'accepted' || pin.phase === 'ringing' || pin.phase === 'connected';
    return {
      pin: passed ? 'accepted' : pin.phase === 'waiting' ? 'not-required' : 'requested',
      talkSince: pin.destinationAnsweredAt,
    };
  }
  if (pin.submittedAt !== null && answeredAt !== null)
    return { pin: 'unknown', talkSince: Math.max(pin.submittedAt, answeredAt) };
  if (pin.submittedAt !== null) return { pin: 'unknown', talkSince: null };
  // Policy unknown and nothing submitted: maybe no PIN was asked at all; an ordinary call.
  if (pin.expectation === 'possible') return { pin: 'not-required', talkSince: answeredAt };
  return { pin: pin.phase === 'waiting' ? 'not-required' : 'requested', talkSince: null };
}
