import type { GateClosed } from './pin-gate-port';

/**
 * The PIN-entry IVR of one call as a state machine: data in, actions out, no I/O and no clock.
 * It never counts toward a lock and never decides a code: every submitted code goes to the PIN gate
 * (`verify`), and the gate's verdict comes back as an event. The call adapter (pin-ivr.ts) plays
 * prompts, runs timers, asks the gate and bridges or hangs up.
 *
 *   start ──► prompting ──key──► collecting ──'#' / max length / inter-digit timeout──► verifying
 *              │   ▲                                                                      │
 *              │   └──── 'wrong', attempts left (wrong-pin) ◄──────────────────── verdict ┤
 *              │                                                                          │
 *   first-digit timeout: recorded apart (record-timeout), not a wrong code;  'accepted' ──► accepted (bridge)
 *   it still uses up one of the call's attempts.                    attempts used up ──► done 'failed'
 *   gate closed (verdict or a lock set elsewhere) ──► done '<why>' (closed prompt)     caller left ──► done 'left'
 *
 * Keys: digits, `*` and `A`–`D` are all part of the code (a code with them is simply wrong); `#`
 * submits. After the call left, verdicts still in flight are counted, so the call record is right.
 */
export type GateClosedKind = GateClosed['kind'];
/** Prompts the caller may cut short by typing. */
export type PinPrompt = 'enter-pin' | 'wrong-pin';
/** Prompts that end the IVR; played to the end. */
export type EndPrompt = 'pin-failed-goodbye' | 'locked' | 'quarantined' | 'pin-busy';

/** What the IVR has seen in this call: wrong codes and silent prompts are counted apart. */
export interface PinCounts {
  wrongCodes: number;
  timeouts: number;
  accepted: number;
}

export type PinEntryState =
  | { phase: 'idle' }
  | ({ phase: 'prompting' } & PinCounts)
  | ({ phase: 'collecting'; digits: string } & PinCounts)
  | ({ phase: 'verifying' } & PinCounts)
  | ({ phase: 'accepted' } & PinCounts)
  /** The IVR is over without a bridge; `checking` while a submitted code still awaits its verdict. */
  | ({ phase: 'done'; end: 'failed' | 'left' | GateClosedKind; checking: boolean } & PinCounts);

export type PinVerdictKind = 'accepted' | 'wrong' | GateClosedKind;

export type PinEntryEvent =
  | { type: 'start' }
  | { type: 'digit'; digit: string }
  | { type: 'timeout' }
  /** The gate's verdict; a wrong code that closed the gate says how (`closes`): it ends the IVR. */
  | { type: 'verdict'; verdict: PinVerdictKind; closes?: GateClosedKind }
  /** The gate closed for this extension while the call sits in the IVR (a lock set by another call). */
  | { type: 'gate-closed'; why: GateClosedKind }
  /** The call ended from outside (BYE, CANCEL, media lost, shutdown). */
  | { type: 'left' };

export type PinEntryAction =
  | { type: 'play'; prompt: PinPrompt }
  | { type: 'stop-prompt' }
  | { type: 'start-timer'; kind: 'first-digit' | 'inter-digit'; ms: number }
  | { type: 'cancel-timer' }
  /** The only place the typed code leaves the machine: to the gate, never stored or logged. */
  | { type: 'verify'; code: string }
  /** A first-digit timeout: the gate records it apart from wrong codes. */
  | { type: 'record-timeout' }
  /** The call leaves the IVR: the gate frees its session slot. Always after any last `verify`. */
  | { type: 'close-session' }
  | { type: 'bridge' }
  /** Plays `prompt` to the end and hangs up. */
  | { type: 'end'; prompt: EndPrompt; why: 'failed' | GateClosedKind };

export interface PinEntryRules {
  /** Codes (wrong or silent) one call may use before it is ended; the lock budget is the gate's. */
  maxAttempts: number;
  maxLength: number;
  firstDigitTimeoutMs: number;
  interDigitTimeoutMs: number;
}

export const DEFAULT_PIN_RULES: PinEntryRules = {
  maxAttempts: 3,
  maxLength: 16,
  firstDigitTimeoutMs: 10_000,
  interDigitTimeoutMs: 5_000,
};

export interface Transition {
  state: PinEntryState;
  actions: PinEntryAction[];
}

/** Keys of RFC 4733 events 0–15; all but `#` belong to the code. */
const CODE_KEY = /^[0-9*A-D]$/;

const NO_COUNTS: PinCounts = { wrongCodes: 0, timeouts: 0, accepted: 0 };

/** The prompt a caller hears when the gate is closed for this reason. */
export function closedPrompt(why: GateClosedKind): EndPrompt {
  switch (why) {
    case 'quarantined':
      return 'quarantined';
    case 'busy':
      return 'pin-busy';
    case 'locked':
    case 'source-blocked':
      return 'locked';
  }
}

export function pinEntryTransition(
  state: PinEntryState,
  event: PinEntryEvent,
  rules: PinEntryRules = DEFAULT_PIN_RULES,
): Transition {
  const stay: Transition = { state, actions: [] };
  switch (state.phase) {
    case 'idle':
      if (event.type === 'start') return prompt(NO_COUNTS, 'enter-pin', rules);
      if (event.type === 'left')
        return {
          state: { phase: 'done', end: 'left', checking: false, ...NO_COUNTS },
          actions: [{ type: 'close-session' }],
        };
      return stay;

    case 'prompting':
    case 'collecting': {
      const counts = countsOf(state);
      const digits = state.phase === 'collecting' ? state.digits : '';
      switch (event.type) {
        case 'timeout':
          if (digits !== '') return submit(counts, digits);
          return silence(counts, rules);
        case 'digit': {
          const stopPrompt: PinEntryAction[] = state.phase === 'prompting' ? [{ type: 'stop-prompt' }] : [];
          if (event.digit === '#') {
            if (digits === '') return stay; // A lone '#' before any key is ignored.
            const submitted = submit(counts, digits);
            return { state: submitted.state, actions: [...stopPrompt, ...submitted.actions] };
          }
          if (!CODE_KEY.test(event.digit)) return stay; // Not a keypad key (flash, unknown event).
          const next = digits + event.digit;
          if (next.length >= rules.maxLength) {
            const submitted = submit(counts, next);
            return { state: submitted.state, actions: [...stopPrompt, ...submitted.actions] };
          }
          return {
            state: { phase: 'collecting', digits: next, ...counts },
            actions: [
              ...stopPrompt,
              { type: 'start-timer', kind: 'inter-digit', ms: rules.interDigitTimeoutMs },
            ],
          };
        }
        case 'gate-closed':
          return closed(counts, event.why, false, digits);
        case 'left':
          return {
            state: { phase: 'done', end: 'left', checking: digits !== '', ...counts },
            actions: [
              { type: 'cancel-timer' },
              // Typed without '#': verified and counted like a submitted code.
              ...(digits !== '' ? [{ type: 'verify', code: digits } as const] : []),
              { type: 'close-session' },
            ],
          };
        default:
          return stay;
      }
    }

    case 'verifying': {
      const counts = countsOf(state);
      switch (event.type) {
        case 'verdict':
          if (event.verdict === 'accepted') {
            return {
              state: { phase: 'accepted', ...counts, accepted: counts.accepted + 1 },
              actions: [{ type: 'close-session' }, { type: 'bridge' }],
            };
          }
          if (event.verdict === 'wrong') {
            const after = { ...counts, wrongCodes: counts.wrongCodes + 1 };
            // The code that locked the extension: counted, and the caller hears the lock prompt.
            if (event.closes) return closed(after, event.closes, false, '');
            if (used(after) >= rules.maxAttempts) return failed(after);
            return prompt(after, 'wrong-pin', rules);
          }
          return closed(counts, event.verdict, false, '');
        case 'gate-closed':
          // The code in flight is still decided and counted by the gate; its verdict comes in 'done'.
          return closed(counts, event.why, true, '');
        case 'left':
          return {
            state: { phase: 'done', end: 'left', checking: true, ...counts },
            actions: [{ type: 'close-session' }],
          };
        default:
          return stay;
      }
    }

    case 'accepted':
      return stay;

    case 'done':
      if (event.type !== 'verdict' || !state.checking) return stay;
      return {
        state: {
          ...state,
          checking: false,
          wrongCodes: state.wrongCodes + (event.verdict === 'wrong' ? 1 : 0),
          accepted: state.accepted + (event.verdict === 'accepted' ? 1 : 0),
        },
        actions: [],
      };
  }
}

/** The codes a call record counts as attempts: wrong codes plus an accepted one (not timeouts). */
export function pinAttemptsOf(state: PinEntryState): number {
  return state.phase === 'idle' ? 0 : state.wrongCodes + state.accepted;
}

/**
 * The pin outcome of a call record. A call that leaves the IVR after a wrong code has failed (also
 * when that code locked the extension); a closed gate without a wrong code of this call is `locked`,
 * another PIN entry in progress is `busy` (not a guess).
 */
export function pinOutcomeOf(state: PinEntryState): 'ok' | 'failed' | 'locked' | 'busy' | 'abandoned' {
  if (state.phase === 'idle') return 'abandoned';
  if (state.phase === 'accepted') return 'ok';
  if (state.wrongCodes > 0) return 'failed';
  if (state.phase !== 'done') return 'abandoned';
  switch (state.end) {
    // Left, or only timeouts (attempts used up without a code): no code was tried.
    case 'left':
    case 'failed':
      return 'abandoned';
    case 'busy':
      return 'busy';
    case 'locked':
    case 'quarantined':
    case 'source-blocked':
      return 'locked';
  }
}

/** Whether the IVR still waits for the gate's verdict on a submitted code. */
export function awaitingVerdict(state: PinEntryState): boolean {
  return state.phase === 'verifying' || (state.phase === 'done' && state.checking);
}

function countsOf(state: PinCounts): PinCounts {
  return { wrongCodes: state.wrongCodes, timeouts: state.timeouts, accepted: state.accepted };
}

function used(counts: PinCounts): number {
  return counts.wrongCodes + counts.timeouts;
}

function prompt(counts: PinCounts, which: PinPrompt, rules: PinEntryRules): Transition {
  return {
    state: { phase: 'prompting', ...counts },
    actions: [
      { type: 'play', prompt: which },
      { type: 'start-timer', kind: 'first-digit', ms: rules.firstDigitTimeoutMs },
    ],
  };
}

function submit(counts: PinCounts, code: string): Transition {
  return {
    state: { phase: 'verifying', ...counts },
    actions: [{ type: 'cancel-timer' }, { type: 'verify', code }],
  };
}

function silence(counts: PinCounts, rules: PinEntryRules): Transition {
  const after = { ...counts, timeouts: counts.timeouts + 1 };
  const recorded: PinEntryAction = { type: 'record-timeout' };
  const next = used(after) >= rules.maxAttempts ? failed(after) : prompt(after, 'enter-pin', rules);
  return { state: next.state, actions: [recorded, ...next.actions] };
}

function failed(counts: PinCounts): Transition {
  return {
    state: { phase: 'done', end: 'failed', checking: false, ...counts },
    actions: [
      { type: 'cancel-timer' },
      { type: 'close-session' },
      { type: 'end', prompt: 'pin-failed-goodbye', why: 'failed' },
    ],
  };
}

function closed(counts: PinCounts, why: GateClosedKind, checking: boolean, pending: string): Transition {
  return {
    state: { phase: 'done', end: why, checking: checking || pending !== '', ...counts },
    actions: [
      { type: 'stop-prompt' },
      { type: 'cancel-timer' },
      ...(pending !== '' ? [{ type: 'verify', code: pending } as const] : []),
      { type: 'close-session' },
      { type: 'end', prompt: closedPrompt(why), why },
    ],
  };
}
