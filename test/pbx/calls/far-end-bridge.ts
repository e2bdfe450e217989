import type { RtpPacket } from 'werift';
import type { IvrSignal } from '../../../shared/ivr-signal/ivr-signal';
import type { FarEndCall } from '../pstn/far-end';
import type { CallContext, CallSetup } from './call-context';
import { destinationOf } from './call-record';
import type { CallerDialog } from './caller-dialog';

/** What the bridge needs of its call: the caller's dialog, IVR signals, audio to the caller. */
export interface BridgeSide {
  dialog: CallerDialog;
  signal(signal: IvrSignal): void;
  sendAudio(frame: Buffer): void;
}

/**
 * The PSTN side of a media call: dials the far end, lets the caller hear it ring, and once it
 * answers passes the caller's packets on to it. Dropped when the call ends, in any state.
 */
export class FarEndBridge {
  private call: FarEndCall | null = null;
  private state: 'idle' | 'ringing' | 'bridged' | 'dropped' = 'idle';

  constructor(
    private readonly context: CallContext,
    private readonly setup: CallSetup,
    private readonly callId: string,
    private readonly side: BridgeSide,
  ) {}

  /** The far end answered and the media is bridged. */
  get bridged(): boolean {
    return this.state === 'bridged';
  }

  /** `answerWhenFarEndAnswers`: the caller hears 180 and is answered only now (calls without PIN). */
  async ring(answerWhenFarEndAnswers: boolean): Promise<void> {
    if (this.state !== 'idle') return;
    this.state = 'ringing';
    const destination = destinationOf(this.setup.classification);
    const callClass = this.setup.classification.callClass;
    const farEnd = this.context.farEnd.dial(this.callId, this.setup.caller.number, destination, callClass);
    this.call = farEnd;
    if (answerWhenFarEndAnswers) this.side.dialog.respond(180, 'Ringing');
    this.side.signal({ phase: 'ringing', destination });
    await farEnd.answerAfter(this.context.farEnd.ringMs, (frame) => this.side.sendAudio(frame));
    if (this.state !== 'ringing') return farEnd.hangUp();
    this.state = 'bridged';
    this.connected(destination);
    this.context.log('call-bridged', { callId: this.callId, callClass });
  }

  /** A packet from the caller: the far end gets it once bridged (keys then belong to it). */
  receive(packet: RtpPacket, kind: 'audio' | 'telephone-event'): void {
    if (this.state === 'bridged') this.call?.receive(packet, kind);
  }

  drop(): void {
    this.state = 'dropped';
    this.call?.hangUp();
  }

  /**
   * The destination answered. Its identity goes to the phone: in the 200 OK when the call is
   * answered only now (early-media style, calls without PIN), else in an RFC 4916 connected-identity
   * UPDATE (no SDP) to a phone that allows UPDATE — P-Asserted-Identity (RFC 3325) carries it, From
   * stays as it was. And the `connected` IVR signal, which sip.js phones can read (sip.js 0.21 answers
   * every UPDATE with 405 without showing it to the application).
   */
  private connected(destination: string): void {
    const { dialog } = this.side;
    const identity = `P-Asserted-Identity: <sip:${destination}@${this.context.domain};user=phone>`;
    if (!dialog.answered) dialog.answer([identity]);
    else if (dialog.allows('UPDATE'))
      dialog.request('UPDATE', { headers: [identity] }, (response) => {
        // Any answer is fine (sip.js: 405); the call goes on whatever the phone says.
        const status = response.statusCode ?? 0;
        if (status >= 300) this.context.log('connected-identity-refused', { callId: this.callId, status });
      });
    this.side.signal({ phase: 'connected', destination });
  }
}
