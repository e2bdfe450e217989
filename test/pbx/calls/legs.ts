import type { SipConnection } from '../transport/websocket';
import {
  buildRequest,
  buildResponse,
  newBranch,
  newCallId,
  newTag,
  type MessageExtras,
  type SipRequest,
  type SipResponse,
} from '../sip/message';

/** What legs need from the SIP service: send, and be told of responses to what they sent. */
export interface SipOutlet {
  /**
   * Sends to a phone. When its WebSocket has closed and the phone has registered again on a new one
   * (same Contact), `remoteTarget` finds the new socket, so a call survives a short transport drop.
   */
  send(connection: SipConnection, text: string, remoteTarget?: string): void;
  /** Answers a request on the socket it arrived on. */
  reply(request: SipRequest, text: string): void;
  /** Responses whose top Via carries `branch` go to `onResponse` until a final one arrives. */
  expectResponses(branch: string, onResponse: (response: SipResponse) => void): void;
  /** In-dialog requests from the phone with this Call-ID and our tag go to the leg. */
  registerDialog(callId: string, localTag: string, leg: Leg): void;
  unregisterDialog(callId: string, localTag: string): void;
  readonly contact: string;
}

export interface Leg {
  /** An in-dialog request (ACK, BYE, re-INVITE, REFER, INFO, …) from this leg's phone. */
  onRequest(request: SipRequest): void;
}

function remoteTargetOf(message: SipRequest | SipResponse): string | null {
  try {
    const contact = message.parseHeader('contact') as { uri?: { toString(): string } } | undefined;
    return contact?.uri?.toString() ?? null;
  } catch {
    return null;
  }
}

/** The PBX as user-agent server toward the caller (one side of the B2BUA). */
export class ServerLeg {
  readonly toTag = newTag();
  private localCseq = 0;
  private finalSent = false;
  readonly remoteTarget: string;

  constructor(
    readonly invite: SipRequest,
    readonly connection: SipConnection,
    private readonly outlet: SipOutlet,
  ) {
    this.remoteTarget = remoteTargetOf(invite) ?? invite.from.uri.toString();
  }

  get callId(): string {
    return this.invite.callId;
  }

  get answered(): boolean {
    return this.finalSent;
  }

  attach(leg: Leg): void {
    this.outlet.registerDialog(this.callId, this.toTag, leg);
  }

  detach(): void {
    this.outlet.unregisterDialog(this.callId, this.toTag);
  }

  /** A response to the initial INVITE. Provisional ones (other than 100) and finals carry our tag. */
  respond(status: number, reason: string, extras: MessageExtras = {}): void {
    if (this.finalSent) return;
    if (status >= 200) this.finalSent = true;
    const withContact = status >= 101 && status < 300 ? [`Contact: ${this.outlet.contact}`] : [];
    this.outlet.reply(
      this.invite,
      buildResponse(this.invite, status, reason, {
        ...extras,
        headers: [...withContact, ...(extras.headers ?? [])],
        ...(status > 100 ? { toTag: this.toTag } : {}),
      }),
    );
  }

  /** A response to an in-dialog request from the caller. */
  respondTo(request: SipRequest, status: number, reason: string, extras: MessageExtras = {}): void {
    const contact = request.method === 'INVITE' && status < 300 ? [`Contact: ${this.outlet.contact}`] : [];
    this.outlet.reply(
      request,
      buildResponse(request, status, reason, { ...extras, headers: [...contact, ...(extras.headers ?? [])] }),
    );
  }

  /** A request inside the dialog, toward the caller (BYE, re-INVITE). */
  request(method: string, extras: MessageExtras = {}, onResponse?: (response: SipResponse) => void): void {
    const branch = newBranch();
    if (onResponse) this.outlet.expectResponses(branch, onResponse);
    this.outlet.send(
      this.connection,
      buildRequest({
        method,
        requestUri: this.remoteTarget,
        branch,
        from: `${this.invite.getHeader('to') ?? ''};tag=${this.toTag}`,
        to: this.invite.getHeader('from') ?? '',
        callId: this.callId,
        cseq: ++this.localCseq,
        contact: this.outlet.contact,
        ...extras,
      }),
      this.remoteTarget,
    );
  }
}

/** The PBX as user-agent client toward one registered phone (a callee, or one fork of it). */
export class ClientLeg {
  readonly callId = newCallId();
  readonly fromTag = newTag();
  private readonly inviteBranch = newBranch();
  private cseq = 1;
  private toTag: string | null = null;
  private remoteTarget: string;
  state: 'calling' | 'early' | 'confirmed' | 'ended' = 'calling';

  constructor(
    readonly connection: SipConnection,
    requestUri: string,
    private readonly from: string,
    private readonly to: string,
    private readonly outlet: SipOutlet,
  ) {
    this.remoteTarget = requestUri;
  }

  attach(leg: Leg): void {
    this.outlet.registerDialog(this.callId, this.fromTag, leg);
  }

  detach(): void {
    this.outlet.unregisterDialog(this.callId, this.fromTag);
  }

  invite(extras: MessageExtras, onResponse: (response: SipResponse) => void): void {
    this.outlet.expectResponses(this.inviteBranch, (response) => {
      const status = response.statusCode ?? 0;
      if (response.toTag && !this.toTag) this.toTag = response.toTag;
      const target = remoteTargetOf(response);
      if (target && status < 300) this.remoteTarget = target;
      if (status >= 300) {
        this.sendAck(this.inviteBranch, response.toTag ?? null);
        this.state = 'ended';
      } else if (status >= 200) {
        this.state = 'confirmed';
        this.sendAck(newBranch(), this.toTag);
      } else if (status > 100) {
        this.state = 'early';
      }
      onResponse(response);
    });
    this.outlet.send(this.connection, this.buildInitial('INVITE', this.inviteBranch, extras));
  }

  cancel(): void {
    if (this.state !== 'calling' && this.state !== 'early') return;
    this.state = 'ended';
    this.outlet.send(this.connection, this.buildInitial('CANCEL', this.inviteBranch, {}, 'CANCEL'));
  }

  request(method: string, extras: MessageExtras = {}, onResponse?: (response: SipResponse) => void): void {
    const branch = newBranch();
    if (onResponse) {
      this.outlet.expectResponses(branch, (response) => {
        const status = response.statusCode ?? 0;
        if (method === 'INVITE' && status >= 200) {
          this.sendAck(status < 300 ? newBranch() : branch, this.toTag, response.cseq);
        }
        onResponse(response);
      });
    }
    this.outlet.send(
      this.connection,
      this.buildInDialog(method, branch, ++this.cseq, extras),
      this.remoteTarget,
    );
  }

  private sendAck(branch: string, toTag: string | null, cseq = 1): void {
    const to = toTag ? `${this.to};tag=${toTag}` : this.to;
    this.outlet.send(
      this.connection,
      buildRequest({
        method: 'ACK',
        requestUri: this.remoteTarget,
        branch,
        from: `${this.from};tag=${this.fromTag}`,
        to,
        callId: this.callId,
        cseq,
      }),
      this.remoteTarget,
    );
  }

  private buildInitial(method: string, branch: string, extras: MessageExtras, cseqMethod?: string): string {
    return buildRequest({
      method,
      requestUri: this.remoteTarget,
      branch,
      from: `${this.from};tag=${this.fromTag}`,
      to: this.to,
      callId: this.callId,
      cseq: 1,
      ...(method === 'INVITE' ? { contact: this.outlet.contact } : {}),
      ...(cseqMethod ? { cseqMethod } : {}),
      ...extras,
    });
  }

  private buildInDialog(method: string, branch: string, cseq: number, extras: MessageExtras): string {
    return buildRequest({
      method,
      requestUri: this.remoteTarget,
      branch,
      from: `${this.from};tag=${this.fromTag}`,
      to: this.toTag ? `${this.to};tag=${this.toTag}` : this.to,
      callId: this.callId,
      cseq,
      contact: this.outlet.contact,
      ...extras,
    });
  }
}
