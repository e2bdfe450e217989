import { headerListHas } from '../../../shared/ivr-signal/ivr-signal';
import { answerDirection, directionOf, reviseAnswer, type Direction } from '../media/sdp';
import type { ServerLeg } from '../sip/legs';
import type { MessageExtras, SipRequest, SipResponse } from '../sip/message';
import type { PromptStyle } from './call-context';
import { TRANSFER_REASONS } from './transfer-target';

/** What the caller's in-dialog requests mean to the call (media-call.ts). */
export interface CallerDialogEvents {
  /** CANCEL before the answer: the 487 is already sent. */
  cancelled(): void;
  /** BYE from the caller: the 200 is already sent. */
  hungUp(): void;
  /** A re-INVITE (hold, resume) changed the caller's direction; already answered with 200. */
  directionChanged(direction: Direction): void;
}

/**
 * The caller's side of a media call as SIP: 100/180/183/200 with the PBX's SDP, BYE or a final
 * response to end it, and the in-dialog requests the caller sends. Knows no IVR and no far end.
 */
export class CallerDialog {
  /** When the INVITE was taken on, and when the PBX answered it (200 OK), for the call record. */
  readonly startedAt: number;
  answeredAt: number | null = null;
  private localSdp: string | null = null;

  constructor(
    private readonly leg: ServerLeg,
    private readonly now: () => number,
  ) {
    this.startedAt = now();
  }

  get answered(): boolean {
    return this.leg.answered;
  }

  /** Whether the caller's INVITE allows this method (`Allow`). */
  allows(method: string): boolean {
    return headerListHas(this.leg.invite.getHeaders('allow'), method);
  }

  /** Whether the caller takes INFO requests of this Info Package (`Recv-Info`, RFC 6086). */
  receivesInfo(infoPackage: string): boolean {
    return headerListHas(this.leg.invite.getHeaders('recv-info'), infoPackage);
  }

  listen(events: CallerDialogEvents): void {
    this.leg.attach({ onRequest: (request) => this.onRequest(request, events) });
  }

  respond(status: number, reason: string): void {
    this.leg.respond(status, reason);
  }

  /** The PBX's media is ready: answers and re-INVITEs carry this SDP from now on. */
  mediaReady(localSdp: string): void {
    this.localSdp = localSdp;
  }

  answer(headers: readonly string[] = []): void {
    if (this.leg.answered || !this.localSdp) return;
    this.answeredAt = this.now();
    this.leg.respond(200, 'OK', { body: this.localSdp, contentType: 'application/sdp', headers });
  }

  earlyMedia(): void {
    if (!this.localSdp) return;
    this.leg.respond(183, 'Session Progress', { body: this.localSdp, contentType: 'application/sdp' });
  }

  /** Media for a prompt before the call goes on: answer first (Asterisk) or early media (FreePBX). */
  present(style: PromptStyle): void {
    if (style === 'answer-first') this.answer();
    else this.earlyMedia();
  }

  request(method: string, extras: MessageExtras, onResponse: (response: SipResponse) => void): void {
    this.leg.request(method, extras, onResponse);
  }

  /**
   * Ends the dialog: BYE once answered, otherwise a final response (early-media style). The Reason
   * header says why, so the phone can tell the user.
   */
  end(reason?: string, status = 487, statusText = 'Request Terminated'): void {
    const headers = reason ? [reason] : [];
    if (this.leg.answered) this.leg.request('BYE', { headers });
    else this.leg.respond(status, statusText, { headers });
  }

  detach(): void {
    this.leg.detach();
  }

  private onRequest(request: SipRequest, events: CallerDialogEvents): void {
    switch (request.method) {
      case 'ACK':
        return;
      case 'CANCEL':
        this.leg.respondTo(request, 200, 'OK');
        if (!this.leg.answered) {
          this.leg.respond(487, 'Request Terminated');
          events.cancelled();
        }
        return;
      case 'BYE':
        this.leg.respondTo(request, 200, 'OK');
        events.hungUp();
        return;
      case 'INVITE': {
        // Hold/resume: same media, new direction. A re-INVITE never changes where the call goes.
        if (!this.localSdp) return this.leg.respondTo(request, 488, 'Not Acceptable Here');
        const direction = directionOf(request.body);
        events.directionChanged(direction);
        const revised = reviseAnswer(this.localSdp, answerDirection(direction));
        this.leg.respondTo(request, 200, 'OK', { body: revised, contentType: 'application/sdp' });
        return;
      }
      case 'REFER':
        // Transfers could hand a paid destination to the PBX without the IVR: never accepted, in
        // the PIN IVR or after it (only answered internal calls transfer: transfer-target.ts).
        this.leg.respondTo(request, 403, TRANSFER_REASONS.notInCall);
        return;
      default:
        // INFO (SIP INFO DTMF) and anything else: PIN digits count only in-band (RFC 4733).
        this.leg.respondTo(request, 405, 'Method Not Allowed', {
          headers: ['Allow: INVITE, ACK, CANCEL, BYE'],
        });
    }
  }
}
