import type { IvrSignal } from '../../../shared/ivr-signal/ivr-signal';
import { MediaEndpoint } from '../media/media-endpoint';
import { FramePlayer, type PromptName } from '../media/prompts';
import { directionOf } from '../media/sdp';
import type { ServerLeg } from '../sip/legs';
import { REASONS, type ActiveCall, type CallContext, type CallSetup } from './call-context';
import { recordCall } from './call-record';
import { CallerDialog } from './caller-dialog';
import { FarEndBridge } from './far-end-bridge';
import { IvrApp } from './ivr-app';
import { IvrSignaller } from './ivr-signaller';
import { DEFAULT_MEDIA_TIMEOUT_MS, MediaWatch } from './media-watch';
import { PinStep, type PinReport } from './pin-step';

/**
 * A call the PBX answers with its own media: IVR applications (voicemail, echo test) and every call
 * to the PSTN side (paid, toll-free, emergency). For a paid call from an extension with IVR
 * authentication the PIN IVR runs first; only after the code is verified is the far end dialled and
 * the media bridged — the PIN digits are swallowed and never reach it. This class wires the parts:
 * the caller's dialog (caller-dialog.ts), an IVR application (ivr-app.ts) or the PIN step (pin-step.ts),
 * the far end (far-end-bridge.ts), IVR signals (ivr-signaller.ts) and the call record (call-record.ts).
 */
export class MediaCall implements ActiveCall {
  readonly id: string;
  private endpoint: MediaEndpoint | null = null;
  private player: FramePlayer | null = null;
  private ended = false;
  private app: IvrApp | null = null;
  private pin: PinStep | null = null;
  private readonly dialog: CallerDialog;
  private readonly signaller: IvrSignaller;
  private readonly bridge: FarEndBridge;
  /** Ends the call when the caller's RTP stops (not on hold): no far-end leg outlives the caller. */
  private readonly mediaWatch: MediaWatch;

  constructor(
    private readonly caller: ServerLeg,
    private readonly setup: CallSetup,
    private readonly context: CallContext,
  ) {
    this.id = caller.callId;
    this.dialog = new CallerDialog(caller, context.now);
    this.signaller = new IvrSignaller(this.dialog, this.id, context.log);
    this.bridge = new FarEndBridge(context, setup, this.id, {
      dialog: this.dialog,
      signal: (signal) => this.signal(signal),
      sendAudio: (frame) => this.endpoint?.sendAudioFrame(frame),
    });
    this.mediaWatch = new MediaWatch(
      context.mediaTimeoutMs ?? DEFAULT_MEDIA_TIMEOUT_MS,
      directionOf(caller.invite.body),
      () => {
        this.context.log('media-timeout', { callId: this.id });
        this.hangUp('media-timeout', REASONS.mediaTimeout);
      },
    );
  }

  async start(): Promise<void> {
    this.dialog.listen({
      cancelled: () => this.finish('cancelled'),
      hungUp: () => this.finish(this.bridge.bridged || this.app ? 'completed' : 'abandoned'),
      directionChanged: (direction) => this.mediaWatch.directionChanged(direction),
    });
    this.dialog.respond(100, 'Trying');
    try {
      this.endpoint = await MediaEndpoint.answer(this.caller.invite.body);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.context.log('media-failed', { callId: this.id, error: message });
      this.dialog.respond(488, 'Not Acceptable Here');
      return this.finish('media-failed');
    }
    const endpoint = this.endpoint;
    this.dialog.mediaReady(endpoint.localSdp);
    if (this.ended) return void endpoint.close();
    this.player = new FramePlayer((frame, first) => endpoint.sendAudioFrame(frame, first));
    endpoint.on({
      onDtmf: (key, timestamp) => this.onDtmf(key, timestamp),
      onRtp: (packet, kind) => {
        this.mediaWatch.packet();
        this.bridge.receive(packet, kind);
        if (kind === 'audio') this.app?.audio(packet.payload);
      },
      onConnectionState: (state) => {
        if ((state === 'failed' || state === 'closed') && !this.ended) this.hangUp('media-lost');
      },
    });
    // ICE/DTLS failure ends the call at once (onConnectionState); silence ends it after the timeout.
    endpoint.connected().then(
      () => !this.ended && this.mediaWatch.start(),
      () => {},
    );

    const classification = this.setup.classification;
    if (classification.callClass === 'ivr-app') return this.runIvrApp(classification.app);
    // Decided by routing with `requiresPin`, the one shared rule (routing/invite-router.ts).
    if (this.setup.pinRequired) {
      const remote = this.caller.connection.remoteAddress;
      const gate = this.context.pinGate.open(this.setup.caller.number, remote, this.id);
      const pin = this.pinStep();
      return 'kind' in gate ? pin.refuse(gate) : pin.run(gate);
    }
    return this.ringFarEnd(true);
  }

  terminate(): void {
    this.hangUp('terminated');
  }

  private runIvrApp(name: 'voicemail' | 'echo-test'): Promise<void> {
    this.app = new IvrApp(name, {
      answer: () => this.dialog.answer(),
      mediaReady: () => this.mediaReady(),
      play: (prompt) => this.play(prompt),
      playing: () => this.player?.playing ?? false,
      sendAudio: (payload) => this.endpoint?.sendAudioFrame(payload),
      done: () => this.hangUp('completed', REASONS.done),
    });
    return this.app.run();
  }

  private onDtmf(key: string, timestamp: number): void {
    this.mediaWatch.packet();
    if (this.bridge.bridged) return; // After the bridge, keys belong to the far end.
    // Every key before the bridge is kept from the far end, including its repeated end packets.
    this.endpoint?.swallowEvent(timestamp);
    this.pin?.key(key);
  }

  private pinStep(): PinStep {
    this.pin = new PinStep(this.context, {
      present: () => this.dialog.present(this.context.promptStyle),
      mediaReady: () => this.mediaReady(),
      play: (prompt, toEnd) => this.play(prompt, toEnd),
      stopPrompt: () => this.player?.stop(),
      signal: (signal) => this.signal(signal),
      ringFarEnd: () => void this.ringFarEnd(false),
      end: (ending) => this.hangUp(ending.result, ending.reason, ending.status, ending.text),
    });
    return this.pin;
  }

  private ringFarEnd(answerWhenFarEndAnswers: boolean): Promise<void> | undefined {
    if (this.ended || !this.endpoint) return;
    return this.bridge.ring(answerWhenFarEndAnswers);
  }

  private signal(signal: IvrSignal): void {
    // The code's label on accepted and connected (issue #14, early media loses accepted).
    this.signaller.send(this.pin ? this.pin.withCodeLabel(signal) : signal, this.ended);
  }

  private async mediaReady(): Promise<boolean> {
    try {
      await this.endpoint?.connected();
      return !this.ended;
    } catch {
      this.hangUp('media-failed');
      return false;
    }
  }

  /** Plays a prompt in the extension's language; `toEnd` lets nothing cut it short. */
  private async play(prompt: PromptName, toEnd = false): Promise<boolean> {
    if (!this.player || this.ended) return false;
    const completed = await this.player.play(this.context.prompts.get(this.setup.caller.language, prompt));
    if (!completed && toEnd && !this.ended) return this.play(prompt, toEnd);
    return completed;
  }

  private hangUp(result: string, reason?: string, status?: number, statusText?: string): void {
    if (this.ended) return;
    this.dialog.end(reason, status, statusText);
    this.finish(result);
  }

  private finish(result: string): void {
    if (this.ended) return;
    this.ended = true;
    this.mediaWatch.stop();
    this.app?.stop();
    this.player?.stop();
    this.bridge.drop();
    void this.endpoint?.close();
    this.dialog.detach();
    this.context.callEnded(this);
    const { startedAt, answeredAt } = this.dialog;
    const outcome = { callId: this.id, result, startedAt, answeredAt, endedAt: this.context.now() };
    const record = (pin: PinReport) => recordCall(this.context, this.setup, { ...outcome, ...pin });
    if (this.pin) this.pin.leave(record);
    else record({ pinOutcome: 'not-required', pin: null });
  }
}
