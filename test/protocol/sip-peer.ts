import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { ha1, hash, parseDigestHeader } from '../pbx/sip/digest';
import { isRequest, parseSip, type SipRequest, type SipResponse } from '../pbx/sip/message';

const random = () => randomBytes(6).toString('hex');
type Message = SipRequest | SipResponse;

export interface OutgoingInvite {
  callId: string;
  branch: string;
  cseq: number;
  from: string;
  to: string;
  requestUri: string;
}

/**
 * A bare SIP-over-WebSocket endpoint for protocol and soak tests: it answers nothing by itself (the
 * test decides every response, or none), computes digest answers, and lets a test await any message.
 * Unlike sip.js it can play a callee that never answers a CANCEL, or send a BYE with another
 * phone's tags.
 */
export class SipPeer {
  readonly contact = `sip:${random()}@${random()}.invalid;transport=ws`;
  private readonly inbox: Message[] = [];
  private waiters: { match: (message: Message) => boolean; resolve: (message: Message) => void }[] = [];
  /** Called for every message no waiter took (a callee answers INVITEs here). */
  onUnclaimed: (message: Message) => void = () => {};

  private constructor(
    private readonly socket: WebSocket,
    readonly realm: string,
    readonly extension: string,
    private readonly password: string,
  ) {
    socket.on('message', (data) => {
      const message = parseSip(data.toString());
      if (!message) return;
      const waiter = this.waiters.find((candidate) => candidate.match(message));
      if (waiter) {
        this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
        return waiter.resolve(message);
      }
      this.inbox.push(message);
      if (this.inbox.length > 200) this.inbox.shift();
      this.onUnclaimed(message);
    });
  }

  static async connect(url: string, realm: string, extension: string, password: string): Promise<SipPeer> {
    const socket = new WebSocket(url, 'sip');
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new SipPeer(socket, realm, extension, password);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }

  send(text: string): void {
    this.socket.send(text);
  }

  /** The next message (already received, or still to come) that `match` accepts. */
  next(match: (message: Message) => boolean, timeoutMs = 15_000): Promise<Message> {
    const index = this.inbox.findIndex(match);
    if (index >= 0) return Promise.resolve(this.inbox.splice(index, 1)[0] as Message);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((candidate) => candidate.resolve !== done);
        reject(new Error(`${this.extension}: no matching message within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (message: Message) => {
        clearTimeout(timer);
        resolve(message);
      };
      this.waiters.push({ match, resolve: done });
    });
  }

  /** The final (or `accept`ed) response to this Call-ID and CSeq method. */
  async response(
    callId: string,
    method: string,
    accept = (status: number) => status >= 200,
  ): Promise<SipResponse> {
    return (await this.next(
      (message) =>
        !isRequest(message) &&
        message.callId === callId &&
        message.method === method &&
        accept(message.statusCode ?? 0),
    )) as SipResponse;
  }

  /** A digest answer (MD5, qop=auth) to a challenge, for `method` on `uri`. */
  authorization(challengeHeader: string, method: string, uri: string, nc = 1): string {
    const nonce = parseDigestHeader(challengeHeader)?.['nonce'] ?? '';
    const cnonce = random();
    const count = nc.toString(16).padStart(8, '0');
    const secret = ha1('MD5', this.extension, this.realm, this.password);
    const response = hash(
      'MD5',
      `${secret}:${nonce}:${count}:${cnonce}:auth:${hash('MD5', `${method}:${uri}`)}`,
    );
    return `Digest username="${this.extension}", realm="${this.realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${count}, cnonce="${cnonce}"`;
  }

  registerText(callId: string, cseq: number, expires: number, authorization?: string): string {
    return [
      `REGISTER sip:${this.realm} SIP/2.0`,
      `Via: SIP/2.0/WS ${random()}.invalid;branch=z9hG4bK${random()}`,
      'Max-Forwards: 70',
      `From: <sip:${this.extension}@${this.realm}>;tag=${random()}`,
      `To: <sip:${this.extension}@${this.realm}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <${this.contact}>;expires=${expires}`,
      ...(authorization ? [`Authorization: ${authorization}`] : []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  }

  /** REGISTER with digest; returns the final response and the authenticated request's text. */
  async register(expires = 600): Promise<{ final: SipResponse; sent: string }> {
    const callId = random();
    this.send(this.registerText(callId, 1, expires));
    const challenge = await this.response(callId, 'REGISTER');
    if (challenge.statusCode !== 401) return { final: challenge, sent: '' };
    const md5 = challenge.getHeaders('www-authenticate').find((value) => value.includes('MD5')) ?? '';
    const sent = this.registerText(
      callId,
      2,
      expires,
      this.authorization(md5, 'REGISTER', `sip:${this.realm}`),
    );
    this.send(sent);
    return { final: await this.response(callId, 'REGISTER'), sent };
  }

  inviteText(invite: OutgoingInvite, body: string, authorization?: string): string {
    return [
      `INVITE ${invite.requestUri} SIP/2.0`,
      `Via: SIP/2.0/WS ${random()}.invalid;branch=${invite.branch}`,
      'Max-Forwards: 70',
      `From: ${invite.from}`,
      `To: ${invite.to}`,
      `Call-ID: ${invite.callId}`,
      `CSeq: ${invite.cseq} INVITE`,
      `Contact: <${this.contact}>`,
      ...(authorization ? [`Proxy-Authorization: ${authorization}`] : []),
      'Content-Type: application/sdp',
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
  }

  /**
   * Sends an authenticated INVITE (407, ACK, INVITE again) and returns at once: the test awaits
   * the responses it cares about. `answered` is the authenticated INVITE's text (for replays).
   */
  async invite(requestUri: string, body: string): Promise<OutgoingInvite & { sent: string }> {
    const first: OutgoingInvite = {
      callId: random(),
      branch: `z9hG4bK${random()}`,
      cseq: 1,
      from: `<sip:${this.extension}@${this.realm}>;tag=${random()}`,
      to: `<${requestUri}>`,
      requestUri,
    };
    this.send(this.inviteText(first, body));
    const challenge = await this.response(first.callId, 'INVITE');
    if (challenge.statusCode !== 407) throw new Error(`INVITE challenged with ${challenge.statusCode}`);
    this.ack(first, challenge.toTag ?? '');
    const md5 = challenge.getHeaders('proxy-authenticate').find((value) => value.includes('MD5')) ?? '';
    const invite = { ...first, branch: `z9hG4bK${random()}`, cseq: 2 };
    const sent = this.inviteText(invite, body, this.authorization(md5, 'INVITE', requestUri));
    this.send(sent);
    return { ...invite, sent };
  }

  /** ACK for a non-2xx final response: same branch and CSeq number as the INVITE. */
  ack(invite: OutgoingInvite, toTag: string): void {
    this.send(
      [
        `ACK ${invite.requestUri} SIP/2.0`,
        `Via: SIP/2.0/WS ${random()}.invalid;branch=${invite.branch}`,
        'Max-Forwards: 70',
        `From: ${invite.from}`,
        `To: ${invite.to};tag=${toTag}`,
        `Call-ID: ${invite.callId}`,
        `CSeq: ${invite.cseq} ACK`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  }

  cancel(invite: OutgoingInvite, overrides: { branch?: string; cseq?: number } = {}): void {
    this.send(
      [
        `CANCEL ${invite.requestUri} SIP/2.0`,
        `Via: SIP/2.0/WS ${random()}.invalid;branch=${overrides.branch ?? invite.branch}`,
        'Max-Forwards: 70',
        `From: ${invite.from}`,
        `To: ${invite.to}`,
        `Call-ID: ${invite.callId}`,
        `CSeq: ${overrides.cseq ?? invite.cseq} CANCEL`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  }

  /** A request in a dialog: `from` (with its tag) and `to` (with the PBX's tag) as given. */
  inDialog(options: {
    method: string;
    requestUri: string;
    callId: string;
    from: string;
    to: string;
    cseq: number;
    body?: string;
  }): void {
    const body = options.body ?? '';
    this.send(
      [
        `${options.method} ${options.requestUri} SIP/2.0`,
        `Via: SIP/2.0/WS ${random()}.invalid;branch=z9hG4bK${random()}`,
        'Max-Forwards: 70',
        `From: ${options.from}`,
        `To: ${options.to}`,
        `Call-ID: ${options.callId}`,
        `CSeq: ${options.cseq} ${options.method}`,
        `Contact: <${this.contact}>`,
        ...(body ? ['Content-Type: application/sdp'] : []),
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ].join('\r\n'),
    );
  }

  /** A response to a request from the PBX (a callee's 180, 200, 487, or its 200 to a CANCEL). */
  respond(request: SipRequest, status: number, reason: string, toTag?: string): void {
    const to = request.getHeader('to') ?? '';
    this.send(
      [
        `SIP/2.0 ${status} ${reason}`,
        ...request.getHeaders('via').map((via) => `Via: ${via}`),
        `From: ${request.getHeader('from') ?? ''}`,
        `To: ${toTag && !request.toTag ? `${to};tag=${toTag}` : to}`,
        `Call-ID: ${request.callId}`,
        `CSeq: ${request.cseq} ${request.method}`,
        ...(status < 300 && request.method === 'INVITE' ? [`Contact: <${this.contact}>`] : []),
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  }
}
