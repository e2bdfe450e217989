import type { DialogPeer } from './dialogs';
import type { TransactionHandlers } from './transactions';
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
} from './message';

/** What legs need from the SIP service: send, and be told of responses to what they sent. */
export interface SipOutlet {
  /**
   * Sends to a phone. When its WebSocket has closed and the phone has registered again on a new one
   * (same Contact), `remoteTarget` finds the new socket, so a call survives a short transport drop.
   */
  send(connection: SipConnection, text: string, remoteTarget?: string): void;
  /** Answers a request on the socket it arrived on. */
  reply(request: SipRequest, text: string): void;
  /**
   * A client transaction: responses whose top Via carries `branch` and whose CSeq method is `method`
   * go to `onResponse` until a final one arrives, or until it times out (RFC 3261 Timer B/F) or the
   * connection closes. A CANCEL shares the INVITE's branch; its 200 never reaches the INVITE's owner.
   */
  expectResponses(
    branch: string,
    method: string,
    connection: SipConnection,
    handlers: TransactionHandlers,
  ): void;
  /** The INVITE with this branch was cancelled: it gets one more Timer B to see its 487 (§9.1). */
  inviteCancelled(branch: string): void;
  /** In-dialog requests from `peer` with this Call-ID and our tag go to the leg. */
  registerDialog(callId: string, localTag: string, leg: Leg, peer: DialogPeer): void;
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
    /** The authenticated caller. */
    readonly extension: string | null = null,
  ) {
    this.remoteTarget = remoteTargetOf(invite) ?? invite.from.uri.toString();
  }

  /** The caller's phone: the only one that may CANCEL this INVITE or send requests in its dialog. */
  get peer(): DialogPeer {
    return {
      connectionId: this.connection.id,
      extension: this.extension,
      remoteTag: () => this.invite.fromTag,
      remoteTarget: () => this.remoteTarget,
    };
  }

  get callId(): string {
    return this.invite.callId;
  }

  get answered(): boolean {
    return this.finalSent;
  }

  attach(leg: Leg): void {
    this.outlet.registerDialog(this.callId, this.toTag, leg, this.peer);
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
    if (onResponse) this.outlet.expectResponses(branch, method, this.connection, { onResponse });
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
    /** The callee's extension. */
    private readonly extension: string | null = null,
  ) {
    this.remoteTarget = requestUri;
  }

  attach(leg: Leg): void {
    this.outlet.registerDialog(this.callId, this.fromTag, leg, {
      connectionId: this.connection.id,
      extension: this.extension,
      remoteTag: () => this.toTag,
      remoteTarget: () => this.remoteTarget,
    });
  }

  detach(): void {
    this.outlet.unregisterDialog(this.callId, this.fromTag);
  }

  /** Sends the INVITE; `onTimeout` when the phone never sent a final response (Timer B). */
  invite(
    extras: MessageExtras,
    onResponse: (response: SipResponse) => void,
    onTimeout: () => void = () => {},
  ): void {
    const handleResponse = (response: SipResponse) => {
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
        if (this.state !== 'ended') this.state = 'early';
      }
      onResponse(response);
    };
    this.outlet.expectResponses(this.inviteBranch, 'INVITE', this.connection, {
      onResponse: handleResponse,
      onTimeout: () => {
        this.state = 'ended';
        onTimeout();
      },
    });
    this.outlet.send(this.connection, this.buildInitial('INVITE', this.inviteBranch, extras));
  }

  /**
   * Cancels the INVITE. The phone answers the CANCEL (200, its own transaction, ignored here) and
   * then the INVITE (487), which the INVITE's transaction ACKs.
   */
  cancel(extras: MessageExtras = {}): void {
    if (this.state !== 'calling' && this.state !== 'early') return;
    this.state = 'ended';
    this.outlet.inviteCancelled(this.inviteBranch);
    this.outlet.send(this.connection, this.buildInitial('CANCEL', this.inviteBranch, extras, 'CANCEL'));
  }

  request(method: string, extras: MessageExtras = {}, onResponse?: (response: SipResponse) => void): void {
    const branch = newBranch();
    if (onResponse) {
      this.outlet.expectResponses(branch, method, this.connection, {
        onResponse: (response) => {
          const status = response.statusCode ?? 0;
          if (method === 'INVITE' && status >= 200) {
            this.sendAck(status < 300 ? newBranch() : branch, this.toTag, response.cseq);
          }
          onResponse(response);
        },
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
