import { isLocked, lockAfterFailure } from '../ivr/lockout';
import {
  pinEntryTransition,
  type PinEntryAction,
  type PinEntryEvent,
  type PinEntryState,
} from '../ivr/pin-entry';
import { MediaEndpoint } from '../media/media-endpoint';
import { FramePlayer, type PromptName } from '../media/prompts';
import { answerDirection, directionOf, reviseAnswer } from '../media/sdp';
import type { FarEndCall } from '../pstn/far-end';
import type { SipRequest } from '../sip/message';
import type { PinOutcome } from '../store/database';
import { REASONS, type ActiveCall, type CallContext, type CallSetup } from './call-context';
import type { Leg, ServerLeg } from './legs';

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
  private pin: PinEntryState = { phase: 'idle' };
  private pinTimer: NodeJS.Timeout | null = null;
  private pinOutcome: PinOutcome = 'not-required';
  private readonly startedAt: number;
  private answeredAt: number | null = null;
  private result = 'failed';

  constructor(
    private readonly caller: ServerLeg,
    private readonly setup: CallSetup,
    private readonly context: CallContext,
  ) {
    this.id = caller.callId;
    this.startedAt = context.now();
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

  private get pinRequired(): boolean {
    return (
      this.setup.classification.callClass === 'external' &&
      this.setup.caller.ivrAuthentication &&
      this.context.db.pinProtectionProduct(this.setup.caller.number) !== null
    );
  }

  async start(): Promise<void> {
    this.caller.attach(this.callerSide);
    this.caller.respond(100, 'Trying');
    try {
      this.endpoint = await MediaEndpoint.answer(this.caller.invite.body, this.context.dropInboundRtp);
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

    const classification = this.setup.classification;
    if (classification.callClass === 'ivr-app') return this.runIvrApp(classification.app);
    if (this.pinRequired) {
      const lockedUntil = this.context.db.findExtension(this.setup.caller.number)?.lockedUntil ?? null;
      if (isLocked(lockedUntil, this.context.now())) return this.refuseLocked();
      return this.runPinIvr();
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

  // — PIN IVR —

  private async runPinIvr(): Promise<void> {
    this.phase = 'pin';
    this.pinOutcome = 'abandoned';
    if (this.context.promptStyle === 'answer-first') this.answer();
    else this.earlyMedia();
    if (!(await this.mediaReady())) return;
    this.dispatch({ type: 'start' });
  }

  private onDtmf(key: string, timestamp: number): void {
    this.context.onDtmfDetected?.(this.id, timestamp);
    if (this.phase === 'bridged') return; // After the bridge, keys belong to the far end.
    // Every key before the bridge is kept from the far end, including its repeated end packets.
    this.endpoint?.swallowEvent(timestamp);
    if (this.phase === 'pin') this.dispatch({ type: 'digit', digit: key });
  }

  private dispatch(event: PinEntryEvent): void {
    const { state, actions } = pinEntryTransition(this.pin, event, this.context.pinRules);
    this.pin = state;
    for (const action of actions) this.perform(action);
  }

  private perform(action: PinEntryAction): void {
    switch (action.type) {
      case 'play':
        if (action.prompt !== 'pin-failed-goodbye' && action.prompt !== 'pin-accepted')
          void this.play(action.prompt);
        return;
      case 'stop-prompt':
        this.player?.stop();
        return;
      case 'start-timer':
        if (this.pinTimer) clearTimeout(this.pinTimer);
        this.pinTimer = setTimeout(() => this.dispatch({ type: 'timeout' }), action.ms);
        return;
      case 'cancel-timer':
        if (this.pinTimer) clearTimeout(this.pinTimer);
        this.pinTimer = null;
        return;
      case 'verify':
        void this.context.db
          .verifyUnlockCode(this.setup.caller.number, action.code)
          .then((ok) => this.phase === 'pin' && this.dispatch({ type: 'verified', ok }));
        return;
      case 'bridge':
        this.pinOutcome = 'ok';
        void this.play('pin-accepted').then(() => {
          if (this.phase === 'pin') void this.ringFarEnd(false);
        });
        return;
      case 'hang-up':
        void this.failPin();
        return;
    }
  }

  private async failPin(): Promise<void> {
    this.pinOutcome = 'failed';
    this.phase = 'ending';
    const now = this.context.now();
    const failures = this.context.db.recordPinFailure(this.setup.caller.number, now);
    const lockUntil = lockAfterFailure(failures, now, this.context.lockoutRules);
    if (lockUntil !== null) {
      this.context.db.lock(this.setup.caller.number, lockUntil);
      this.context.log('extension-locked', {
        extension: this.setup.caller.number,
        until: new Date(lockUntil).toISOString(),
      });
      this.context.policyChanged([this.setup.caller.number]);
    }
    await this.play('pin-failed-goodbye', true);
    this.hangUp('pin-failed', REASONS.pinFailed, 403, 'PIN Authentication Failed');
  }

  private async refuseLocked(): Promise<void> {
    this.pinOutcome = 'locked';
    this.phase = 'ending';
    if (this.context.promptStyle === 'answer-first') this.answer();
    else this.earlyMedia();
    if (!(await this.mediaReady())) return;
    await this.play('locked', true);
    this.hangUp('locked', REASONS.locked, 403, 'Paid Calls Locked');
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
    await farEnd.answerAfter(this.context.farEnd.ringMs, (frame) => endpoint.sendAudioFrame(frame));
    if (this.phase !== 'ringing') return farEnd.hangUp();
    this.phase = 'bridged';
    if (!this.caller.answered) this.answer();
    this.context.log('call-bridged', { callId: this.id, callClass: this.setup.classification.callClass });
  }

  // — media and signalling helpers —

  private answer(): void {
    if (this.caller.answered || !this.endpoint) return;
    this.answeredAt = this.context.now();
    this.caller.respond(200, 'OK', { body: this.endpoint.localSdp, contentType: 'application/sdp' });
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
          const revised = reviseAnswer(sdp, answerDirection(directionOf(request.body)));
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
    if (this.pinTimer) clearTimeout(this.pinTimer);
    this.player?.stop();
    this.farEnd?.hangUp();
    void this.endpoint?.close();
    this.caller.detach();
    this.context.db.insertCallRecord({
      callId: this.id,
      caller: this.setup.caller.number,
      destination: this.destination,
      callClass: this.setup.classification.callClass,
      pinOutcome: this.pinOutcome,
      pinAttempts: this.pin.phase === 'idle' ? 0 : this.pin.attempts,
      result: this.result,
      startedAt: this.startedAt,
      answeredAt: this.answeredAt,
      endedAt: this.context.now(),
    });
    this.context.log('call-ended', {
      callId: this.id,
      callClass: this.setup.classification.callClass,
      caller: this.setup.caller.number,
      pinOutcome: this.pinOutcome,
      result,
    });
    this.context.callEnded(this);
  }
}
