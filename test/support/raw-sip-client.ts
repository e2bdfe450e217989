import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { isRequest, parseSip, type SipRequest, type SipResponse } from '../pbx/sip/message';
import { ha1, hash, parseDigestHeader } from '../pbx/sip/digest';

const random = () => randomBytes(6).toString('hex');

export interface RawDialog {
  callId: string;
  fromTag: string;
  toTag: string;
  from: string;
  to: string;
  cseq: number;
}

/**
 * A hand-driven SIP-over-WebSocket client for protocol tests: it sends exactly the bytes a test
 * writes (odd request URIs, extra headers, tel: URIs, in-dialog tricks) and still answers the PBX's
 * digest challenge properly, so every refusal is the PBX's routing, not failed authentication.
 */
export class RawSipClient {
  private readonly inbox: (SipRequest | SipResponse)[] = [];
  /** Everything received, as text, including what sip.js's grammar cannot parse. */
  readonly received: string[] = [];
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly socket: WebSocket,
    private readonly realm: string,
  ) {
    socket.on('message', (data) => {
      this.received.push(data.toString());
      const message = parseSip(data.toString());
      if (!message) return;
      // Requests from the PBX (a BYE, say) are answered so the PBX's transaction completes.
      if (isRequest(message) && message.method !== 'ACK') {
        socket.send(
          [
            'SIP/2.0 200 OK',
            ...message.getHeaders('via').map((via) => `Via: ${via}`),
            `From: ${message.getHeader('from')}`,
            `To: ${message.getHeader('to')}`,
            `Call-ID: ${message.callId}`,
            `CSeq: ${message.cseq} ${message.method}`,
            'Content-Length: 0',
            '',
            '',
          ].join('\r\n'),
        );
      }
      this.inbox.push(message);
      this.waiters.forEach((wake) => wake());
    });
  }

  static async connect(url: string, realm: string): Promise<RawSipClient> {
    const socket = new WebSocket(url, 'sip');
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new RawSipClient(socket, realm);
  }

  close(): void {
    this.socket.close();
  }

  /** The next response to this Call-ID and CSeq method that is final (or matches `accept`). */
  async response(
    callId: string,
    method: string,
    accept = (status: number) => status >= 200,
  ): Promise<SipResponse> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const index = this.inbox.findIndex(
        (message) =>
          !isRequest(message) &&
          message.callId === callId &&
          message.method === method &&
          accept(message.statusCode ?? 0),
      );
      if (index >= 0) return this.inbox.splice(index, 1)[0] as SipResponse;
      if (Date.now() > deadline) throw new Error(`No ${method} response for ${callId}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiters = [];
    }
  }

  /** Sends text as it is and returns the status line of the answer with this Call-ID. */
  async sendRaw(text: string, callId: string): Promise<string> {
    const before = this.received.length;
    this.send(text);
    const deadline = Date.now() + 5_000;
    for (;;) {
      const answer = this.received.slice(before).find((message) => message.includes(`Call-ID: ${callId}`));
      if (answer) return answer.split('\r\n')[0] ?? '';
      if (Date.now() > deadline) throw new Error(`No answer for ${callId}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  send(text: string): void {
    this.socket.send(text);
  }

  /** An INVITE with the given request URI and headers, authenticated as `extension`. */
  async invite(options: {
    requestUri: string;
    extension: string;
    password: string;
    sdp: string;
    headers?: string[];
    fromUser?: string;
  }): Promise<{ final: SipResponse; dialog: RawDialog }> {
    const callId = random();
    const fromTag = random();
    const from = `<sip:${options.fromUser ?? options.extension}@${this.realm}>;tag=${fromTag}`;
    // A tel: request URI still gets a SIP To, so that the PBX's refusal is about the request URI.
    const to = `<${options.requestUri.startsWith('sip') ? options.requestUri : `sip:unknown@${this.realm}`}>`;
    const build = (cseq: number, branch: string, authorization?: string) =>
      [
        `INVITE ${options.requestUri} SIP/2.0`,
        `Via: SIP/2.0/WS ${random()}.invalid;branch=${branch}`,
        'Max-Forwards: 70',
        `From: ${from}`,
        `To: ${to}`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} INVITE`,
        `Contact: <sip:${random()}@${random()}.invalid;transport=ws>`,
        ...(options.headers ?? []),
        ...(authorization ? [`Proxy-Authorization: ${authorization}`] : []),
        'Content-Type: application/sdp',
        `Content-Length: ${Buffer.byteLength(options.sdp)}`,
        '',
        options.sdp,
      ].join('\r\n');

    const firstBranch = `z9hG4bK${random()}`;
    this.send(build(1, firstBranch));
    const challenge = await this.response(callId, 'INVITE');
    if (challenge.statusCode !== 407)
      return { final: challenge, dialog: this.dialogOf(challenge, from, to, 1) };
    this.ack(callId, from, `${to};tag=${challenge.toTag}`, 1, firstBranch, options.requestUri);

    const md5 =
      challenge.getHeaders('proxy-authenticate').find((value) => value.includes('algorithm=MD5')) ?? '';
    const nonce = parseDigestHeader(md5)?.['nonce'] ?? '';
    const cnonce = random();
    const response = hash(
      'MD5',
      `${ha1('MD5', options.extension, this.realm, options.password)}:${nonce}:00000001:${cnonce}:auth:${hash('MD5', `INVITE:${options.requestUri}`)}`,
    );
    const authorization = `Digest username="${options.extension}", realm="${this.realm}", nonce="${nonce}", uri="${options.requestUri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="${cnonce}"`;
    this.send(build(2, `z9hG4bK${random()}`, authorization));
    const final = await this.response(callId, 'INVITE');
    return { final, dialog: this.dialogOf(final, from, to, 2) };
  }

  ack(callId: string, from: string, to: string, cseq: number, branch: string, requestUri: string): void {
    this.send(
      [
        `ACK ${requestUri} SIP/2.0`,
        `Via: SIP/2.0/WS ${random()}.invalid;branch=${branch}`,
        'Max-Forwards: 70',
        `From: ${from}`,
        `To: ${to}`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} ACK`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  }

  /** A request inside an established dialog; returns its final response. */
  async inDialog(
    dialog: RawDialog,
    method: string,
    requestUri: string,
    extras: { headers?: string[]; body?: string } = {},
  ) {
    dialog.cseq++;
    const body = extras.body ?? '';
    this.send(
      [
        `${method} ${requestUri} SIP/2.0`,
        `Via: SIP/2.0/WS ${random()}.invalid;branch=z9hG4bK${random()}`,
        'Max-Forwards: 70',
        `From: ${dialog.from}`,
        `To: ${dialog.to};tag=${dialog.toTag}`,
        `Call-ID: ${dialog.callId}`,
        `CSeq: ${dialog.cseq} ${method}`,
        ...(extras.headers ?? []),
        ...(body ? ['Content-Type: application/sdp'] : []),
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ].join('\r\n'),
    );
    return this.response(dialog.callId, method);
  }

  private dialogOf(response: SipResponse, from: string, to: string, cseq: number): RawDialog {
    return {
      callId: response.callId,
      fromTag: response.fromTag,
      toTag: response.toTag ?? '',
      from,
      to,
      cseq,
    };
  }
}
