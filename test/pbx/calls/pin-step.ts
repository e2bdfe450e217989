import type { IvrSignal } from '../../../shared/ivr-signal/ivr-signal';
import { closedPrompt, type EndPrompt, type GateClosedKind } from '../ivr/pin-entry';
import type { GateClosed, PinSession } from '../ivr/pin-gate-port';
import { closedSignal } from '../ivr/pin-signals';
import type { PromptName } from '../media/prompts';
import type { PinOutcome } from '../store/ports';
import type { CallContext } from './call-context';
import { ENDINGS, type CallEnding } from './call-endings';
import { PinIvr } from './pin-ivr';

/** What the PIN step needs of its call. */
export interface PinStepSide {
  /** Media for the prompts: answer first or early media (the PBX's prompt style). */
  present(): void;
  /** False when the media failed or the call ended meanwhile. */
  mediaReady(): Promise<boolean>;
  /** `toEnd` lets nothing cut the prompt short. */
  play(prompt: PromptName, toEnd?: boolean): Promise<boolean>;
  stopPrompt(): void;
  signal(signal: IvrSignal): void;
  /** The code was accepted: dial the far end (the call is already answered or in early media). */
  ringFarEnd(): void;
  /** Ends the call with this SIP answer. */
  end(ending: CallEnding): void;
}

/** The PIN's part in the call record. */
export interface PinReport {
  pinOutcome: PinOutcome;
  /** Present when the PIN IVR ran. */
  pin: { attempts: number; timeouts: number } | null;
  /** The label of the code that opened the call (issue #14), null otherwise. Never the code. */
  codeLabel?: string | null;
}

/**
 * The PIN step of a paid call: the gate's answer when the call arrives, then the PIN IVR
 * (pin-ivr.ts runs it; the gate decides and counts) until the code is accepted or the IVR ends the
 * call with the matching prompt and SIP answer.
 */
export class PinStep {
  private ivr: PinIvr | null = null;
  private state: 'idle' | 'pin' | 'passed' | 'ending' | 'left' = 'idle';
  private refusedAs: PinOutcome | null = null;
  private session: PinSession | null = null;

  constructor(
    private readonly context: CallContext,
    private readonly side: PinStepSide,
  ) {}

  /** Keys before the bridge: to the PIN IVR while it asks. */
  key(key: string): void {
    if (this.state === 'pin') this.ivr?.key(key);
  }

  async run(session: PinSession): Promise<void> {
    this.state = 'pin';
    this.session = session;
    const { pinGate, pinRules, log } = this.context;
    this.ivr = new PinIvr(session, pinGate, pinRules, this.ivrSide, log);
    this.side.present();
    if (!(await this.side.mediaReady())) return;
    this.ivr.start();
  }

  /** The gate is closed before the PIN is asked: the matching prompt, and no PIN entry at all. */
  async refuse(closed: GateClosed): Promise<void> {
    const why = closed.kind;
    // Another PIN entry in progress is not a lock (and not a guess).
    this.refusedAs = why === 'busy' ? 'busy' : 'locked';
    this.state = 'ending';
    this.side.present();
    if (!(await this.side.mediaReady())) return;
    this.side.signal(closedSignal(closed));
    await this.side.play(closedPrompt(why), true);
    this.side.end(ENDINGS[why]);
  }

  /**
   * The call ended. A code still being checked is decided and counted by the gate; `report` gets
   * the PIN's part of the call record once it has its verdict (at once without a PIN IVR).
   */
  leave(report: (pin: PinReport) => void): void {
    this.state = 'left';
    const ivr = this.ivr;
    if (!ivr) return report({ pinOutcome: this.refusedAs ?? 'not-required', pin: null, codeLabel: null });
    void ivr.leave().then(() =>
      report({
        pinOutcome: ivr.pinOutcome,
        pin: { attempts: ivr.pinAttempts, timeouts: ivr.timeouts },
        codeLabel: ivr.pinOutcome === 'ok' ? (this.session?.codeLabel ?? null) : null,
      }),
    );
  }

  private readonly ivrSide = {
    play: (prompt: PromptName) => void this.side.play(prompt),
    stopPrompt: () => this.side.stopPrompt(),
    bridge: () =>
      void this.side.play('pin-accepted').then(() => {
        if (this.state !== 'pin') return;
        this.state = 'passed';
        this.side.ringFarEnd();
      }),
    end: (prompt: EndPrompt, why: 'failed' | GateClosedKind) => void this.endIvr(prompt, why),
    signal: (signal: IvrSignal) => this.side.signal(this.withCodeLabel(signal)),
  };

  /**
   * The `accepted` and `connected` signals name the code's label (issue #14: "PIN von <label>"), when
   * there is one. `connected` too: in the early-media style `accepted` goes out before the answer and
   * is lost without 100rel. Public: `connected` comes from the far-end bridge, through the media call.
   */
  withCodeLabel(signal: IvrSignal): IvrSignal {
    const codeLabel = this.session?.codeLabel ?? null;
    if (codeLabel === null) return signal;
    return signal.phase === 'accepted' || signal.phase === 'connected' ? { ...signal, codeLabel } : signal;
  }

  /** The PIN IVR is over without a bridge: the prompt to the end, then the matching SIP answer. */
  private async endIvr(prompt: EndPrompt, why: 'failed' | GateClosedKind): Promise<void> {
    if (this.state !== 'pin') return;
    this.state = 'ending';
    await this.side.play(prompt, true);
    this.side.end(ENDINGS[why]);
  }
}
