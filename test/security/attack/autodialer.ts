import type { PbxAddresses } from '../../pbx/server';
import { PromptEar, PromptFingerprints } from '../../support/prompt-ear';
import { type CallOutcome, type TestCall, TestPhone, typeKeys } from '../../support/test-phone';
import type { WeriftPhoneMedia } from '../../support/werift-phone-media';

/**
 * The attacker's phone: sip.js over its own WebSocket with werift media (not the app), that hears the
 * PBX only the way an autodialer does — through the prompts' audio and SIP answers — and types codes
 * as RFC 4733 events. It never looks into the PBX.
 */
export interface Credentials {
  number: string;
  password: string;
}

/** The PBX's answer when the attacker reaches the PIN prompt (or does not). */
export type GateAnswer =
  { kind: 'open' } | { kind: 'refused'; heard: string | null; status?: number; reason?: string };

/** What the attacker hears after submitting a code. */
export type Verdict =
  | { kind: 'wrong'; callGoesOn: boolean }
  | { kind: 'accepted' }
  | { kind: 'refused'; heard: string | null; reason?: string }
  /** The call ended without anything the attacker could read as a verdict. */
  | { kind: 'unheard' };

let sharedFingerprints: PromptFingerprints | null = null;
const fingerprints = () => (sharedFingerprints ??= new PromptFingerprints());

/** A bounded wait for a promise; the attacker gives up on a call that hangs rather than the test. */
export function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    void promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

export class AttackPhone {
  private readonly ears = new Map<WeriftPhoneMedia, PromptEar>();

  private constructor(readonly credentials: Credentials) {}

  phone!: TestPhone;

  static async register(addresses: PbxAddresses, credentials: Credentials): Promise<AttackPhone> {
    const attacker = new AttackPhone(credentials);
    attacker.phone = await TestPhone.register(
      addresses.sipWebSocketUrl,
      addresses.realm,
      credentials.number,
      credentials.password,
      undefined,
      { onAudio: (payload, media) => attacker.earOf(media).feed(payload) },
    );
    return attacker;
  }

  earOf(media: WeriftPhoneMedia): PromptEar {
    let ear = this.ears.get(media);
    if (!ear) {
      ear = new PromptEar(fingerprints());
      this.ears.set(media, ear);
    }
    return ear;
  }

  dial(destination: string, earlyMedia: boolean): AttackCall {
    return new AttackCall(this.phone.call(destination, { earlyMedia }), this, earlyMedia);
  }

  /**
   * Ends the WebSocket without a BYE or CANCEL and stops the call's media: what a crashed dialer or a
   * lost network looks like (the PBX keeps a call over a dropped WebSocket while media flows, so the
   * phone can reconnect; it ends the call when the media stops).
   */
  async dropConnection(call?: AttackCall): Promise<void> {
    call?.call.media().close();
    await this.phone.ua.transport.disconnect().catch(() => {});
  }

  async stop(): Promise<void> {
    if (!this.phone.ua.isConnected()) {
      await this.phone.ua.stop().catch(() => {});
      return;
    }
    await within(this.phone.stop(), 10_000, undefined);
  }
}

export class AttackCall {
  private lastTypedAt = 0;
  private outcome: CallOutcome | null = null;

  constructor(
    readonly call: TestCall,
    private readonly phone: AttackPhone,
    private readonly earlyMedia: boolean,
  ) {
    void call.ended.then((outcome) => (this.outcome = outcome));
  }

  get callId(): string {
    return this.call.session.request.callId;
  }

  private get ear(): PromptEar {
    return this.phone.earOf(this.call.media());
  }

  /** The prompts heard so far (for traces). */
  heard(): readonly string[] {
    return this.ear.heard;
  }

  /** Waits until the PBX asks for the code, or says (by prompt or SIP) why it will not. */
  async gate(): Promise<GateAnswer> {
    const connected = this.earlyMedia ? this.call.early : this.call.established;
    const up = await Promise.race([
      connected.then(
        () => true,
        () => false,
      ),
      this.call.ended.then(() => false),
    ]);
    if (!up) return refusal(null, await this.call.ended);
    const heard = await within(this.ear.next([], this.call.ended), 30_000, null);
    if (heard === 'enter-pin') return { kind: 'open' };
    // A prompt that is not the PIN prompt is the refusal: the attacker hangs up at once.
    if (heard !== null) return refusal(heard, this.outcome ?? undefined);
    return refusal(null, await within(this.call.ended, 10_000, undefined));
  }

  /** Types a code and `#`; the verdict is whatever the PBX plays after the `#`. */
  async submit(code: string): Promise<void> {
    await typeKeys(this.call, code);
    this.lastTypedAt = this.ear.heard.length;
    await typeKeys(this.call, '#');
  }

  async verdict(): Promise<Verdict> {
    // Generous for a loaded machine (a verdict takes well under a second), and shorter than the
    // attack suite's prompt timeouts, so a PBX that never heard the code fails the test quickly.
    const heard = await within(this.ear.next([], this.call.ended, this.lastTypedAt), 15_000, null);
    switch (heard) {
      case 'wrong-pin':
      case 'enter-pin':
        return { kind: 'wrong', callGoesOn: true };
      case 'pin-failed-goodbye':
        return { kind: 'wrong', callGoesOn: false };
      case 'pin-accepted':
        return { kind: 'accepted' };
      case null: {
        // Nothing heard: the call ended (its SIP reason may say why) or the PBX stays silent.
        const outcome = this.outcome;
        if (!outcome) return { kind: 'unheard' };
        const reason = outcome?.reasonHeader ?? outcome?.rejectReason ?? '';
        if (/PIN authentication failed/i.test(reason)) return { kind: 'wrong', callGoesOn: false };
        if (/lock|quarantin|block|busy/i.test(reason)) return { kind: 'refused', heard: null, reason };
        return { kind: 'unheard' };
      }
      default:
        return { kind: 'refused', heard };
    }
  }

  /** BYE once answered, CANCEL while the prompt plays in early media. */
  async hangUp(): Promise<void> {
    await this.call.hangUp().catch(() => {});
  }

  ended(): Promise<CallOutcome | undefined> {
    return within(this.call.ended, 15_000, undefined);
  }
}

function refusal(heard: string | null, outcome: CallOutcome | undefined): GateAnswer {
  return {
    kind: 'refused',
    heard,
    ...(outcome?.rejectedWith !== undefined ? { status: outcome.rejectedWith } : {}),
    ...(outcome?.reasonHeader || outcome?.rejectReason
      ? { reason: outcome.reasonHeader ?? outcome.rejectReason }
      : {}),
  };
}
