import type { CallClass } from '../../../../shared/dial-plan/dial-plan';
import type { Policy } from '../../../../shared/policy/policy';
import { keypadAvailable, type CallState } from '../../sip/call-machine';
import type { CallView } from '../../sip/softphone';
import { inPinEntry, type PinState } from './pin-phase';

/**
 * What the call screen says, as data: the headline (the SIP phase, or the PIN step on a PIN call),
 * one sentence on what is happening and what to do, and where the talk timer starts. Pure, so each
 * PIN phase's words are tested without rendering.
 */
export interface CallScreen {
  headline: { key: string; params?: Record<string, string | number> };
  detail: { key: string; params?: Record<string, string | number> } | null;
  /** The timer runs from here; null: no timer (talking to the PBX's prompt is no conversation). */
  timerSince: number | null;
  /** The keys typed are (part of) a PIN: Enter sends `#`, the keypad opens by itself. */
  pinEntry: boolean;
}

const PHASE_TEXT = {
  connecting: 'phone.phaseConnecting',
  ringing: 'phone.phaseRinging',
  'early-media': 'phone.phaseEarlyMedia',
  incoming: 'phone.phaseIncoming',
  active: 'phone.phaseActive',
  'on-hold': 'phone.phaseOnHold',
  ended: 'phone.phaseActive',
} as const satisfies Record<CallState['phase'], string>;

const FREE_CLASSES: ReadonlySet<CallClass> = new Set(['internal', 'ivr-app', 'toll-free', 'emergency']);

/** The in-call echo shows dots only on every outgoing call not known to be free of charge. */
export function maskedEcho(call: Pick<CallView, 'direction' | 'callClass'>): boolean {
  return call.direction === 'outgoing' && !(call.callClass !== null && FREE_CLASSES.has(call.callClass));
}

export function callScreen(call: CallView): CallScreen {
  const screen = callScreenOf(call);
  // Held by the far end (its re-INVITE said sendonly/inactive) is what the user must know first,
  // also on a call whose headline would otherwise name the PBX (a call not known to be free).
  return call.state.heldByRemote ? { ...screen, headline: { key: 'phone.phaseHeldByRemote' } } : screen;
}

function callScreenOf(call: CallView): CallScreen {
  const state = call.state;
  const plain: CallScreen = {
    headline: { key: state.heldByRemote ? 'phone.phaseHeldByRemote' : PHASE_TEXT[state.phase] },
    detail: null,
    timerSince: state.answeredAt,
    pinEntry: false,
  };
  const pin = call.pin;
  if (!pin || call.direction !== 'outgoing') return plain;
  const withMedia = keypadAvailable(state) || state.phase === 'on-hold';
  if (!withMedia) return { ...plain, timerSince: null };
  const number = call.number;
  const pbx = { key: 'phone.pin.headlinePbx' };
  const entry = inPinEntry(pin);
  const base = { pinEntry: entry && keypadAvailable(state) };

  if (pin.mode === 'no-signals') {
    // Without signals the phone cannot know when the destination answered: it says what it knows.
    if (pin.phase === 'checking')
      return {
        ...base,
        headline: pbx,
        detail: { key: 'phone.pin.checkingNoSignals', params: { number } },
        timerSince: pin.submittedAt,
      };
    return {
      ...base,
      headline: pbx,
      detail: enteringDetail(pin),
      // Policy unknown and nothing typed: maybe no PIN was asked at all, the call may be a plain one;
      // the timer runs from the answer, as the history counts it (pinRecordOf).
      timerSince: pin.expectation === 'possible' && pin.submittedAt === null ? state.answeredAt : null,
    };
  }

  switch (pin.phase) {
    case 'waiting':
    case 'prompt':
    case 'entering':
      return { ...base, headline: pbx, detail: enteringDetail(pin), timerSince: null };
    case 'checking':
      return { ...base, headline: pbx, detail: { key: 'phone.pin.checking' }, timerSince: null };
    case 'wrong-code':
      return {
        ...base,
        headline: pbx,
        detail:
          pin.maxAttempts !== null
            ? { key: 'phone.pin.wrongCode', params: { attempt: pin.attempt, max: pin.maxAttempts } }
            : { key: 'phone.pin.wrongCodeNoMax', params: { attempt: pin.attempt } },
        timerSince: null,
      };
    case 'accepted':
      return {
        ...base,
        headline: pbx,
        detail: { key: 'phone.pin.accepted', params: { number } },
        timerSince: null,
      };
    case 'ringing':
      return {
        ...base,
        headline: { key: 'phone.pin.headlineRinging', params: { number } },
        detail: null,
        timerSince: null,
      };
    case 'connected':
      return {
        ...base,
        headline:
          state.phase === 'on-hold'
            ? plain.headline
            : { key: 'phone.pin.headlineConnected', params: { number } },
        detail: null,
        timerSince: pin.destinationAnsweredAt,
      };
    case 'locked':
      return { ...base, headline: pbx, detail: { key: 'phone.pin.locked' }, timerSince: null };
    case 'failed':
      return { ...base, headline: pbx, detail: { key: 'phone.pin.failed' }, timerSince: null };
    case 'busy':
      return { ...base, headline: pbx, detail: { key: 'phone.pin.busy' }, timerSince: null };
  }
}

function enteringDetail(pin: PinState): CallScreen['detail'] {
  if (pin.attempt > 1 && pin.mode === 'no-signals')
    return { key: 'phone.pin.nextAttempt', params: { attempt: pin.attempt } };
  if (pin.attempt > 1 && pin.maxAttempts !== null && pin.phase !== 'entering')
    return { key: 'phone.pin.attemptOf', params: { attempt: pin.attempt, max: pin.maxAttempts } };
  if (pin.phase === 'entering') return { key: 'phone.pin.entering' };
  return { key: pin.expectation === 'required' ? 'phone.pin.prompt' : 'phone.pin.promptPossible' };
}

/** Paid calls closed by the PBX after wrong PINs, as the policy says (the PBX enforces it). */
export type PaidCallLock =
  { kind: 'none' } | { kind: 'locked'; until: string } | { kind: 'quarantined'; since: string };

export function paidCallLock(policy: Policy | null, now: number): PaidCallLock {
  if (!policy) return { kind: 'none' };
  const { quarantinedSince, lockedUntil } = policy.pinProtection;
  if (quarantinedSince) return { kind: 'quarantined', since: quarantinedSince };
  if (lockedUntil && Date.parse(lockedUntil) > now) return { kind: 'locked', until: lockedUntil };
  return { kind: 'none' };
}
