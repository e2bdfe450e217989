import {
  awaitingVerdict,
  pinAttemptsOf,
  pinEntryTransition,
  pinOutcomeOf,
  type EndPrompt,
  type GateClosedKind,
  type PinEntryAction,
  type PinEntryEvent,
  type PinEntryRules,
  type PinEntryState,
  type PinPrompt,
} from '../ivr/pin-entry';
import type { PinGatePort, PinSession } from '../ivr/pin-gate-port';
import { pinSignals, type SignalFacts } from '../ivr/pin-signals';
import type { IvrSignal } from '../../../shared/ivr-signal/ivr-signal';
import type { PbxLog } from '../log';

/** What the PIN IVR needs from its call: prompts, and the two ways out (bridge or end). */
export interface PinIvrCall {
  /** Plays a prompt the caller may cut short by typing. */
  play(prompt: PinPrompt): void;
  stopPrompt(): void;
  /** The code was accepted: connect the call. */
  bridge(): void;
  /** The IVR is over without a bridge: play `prompt` to the end and hang up. */
  end(prompt: EndPrompt, why: 'failed' | GateClosedKind): void;
  /** Tells the phone where the IVR is (SIP INFO, `shared/ivr-signal/`); before the step's actions. */
  signal(signal: IvrSignal): void;
}

/**
 * Runs the PIN-entry state machine for one call against the PIN gate: keys in, prompts and gate
 * calls out. It never decides a code or counts toward a lock — the gate does, for every submitted
 * code — and it keeps asking the gate about codes in flight after the caller has gone, so those are
 * counted and the call record says what happened.
 */
export class PinIvr {
  private state: PinEntryState = { phase: 'idle' };
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private settled: (() => void)[] = [];
  private readonly facts: SignalFacts = { closed: null, wrongCodesLeftBeforeLock: null };

  constructor(
    private readonly session: PinSession,
    private readonly gate: PinGatePort,
    private readonly rules: PinEntryRules,
    private readonly call: PinIvrCall,
    private readonly log: PbxLog,
  ) {}

  /** Asks for the PIN. From now on a lock set elsewhere ends this call with the lock prompt. */
  start(): void {
    this.unsubscribe = this.gate.onClosed((extension, why) => {
      if (extension !== this.session.extension) return;
      this.facts.closed = why;
      this.dispatch({ type: 'gate-closed', why: why.kind });
    }, this.session);
    this.dispatch({ type: 'start' });
  }

  /** A key the caller typed (RFC 4733), before the bridge. */
  key(key: string): void {
    this.dispatch({ type: 'digit', digit: key });
  }

  /**
   * The call ended from outside (BYE, CANCEL, media lost, shutdown). Resolves once every code the
   * caller submitted — including keys typed without '#' — has its verdict.
   */
  leave(): Promise<void> {
    this.dispatch({ type: 'left' });
    return this.whenSettled();
  }

  get pinOutcome() {
    return pinOutcomeOf(this.state);
  }

  /** Wrong codes plus an accepted one; first-digit timeouts are not attempts. */
  get pinAttempts(): number {
    return pinAttemptsOf(this.state);
  }

  get timeouts(): number {
    return this.state.phase === 'idle' ? 0 : this.state.timeouts;
  }

  private whenSettled(): Promise<void> {
    if (!awaitingVerdict(this.state)) return Promise.resolve();
    return new Promise((resolve) => this.settled.push(resolve));
  }

  private dispatch(event: PinEntryEvent): void {
    const before = this.state;
    const { state, actions } = pinEntryTransition(this.state, event, this.rules);
    this.state = state;
    for (const signal of pinSignals(before, state, actions, this.rules, this.facts)) this.call.signal(signal);
    for (const action of actions) this.perform(action);
    if (!awaitingVerdict(this.state) && this.settled.length > 0) {
      const waiting = this.settled;
      this.settled = [];
      waiting.forEach((resolve) => resolve());
    }
  }

  private perform(action: PinEntryAction): void {
    switch (action.type) {
      case 'play':
        return this.call.play(action.prompt);
      case 'stop-prompt':
        return this.call.stopPrompt();
      case 'start-timer':
        this.clearTimer();
        this.timer = setTimeout(() => this.dispatch({ type: 'timeout' }), action.ms);
        return;
      case 'cancel-timer':
        return this.clearTimer();
      case 'verify':
        this.session.verify(action.code).then(
          (verdict) => {
            if (verdict.kind !== 'wrong') {
              if (verdict.kind !== 'accepted') this.facts.closed = verdict;
              return this.dispatch({ type: 'verdict', verdict: verdict.kind });
            }
            this.facts.wrongCodesLeftBeforeLock = verdict.wrongCodesLeftBeforeLock;
            // The code that used up the budget is counted and ends the call with the lock prompt,
            // even if the gate's notice comes later (or from a gate that only gives the budget).
            if (verdict.closes) this.facts.closed = verdict.closes;
            const closes = verdict.closes?.kind ?? (verdict.wrongCodesLeftBeforeLock <= 0 ? 'locked' : null);
            this.dispatch({ type: 'verdict', verdict: 'wrong', ...(closes ? { closes } : {}) });
          },
          (error: unknown) => {
            // The gate could not decide: end the call as if locked; never bridge on an error.
            this.log('pin-verify-failed', {
              callId: this.session.callId,
              error: error instanceof Error ? error.message : String(error),
            });
            this.dispatch({ type: 'verdict', verdict: 'locked' });
          },
        );
        return;
      case 'record-timeout':
        return this.session.recordTimeout();
      case 'close-session':
        this.clearTimer();
        this.unsubscribe?.();
        this.unsubscribe = null;
        return this.session.close();
      case 'bridge':
        return this.call.bridge();
      case 'end':
        return this.call.end(action.prompt, action.why);
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
