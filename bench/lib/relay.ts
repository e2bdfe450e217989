import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { lossModel, NO_LOSS, type LossModel, type LossSpec } from './loss';

/**
 * A lossy network between phones and the PBX, outside both: phones connect their SIP WebSocket to
 * the relay instead of the PBX; the relay passes SIP on unchanged except for the SDP candidates,
 * which it points at a UDP relay of its own per call. Media then flows phone ⇄ relay ⇄ PBX, and
 * RTP from the phone to the PBX is dropped by the loss model (STUN, DTLS and RTCP always pass, as
 * they would on a network that only drops some packets: the point is the media).
 *
 * Per call the relay has two sockets: `towardsPbx`, announced to the PBX in place of the phone's
 * candidate, and `towardsPhone`, announced to the phone in place of the PBX's. Each keeps one UDP
 * IPv4 host candidate per side (every address here is on this machine).
 */
export interface Endpoint {
  address: string;
  port: number;
}
interface CallRelay {
  /** The telephone-event payload type the phone offered (RFC 4733), once its SDP passed. */
  telephoneEventPt: number | null;
  towardsPbx: Socket;
  towardsPhone: Socket | null;
  phone: Endpoint | null;
  pbx: Endpoint | null;
}

export interface RelayStats {
  rtpFromPhones: number;
  rtpDropped: number;
}

/** A key on the wire: the first RTP packet of a telephone-event (its header is not encrypted). */
export interface WireKey {
  rtpTimestamp: number;
  /** `performance.timeOrigin + performance.now()` when it reached the relay. */
  at: number;
}

export class LossyRelay {
  private model: LossModel = lossModel(NO_LOSS);
  private readonly calls = new Map<string, CallRelay>();
  private readonly sockets = new Set<Socket>();
  readonly stats: RelayStats = { rtpFromPhones: 0, rtpDropped: 0 };
  /** Every key the phones sent, in order, whether or not its packets were then dropped. */
  readonly keysOnTheWire: WireKey[] = [];

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    readonly url: string,
  ) {}

  /** A relay in front of the PBX's SIP WebSocket `pbxUrl`. */
  static async start(pbxUrl: string, loss: LossSpec = NO_LOSS): Promise<LossyRelay> {
    const http = createServer();
    const wss = new WebSocketServer({
      server: http,
      path: '/ws',
      handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    const relay = new LossyRelay(http, wss, `ws://127.0.0.1:${port}/ws`);
    relay.setLoss(loss);
    wss.on('connection', (phoneSide) => relay.connect(phoneSide, pbxUrl));
    return relay;
  }

  /** From now on, RTP from the phones is dropped by this model. */
  setLoss(loss: LossSpec): void {
    this.model = lossModel(loss);
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    for (const socket of this.sockets) socket.close();
    this.sockets.clear();
    this.calls.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private connect(phoneSide: WebSocket, pbxUrl: string): void {
    const pbxSide = new WebSocket(pbxUrl, 'sip');
    const pending: string[] = [];
    // Rewriting may wait for a socket to bind: one chain per direction keeps the messages in order.
    let fromPhone = Promise.resolve();
    let fromPbx = Promise.resolve();
    phoneSide.on('message', (data) => {
      fromPhone = fromPhone
        .then(() => this.rewrite(data.toString(), 'phone'))
        .then((text) => {
          if (pbxSide.readyState === WebSocket.OPEN) pbxSide.send(text);
          else pending.push(text);
        });
    });
    pbxSide.on('open', () => pending.splice(0).forEach((text) => pbxSide.send(text)));
    pbxSide.on('message', (data) => {
      fromPbx = fromPbx
        .then(() => this.rewrite(data.toString(), 'pbx'))
        .then((text) => {
          if (phoneSide.readyState === WebSocket.OPEN) phoneSide.send(text);
        });
    });
    const closeBoth = () => {
      phoneSide.close();
      pbxSide.close();
    };
    phoneSide.on('close', closeBoth);
    pbxSide.on('close', closeBoth);
    pbxSide.on('error', closeBoth);
    phoneSide.on('error', closeBoth);
  }

  /** Points the SDP's candidate (if any) at this relay. Messages without SDP pass unchanged. */
  private async rewrite(text: string, from: 'phone' | 'pbx'): Promise<string> {
    const split = text.indexOf('\r\n\r\n');
    if (split < 0) return text;
    const head = text.slice(0, split);
    const body = text.slice(split + 4);
    if (!/^(content-type|c)\s*:\s*application\/sdp/im.test(head)) return text;
    const callId = /^(?:call-id|i)\s*:\s*(.+)$/im.exec(head)?.[1]?.trim();
    const candidate = firstUdpCandidate(body);
    if (!callId || !candidate) return text;
    const call = await this.callRelay(callId, candidate, from, body);
    const socket = from === 'phone' ? call.towardsPbx : call.towardsPhone;
    if (!socket) return text;
    const local = socket.address();
    const newBody = pointAt(body, candidate, { address: local.address, port: local.port });
    const newHead = head.replace(
      /^(content-length|l)\s*:\s*\d+/im,
      (_match, name: string) => `${name}: ${Buffer.byteLength(newBody)}`,
    );
    return `${newHead}\r\n\r\n${newBody}`;
  }

  private async callRelay(
    callId: string,
    candidate: Endpoint,
    from: 'phone' | 'pbx',
    sdp: string,
  ): Promise<CallRelay> {
    let call = this.calls.get(callId);
    if (!call) {
      // Created by the first SDP of the call; either side may offer.
      call = {
        telephoneEventPt: null,
        towardsPbx: await this.bind(candidate.address),
        towardsPhone: null,
        phone: null,
        pbx: null,
      };
      this.calls.set(callId, call);
      this.wire(call);
    }
    if (from === 'phone') {
      call.phone = candidate;
      call.telephoneEventPt = Number(/^a=rtpmap:(\d+) telephone-event\/8000/m.exec(sdp)?.[1] ?? NaN);
    } else {
      call.pbx = candidate;
      if (!call.towardsPhone) {
        call.towardsPhone = await this.bind(candidate.address);
        this.wire(call);
      }
    }
    return call;
  }

  private wire(call: CallRelay): void {
    call.towardsPbx.removeAllListeners('message');
    call.towardsPbx.on('message', (packet) => {
      if (call.phone) call.towardsPhone?.send(packet, call.phone.port, call.phone.address);
    });
    call.towardsPhone?.removeAllListeners('message');
    let lastKey: WireKey | undefined = this.keysOnTheWire.at(-1);
    call.towardsPhone?.on('message', (packet) => {
      if (!call.pbx) return;
      if (isRtp(packet)) {
        this.stats.rtpFromPhones++;
        if (((packet[1] ?? 0) & 0x7f) === call.telephoneEventPt) {
          const rtpTimestamp = packet.readUInt32BE(4);
          if (lastKey?.rtpTimestamp !== rtpTimestamp) {
            lastKey = { rtpTimestamp, at: performance.timeOrigin + performance.now() };
            this.keysOnTheWire.push(lastKey);
          }
        }
        if (this.model()) {
          this.stats.rtpDropped++;
          return;
        }
      }
      call.towardsPbx.send(packet, call.pbx.port, call.pbx.address);
    });
  }

  private async bind(address: string): Promise<Socket> {
    const socket = createSocket('udp4');
    socket.on('error', () => socket.close());
    await new Promise<void>((resolve) => socket.bind(0, address, resolve));
    this.sockets.add(socket);
    return socket;
  }
}

/** RTP, not RTCP (RFC 5761: RTCP packet types 192–223 share the first byte's range). */
export function isRtp(packet: Buffer): boolean {
  const first = packet[0] ?? 0;
  const type = (packet[1] ?? 0) & 0x7f;
  return first >= 128 && first <= 191 && !(type >= 64 && type <= 95);
}

const CANDIDATE = /^a=candidate:(\S+) (\d+) (udp) (\d+) (\d+\.\d+\.\d+\.\d+) (\d+) typ host.*$/im;

export function firstUdpCandidate(sdp: string): Endpoint | null {
  const match = CANDIDATE.exec(sdp);
  return match?.[5] && match[6] ? { address: match[5], port: Number(match[6]) } : null;
}

/** Keeps only `candidate` (now pointing at `relay`) and the connection address that goes with it. */
export function pointAt(sdp: string, candidate: Endpoint, relay: Endpoint): string {
  const lines = sdp.split('\r\n');
  let kept = false;
  return lines
    .flatMap((line) => {
      if (line.startsWith('a=candidate:')) {
        const match = CANDIDATE.exec(line);
        if (kept || match?.[5] !== candidate.address || Number(match[6]) !== candidate.port) return [];
        kept = true;
        return [line.replace(` ${candidate.address} ${candidate.port} `, ` ${relay.address} ${relay.port} `)];
      }
      if (line.startsWith('c=IN IP4 ')) return [`c=IN IP4 ${relay.address}`];
      if (line.startsWith('a=rtcp:')) return [];
      if (/^m=audio \d+/.test(line)) return [line.replace(/^m=audio \d+/, `m=audio ${relay.port}`)];
      return [line];
    })
    .join('\r\n');
}
