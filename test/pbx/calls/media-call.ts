import {
  headerListHas,
  IVR_INFO_PACKAGE,
  IVR_SIGNAL_CONTENT_TYPE,
  IVR_SIGNAL_HEADERS,
  ivrSignalBody,
  type IvrSignal,
} from '../../../shared/ivr-signal/ivr-signal';
import { closedPrompt, type EndPrompt, type GateClosedKind } from '../ivr/pin-entry';
import type { GateClosed, PinSession } from '../ivr/pin-gate-port';
import { closedSignal } from '../ivr/pin-signals';
import { MediaEndpoint } from '../media/media-endpoint';
import { FramePlayer, type PromptName } from '../media/prompts';
import { answerDirection, directionOf, reviseAnswer } from '../media/sdp';
import type { FarEndCall } from '../pstn/far-end';
import type { SipRequest } from '../sip/message';
import type { PinOutcome } from '../store/ports';
import { REASONS, type ActiveCall, type CallContext, type CallSetup } from './call-context';
import type { Leg, ServerLeg } from '../sip/legs';
import { DEFAULT_MEDIA_TIMEOUT_MS, MediaWatch } from './media-watch';
import { PinIvr } from './pin-ivr';

/** The SIP answer for each way the IVR ends without a bridge. */
const ENDINGS: Record<
  'failed' | GateClosedKind,
  { result: string; reason: string; status: number; text: string }
> = {
  failed: { result: 'pin-failed', reason: REASONS.pinFailed, status: 403, text: 'PIN Authentication Failed' },
  locked: { result: 'locked', reason: REASONS.locked, status: 403, text: 'Paid Calls Locked' },
  'source-blocked': {
    result: 'source-blocked',
    reason: REASONS.locked,
    status: 403,
    text: 'Paid Calls Locked',
  },
  quarantined: { result: 'quarantined', reason: REASONS.quarantined, status: 403, text: 'Paid Calls Locked' },
  busy: { result: 'pin-busy', reason: REASONS.pinBusy, status: 486, text: 'PIN Entry In Progress' },
};

type Phase = 'setup' | 'ivr-app' | 'pin' | 'ringing' | 'bridged' | 'ending' | 'ended';

/**
 * A call the PBX answers with its own media: IVR applications (voicemail, echo test) and every call
 * to the PSTN side (paid, toll-free, emergency). For a paid call from an extension with IVR
 * authentication the PIN IVR runs first; only after the code is verified is the far end dialled and
 * the media bridged — the PIN digits are swallowed and never reach it.
 */
export class MediaCall implements ActiveCall {
  readonly id: string;
  private endpoint: MediaEndpoint | null = null;
  private player: FramePlayer | null = null;
  private farEnd: FarEndCall | null = null;
  private phase: Phase = 'setup';
  private ivr: PinIvr | null = null;
  private pinOutcome: PinOutcome = 'not-required';
  /** Ends the call when the caller's RTP stops (not on hold): no far-end leg outlives the caller. */
  private readonly mediaWatch: MediaWatch;
  private readonly startedAt: number;
  private answeredAt: number | null = null;
  private result = 'failed';
  /** IVR signals sent so far (their `seq`); only to a phone that asked (`Recv-Info: tollgate-ivr`). */
  private signalsSent = 0;
  private readonly wantsSignals: boolean;

  constructor(
    private readonly caller: ServerLeg,
    private readonly setup: CallSetup,
    private readonly context: CallContext,
  ) {
    this.id = caller.callId;
    this.startedAt = context.now();
    this.wantsSignals = headerListHas(caller.invite.getHeaders('recv-info'), IVR_INFO_PACKAGE);
    this.mediaWatch = new MediaWatch(
      context.mediaTimeoutMs ?? DEFAULT_MEDIA_TIMEOUT_MS,
      directionOf(caller.invite.body),
      () => {
        this.context.log('media-timeout', { callId: this.id });
        this.hangUp('media-timeout', REASONS.mediaTimeout);
      },
    );
  }

  private get language() {
    return this.setup.caller.language;
  }

  private get destination(): string {
    const c = this.setup.classification;
    switch (c.callClass) {
      case 'internal':
        return c.extension;
      case 'ivr-app':
        return c.code;
      case 'emergency':
        return c.number;
      default:
        return c.e164;
    }
  }

  /** Decided by routing with `requiresPin`, the one shared rule (routing/invite-router.ts). */
  private get pinRequired(): boolean {
    return this.setup.pinRequired;
  }

  async start(): Promise<void> {
    this.caller.attach(this.callerSide);
    this.caller.respond(100, 'Trying');
    try {
      this.endpoint = await MediaEndpoint.answer(this.caller.invite.body);
    } catch (error) {
      this.context.log('media-failed', {
        callId: this.id,
        error: error instanceof Error ? error.message : String(error),
      });
      this.caller.respond(488, 'Not Acceptable Here');
      return this.finish('media-failed');
    }
    if (this.phase === 'ended') return void this.endpoint.close();
    const endpoint = this.endpoint;
    this.player = new FramePlayer((frame, first) => endpoint.sendAudioFrame(frame, first));
    endpoint.on({
      onDtmf: (key, timestamp) => this.onDtmf(key, timestamp),
      onRtp: (packet, kind) => {
        this.mediaWatch.packet();
        if (this.phase === 'bridged') this.farEnd?.receive(packet, kind);
        else if (
          this.phase === 'ivr-app' &&
          this.setup.classification.callClass === 'ivr-app' &&
          kind === 'audio'
        ) {
          if (this.setup.classification.app === 'echo-test' && !this.player?.playing)
            endpoint.sendAudioFrame(packet.payload);
        }
      },
      onConnectionState: (state) => {
        if ((state === 'failed' || state === 'closed') && this.phase !== 'ended') this.hangUp('media-lost');
      },
    });

    // ICE/DTLS failure ends the call at once (onConnectionState); silence ends it after the timeout.
    endpoint.connected().then(
      () => this.phase !== 'ended' && this.mediaWatch.start(),
      () => {},
    );

    const classification = this.setup.classification;
    if (classification.callClass === 'ivr-app') return this.runIvrApp(classification.app);
    if (this.pinRequired) {
      const gate = this.context.pinGate.open(
        this.setup.caller.number,
        this.caller.connection.remoteAddress,
        this.id,
      );
      if ('kind' in gate) return this.refuse(gate);
      return this.runPinIvr(gate);
    }
    return this.ringFarEnd(true);
  }

  terminate(): void {
    this.hangUp('terminated');
  }

  // — IVR applications —

  private async runIvrApp(app: 'voicemail' | 'echo-test'): Promise<void> {
    this.phase = 'ivr-app';
    this.answer();
    if (!(await this.mediaReady())) return;
    const completed = await this.play(app === 'voicemail' ? 'voicemail-empty' : 'echo-test');
    if (app === 'voicemail' && completed && this.phase === 'ivr-app') this.hangUp('completed', REASONS.done);
  }

  // — PIN IVR (pin-ivr.ts runs it; the gate decides and counts) —

  private async runPinIvr(session: PinSession): Promise<void> {
    this.phase = 'pin';
    this.ivr = new PinIvr(
      session,
      this.context.pinGate,
      this.context.pinRules,
      this.ivrSide,
      this.context.log,
    );
    if (this.context.promptStyle === 'answer-first') this.answer();
    else this.earlyMedia();
    if (!(await this.mediaReady())) return;
    this.ivr.start();
  }

  private readonly ivrSide = {
    play: (prompt: PromptName) => void this.play(prompt),
    stopPrompt: () => this.player?.stop(),
    bridge: () =>
      void this.play('pin-accepted').then(() => {
        if (this.phase === 'pin') void this.ringFarEnd(false);
      }),
    end: (prompt: EndPrompt, why: 'failed' | GateClosedKind) => void this.endIvr(prompt, why),
    signal: (signal: IvrSignal) => this.signal(signal),
  };

  private onDtmf(key: string, timestamp: number): void {
    this.mediaWatch.packet();
    if (this.phase === 'bridged') return; // After the bridge, keys belong to the far end.
    // Every key before the bridge is kept from the far end, including its repeated end packets.
    this.endpoint?.swallowEvent(timestamp);
    if (this.phase === 'pin') this.ivr?.key(key);
  }

  /** The PIN IVR is over without a bridge: the prompt to the end, then the matching SIP answer. */
  private async endIvr(prompt: EndPrompt, why: 'failed' | GateClosedKind): Promise<void> {
    if (this.phase !== 'pin') return;
    this.phase = 'ending';
    await this.play(prompt, true);
    const ending = ENDINGS[why];
    this.hangUp(ending.result, ending.reason, ending.status, ending.text);
  }

  /** The gate is closed before the PIN is asked: the matching prompt, and no PIN entry at all. */
  private async refuse(closed: GateClosed): Promise<void> {
    const why = closed.kind;
    // Another PIN entry in progress is not a lock (and not a guess).
    this.pinOutcome = why === 'busy' ? 'busy' : 'locked';
    this.phase = 'ending';
    if (this.context.promptStyle === 'answer-first') this.answer();
    else this.earlyMedia();
    if (!(await this.mediaReady())) return;
    this.signal(closedSignal(closed));
    await this.play(closedPrompt(why), true);
    const ending = ENDINGS[why];
    this.hangUp(ending.result, ending.reason, ending.status, ending.text);
  }

  // — PSTN side —

  private async ringFarEnd(answerWhenFarEndAnswers: boolean): Promise<void> {
    if (this.phase === 'ended' || this.phase === 'ending') return;
    this.phase = 'ringing';
    const endpoint = this.endpoint;
    if (!endpoint) return;
    const farEnd = this.context.farEnd.dial(
      this.id,
      this.setup.caller.number,
      this.destination,
      this.setup.classification.callClass,
    );
    this.farEnd = farEnd;
    if (answerWhenFarEndAnswers) this.caller.respond(180, 'Ringing');
    this.signal({ phase: 'ringing', destination: this.destination });
    await farEnd.answerAfter(this.context.farEnd.ringMs, (frame) => endpoint.sendAudioFrame(frame));
    if (this.phase !== 'ringing') return farEnd.hangUp();
    this.phase = 'bridged';
    this.connected();
    this.context.log('call-bridged', { callId: this.id, callClass: this.setup.classification.callClass });
  }

  /**
   * The destination answered. Its identity goes to the phone: in the 200 OK when the call is
   * answered only now (early-media style, calls without PIN), else in an RFC 4916 connected-identity
   * UPDATE (no SDP) to a phone that allows UPDATE — P-Asserted-Identity (RFC 3325) carries it, From
   * stays as it was. And the `connected` IVR signal, which sip.js phones can read (sip.js 0.21 answers
   * every UPDATE with 405 without showing it to the application).
   */
  private connected(): void {
    const identity = `P-Asserted-Identity: <sip:${this.destination}@${this.context.domain};user=phone>`;
    if (!this.caller.answered) this.answer([identity]);
    else if (headerListHas(this.caller.invite.getHeaders('allow'), 'UPDATE'))
      this.caller.request('UPDATE', { headers: [identity] }, (response) => {
        // Any answer is fine (sip.js: 405); the call goes on whatever the phone says.
        const status = response.statusCode ?? 0;
        if (status >= 300) this.context.log('connected-identity-refused', { callId: this.id, status });
      });
    this.signal({ phase: 'connected', destination: this.destination });
  }

  /**
   * Tells the phone where the IVR is: SIP INFO (RFC 6086) with the `tollgate-ivr` Info Package, only
   * to a phone that asked for it (`Recv-Info`) and only in the confirmed dialog — an early dialog
   * without reliable provisional responses carries none (sip.js 0.21 answers those with 469). Any
   * answer is fine; a refusal or no answer never ends the call. Never a digit or the code.
   */
  private signal(signal: IvrSignal): void {
    if (!this.wantsSignals || !this.caller.answered || this.phase === 'ended') return;
    const seq = ++this.signalsSent;
    this.context.log('ivr-signal', { callId: this.id, phase: signal.phase, seq });
    this.caller.request(
      'INFO',
      {
        headers: IVR_SIGNAL_HEADERS,
        body: ivrSignalBody(signal, seq),
        contentType: IVR_SIGNAL_CONTENT_TYPE,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300) this.context.log('ivr-signal-refused', { callId: this.id, seq, status });
      },
    );
  }

  // — media and signalling helpers —

  private answer(headers: readonly string[] = []): void {
    if (this.caller.answered || !this.endpoint) return;
    this.answeredAt = this.context.now();
    this.caller.respond(200, 'OK', {
      body: this.endpoint.localSdp,
      contentType: 'application/sdp',
      headers,
    });
  }

  private earlyMedia(): void {
    if (!this.endpoint) return;
    this.caller.respond(183, 'Session Progress', {
      body: this.endpoint.localSdp,
      contentType: 'application/sdp',
    });
  }

  private async mediaReady(): Promise<boolean> {
    try {
      await this.endpoint?.connected();
      return this.phase !== 'ended';
    } catch {
      this.hangUp('media-failed');
      return false;
    }
  }

  /** Plays a prompt in the extension's language; `toEnd` lets nothing cut it short. */
  private async play(prompt: PromptName, toEnd = false): Promise<boolean> {
    if (!this.player || this.isEnded()) return false;
    const frames = this.context.prompts.get(this.language, prompt);
    const completed = await this.player.play(frames);
    if (!completed && toEnd && !this.isEnded()) return this.play(prompt, toEnd);
    return completed;
  }

  /**
   * Ends the call: BYE once answered, otherwise a final response (early-media style). The Reason
   * header says why, so the phone can tell the user.
   */
  private hangUp(result: string, reason?: string, status = 487, statusText = 'Request Terminated'): void {
    if (this.phase === 'ended') return;
    const headers = reason ? [reason] : [];
    if (this.caller.answered) this.caller.request('BYE', { headers });
    else this.caller.respond(status, statusText, { headers });
    this.finish(result);
  }

  /** A method, not a comparison, so TypeScript does not narrow `phase` across awaits. */
  private isEnded(): boolean {
    return this.phase === 'ended';
  }

  private readonly callerSide: Leg = {
    onRequest: (request: SipRequest) => {
      switch (request.method) {
        case 'ACK':
          return;
        case 'CANCEL':
          this.caller.respondTo(request, 200, 'OK');
          if (!this.caller.answered) {
            this.caller.respond(487, 'Request Terminated');
            this.finish('cancelled');
          }
          return;
        case 'BYE':
          this.caller.respondTo(request, 200, 'OK');
          this.finish(this.phase === 'bridged' || this.phase === 'ivr-app' ? 'completed' : 'abandoned');
          return;
        case 'INVITE': {
          // Hold/resume: same media, new direction. A re-INVITE never changes where the call goes.
          const sdp = this.endpoint?.localSdp;
          if (!sdp) return this.caller.respondTo(request, 488, 'Not Acceptable Here');
          const direction = directionOf(request.body);
          this.mediaWatch.directionChanged(direction);
          const revised = reviseAnswer(sdp, answerDirection(direction));
          this.caller.respondTo(request, 200, 'OK', { body: revised, contentType: 'application/sdp' });
          return;
        }
        case 'REFER':
          // Transfers could hand a paid destination to the PBX without the IVR: never accepted.
          this.caller.respondTo(request, 403, 'Forbidden');
          return;
        default:
          // INFO (SIP INFO DTMF) and anything else: PIN digits count only in-band (RFC 4733).
          this.caller.respondTo(request, 405, 'Method Not Allowed', {
            headers: ['Allow: INVITE, ACK, CANCEL, BYE'],
          });
      }
    },
  };

  private finish(result: string): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.result = result;
    this.mediaWatch.stop();
    this.player?.stop();
    this.farEnd?.hangUp();
    void this.endpoint?.close();
    this.caller.detach();
    this.context.callEnded(this);
    const endedAt = this.context.now();
    // A code still being checked is decided and counted by the gate; the record waits for its verdict.
    const ivr = this.ivr;
    if (!ivr) return this.record(endedAt, this.pinOutcome, 0);
    void ivr.leave().then(() => this.record(endedAt, ivr.pinOutcome, ivr.pinAttempts, ivr.timeouts));
  }

  private record(endedAt: number, pinOutcome: PinOutcome, pinAttempts: number, pinTimeouts = 0): void {
    try {
      this.context.db.insertCallRecord({
        callId: this.id,
        caller: this.setup.caller.number,
        destination: this.destination,
        callClass: this.setup.classification.callClass,
        pinOutcome,
        pinAttempts,
        pinTimeouts,
        result: this.result,
        startedAt: this.startedAt,
        answeredAt: this.answeredAt,
        endedAt,
      });
    } catch (error) {
      // Only after shutdown closed the database while a verdict was in flight.
      this.context.log('call-record-failed', {
        callId: this.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    this.context.log('call-ended', {
      callId: this.id,
      callClass: this.setup.classification.callClass,
      caller: this.setup.caller.number,
      pinOutcome,
      ...(this.ivr ? { pinAttempts, pinTimeouts: this.ivr.timeouts } : {}),
      result: this.result,
    });
  }
}
