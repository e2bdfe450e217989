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
  /** The dialog with this Call-ID and our tag, if it is live (a REFER's `Replaces` names one). */
  findDialog?(callId: string, localTag: string): { leg: Leg; peer: DialogPeer } | undefined;
  /** An extension's dialog changed state (RFC 4235 presence: subscriptions/dialog-info). */
  dialogState?(change: DialogStateChange): void;
  readonly contact: string;
}

export interface Leg {
  /** An in-dialog request (ACK, BYE, re-INVITE, REFER, INFO, …) from this leg's phone. */
  onRequest(request: SipRequest): void;
  /** The application behind the dialog, for a REFER with `Replaces` (RFC 3891) to find it. */
  readonly owner?: unknown;
}

/** RFC 4235 dialog states, as the presence of an extension sees them. */
export type DialogState = 'trying' | 'early' | 'confirmed' | 'terminated';

export interface DialogStateChange {
  /** The extension whose phone is in this dialog. */
  extension: string;
  /** Unique per dialog and side (Call-ID and the PBX's tag). */
  id: string;
  callId: string;
  /** Whether the extension placed the call (`initiator`) or is being called (`recipient`). */
  direction: 'initiator' | 'recipient';
  state: DialogState;
}

/**
 * What a leg last told presence about its dialog: each state once, nothing after `terminated`, and
 * nothing for a leg without an extension (a far end outside the PBX).
 */
class DialogStateReport {
  private last: DialogState | null = null;

  constructor(
    private readonly outlet: SipOutlet,
    private readonly extension: string | null,
    private readonly callId: () => string,
    private readonly localTag: string,
    private readonly direction: DialogStateChange['direction'],
  ) {}

  get started(): boolean {
    return this.last !== null;
  }

  report(state: DialogState): void {
    if (this.last === state || this.last === 'terminated' || this.extension === null) return;
    this.last = state;
    const callId = this.callId();
    this.outlet.dialogState?.({
      extension: this.extension,
      id: `${callId}|${this.localTag}`,
      callId,
      direction: this.direction,
      state,
    });
  }
}

/**
 * One side of a bridged call, whichever way the INVITE went: the caller's dialog (ServerLeg) or a
 * callee's (ClientLeg). A transfer swaps one side of a bridge for another.
 */
export interface DialogLeg {
  readonly callId: string;
  /** The PBX's tag in this dialog. */
  readonly localTag: string;
  /** The phone's tag in this dialog (null before it answered). */
  readonly remoteTag: string | null;
  /** The phone's extension. */
  readonly extensionNumber: string | null;
  attach(leg: Leg): void;
  detach(): void;
  respondTo(request: SipRequest, status: number, reason: string, extras?: MessageExtras): void;
  request(method: string, extras?: MessageExtras, onResponse?: (response: SipResponse) => void): void;
  /**
   * A re-INVITE in the dialog (with an offer, or none: the phone offers in its 200). `onFinal` gets
   * the final response and, for a 2xx, `ack` to send the ACK (with the answer when it had none).
   */
  reinvite(
    extras: MessageExtras,
    onFinal: (response: SipResponse, ack: (extras?: MessageExtras) => void) => void,
    /** No final response at all (Timer B): the phone is gone. */
    onTimeout?: () => void,
  ): void;
  /** The dialog is over for presence (it ended, or was handed on and BYE'd). */
  ended(): void;
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
export class ServerLeg implements DialogLeg {
  readonly toTag = newTag();
  private localCseq = 0;
  private finalSent = false;
  private readonly dialogReport: DialogStateReport;
  readonly remoteTarget: string;

  constructor(
    readonly invite: SipRequest,
    readonly connection: SipConnection,
    private readonly outlet: SipOutlet,
    /** The authenticated caller. */
    readonly extension: string | null = null,
  ) {
    this.remoteTarget = remoteTargetOf(invite) ?? invite.from.uri.toString();
    this.dialogReport = new DialogStateReport(outlet, extension, () => this.callId, this.toTag, 'initiator');
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

  get localTag(): string {
    return this.toTag;
  }

  get remoteTag(): string {
    return this.invite.fromTag;
  }

  get extensionNumber(): string | null {
    return this.extension;
  }

  attach(leg: Leg): void {
    this.outlet.registerDialog(this.callId, this.toTag, leg, this.peer);
    if (!this.dialogReport.started) this.report('trying');
  }

  detach(): void {
    this.outlet.unregisterDialog(this.callId, this.toTag);
    this.ended();
  }

  ended(): void {
    this.report('terminated');
  }

  private report(state: DialogState): void {
    this.dialogReport.report(state);
  }

  /** A response to the initial INVITE. Provisional ones (other than 100) and finals carry our tag. */
  respond(status: number, reason: string, extras: MessageExtras = {}): void {
    if (this.finalSent) return;
    if (status >= 200) this.finalSent = true;
    if (status > 100) this.report(status < 200 ? 'early' : status < 300 ? 'confirmed' : 'terminated');
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
    if (method === 'BYE') this.ended();
    const branch = newBranch();
    if (onResponse) this.outlet.expectResponses(branch, method, this.connection, { onResponse });
    this.sendInDialog(method, branch, ++this.localCseq, extras);
  }

  reinvite(
    extras: MessageExtras,
    onFinal: (response: SipResponse, ack: (extras?: MessageExtras) => void) => void,
    onTimeout?: () => void,
  ): void {
    const branch = newBranch();
    const cseq = ++this.localCseq;
    this.outlet.expectResponses(branch, 'INVITE', this.connection, {
      ...(onTimeout ? { onTimeout } : {}),
      onResponse: (response) => {
        const status = response.statusCode ?? 0;
        if (status < 200) return;
        // A non-2xx final is ACKed on the INVITE's branch; a 2xx by the caller of `ack` (§13.2.2.4).
        if (status >= 300) this.sendInDialog('ACK', branch, cseq, {});
        onFinal(response, (ackExtras = {}) => this.sendInDialog('ACK', newBranch(), cseq, ackExtras));
      },
    });
    this.sendInDialog('INVITE', branch, cseq, extras);
  }

  private sendInDialog(method: string, branch: string, cseq: number, extras: MessageExtras): void {
    this.outlet.send(
      this.connection,
      buildRequest({
        method,
        requestUri: this.remoteTarget,
        branch,
        from: `${this.invite.getHeader('to') ?? ''};tag=${this.toTag}`,
        to: this.invite.getHeader('from') ?? '',
        callId: this.callId,
        cseq,
        ...(method === 'ACK' ? {} : { contact: this.outlet.contact }),
        ...extras,
      }),
      this.remoteTarget,
    );
  }
}

/** The PBX as user-agent client toward one registered phone (a callee, or one fork of it). */
export class ClientLeg implements DialogLeg {
  readonly callId = newCallId();
  readonly fromTag = newTag();
  private readonly inviteBranch = newBranch();
  private cseq = 1;
  private toTag: string | null = null;
  private remoteTarget: string;
  private readonly dialogReport: DialogStateReport;
  private _state: 'calling' | 'early' | 'confirmed' | 'ended' = 'calling';

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
    this.dialogReport = new DialogStateReport(
      outlet,
      extension,
      () => this.callId,
      this.fromTag,
      'recipient',
    );
  }

  get state(): 'calling' | 'early' | 'confirmed' | 'ended' {
    return this._state;
  }

  set state(state: 'calling' | 'early' | 'confirmed' | 'ended') {
    this._state = state;
    this.report(
      state === 'calling'
        ? 'trying'
        : state === 'early'
          ? 'early'
          : state === 'confirmed'
            ? 'confirmed'
            : 'terminated',
    );
  }

  get localTag(): string {
    return this.fromTag;
  }

  get remoteTag(): string | null {
    return this.toTag;
  }

  get extensionNumber(): string | null {
    return this.extension;
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
    this.ended();
  }

  ended(): void {
    this.report('terminated');
  }

  private report(state: DialogState): void {
    this.dialogReport.report(state);
  }

  respondTo(request: SipRequest, status: number, reason: string, extras: MessageExtras = {}): void {
    const contact = request.method === 'INVITE' && status < 300 ? [`Contact: ${this.outlet.contact}`] : [];
    this.outlet.reply(
      request,
      buildResponse(request, status, reason, { ...extras, headers: [...contact, ...(extras.headers ?? [])] }),
    );
  }

  /**
   * Sends the INVITE; `onTimeout` when the phone never sent a final response (Timer B). With
   * `deferAck` (an INVITE without an offer: the phone offers in its 200) the 2xx is not ACKed here:
   * the application sends the ACK with the answer through `ackInvite`.
   */
  invite(
    extras: MessageExtras,
    onResponse: (response: SipResponse) => void,
    onTimeout: () => void = () => {},
    options: { deferAck?: boolean } = {},
  ): void {
    this.report('trying');
    const handleResponse = (response: SipResponse) => {
      const status = response.statusCode ?? 0;
      if (response.toTag && !this.toTag) this.toTag = response.toTag;
      const target = remoteTargetOf(response);
      if (target && status < 300) this.remoteTarget = target;
      if (status >= 300) {
        this.sendAck(this.inviteBranch, response.toTag ?? null);
        this.state = 'ended';
      } else if (status >= 200) {
        if (this._state === 'confirmed') return; // a retransmitted 2xx
        this.state = 'confirmed';
        if (!options.deferAck) this.sendAck(newBranch(), this.toTag);
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

  /** The ACK of a 2xx to an INVITE sent with `deferAck`, carrying the answer. */
  ackInvite(extras: MessageExtras = {}): void {
    this.sendAck(newBranch(), this.toTag, 1, extras);
  }

  reinvite(
    extras: MessageExtras,
    onFinal: (response: SipResponse, ack: (extras?: MessageExtras) => void) => void,
    onTimeout?: () => void,
  ): void {
    const branch = newBranch();
    const cseq = ++this.cseq;
    this.outlet.expectResponses(branch, 'INVITE', this.connection, {
      ...(onTimeout ? { onTimeout } : {}),
      onResponse: (response) => {
        const status = response.statusCode ?? 0;
        if (status < 200) return;
        if (status >= 300) this.sendAck(branch, this.toTag, cseq);
        onFinal(response, (ackExtras = {}) => this.sendAck(newBranch(), this.toTag, cseq, ackExtras));
      },
    });
    this.outlet.send(this.connection, this.buildInDialog('INVITE', branch, cseq, extras), this.remoteTarget);
  }

  request(method: string, extras: MessageExtras = {}, onResponse?: (response: SipResponse) => void): void {
    if (method === 'BYE') this.ended();
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

  private sendAck(branch: string, toTag: string | null, cseq = 1, extras: MessageExtras = {}): void {
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
        ...extras,
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
