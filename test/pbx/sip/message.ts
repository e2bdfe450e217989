import { randomBytes } from 'node:crypto';
import { Core, Grammar } from 'sip.js';
import { parseFast } from './fast-parse';

/**
 * SIP messages: parsed to sip.js's own message objects — by its grammar, with a strict scanner in
 * front of it for the common shapes of the hot path (fast-parse.ts, tested against the grammar
 * message for message) — and built here, in one place. Nothing in this file does I/O.
 */
export type SipRequest = Core.IncomingRequestMessage;
export type SipResponse = Core.IncomingResponseMessage;

export function parseSip(text: string): SipRequest | SipResponse | null {
  return parseFast(text);
}

export function isRequest(message: SipRequest | SipResponse): message is SipRequest {
  return message instanceof Core.IncomingRequestMessage;
}

export const SERVER_NAME = 'Tollgate-Test-PBX';

export const newTag = (): string => randomBytes(6).toString('hex');
export const newBranch = (): string => `z9hG4bK${randomBytes(8).toString('hex')}`;
export const newCallId = (): string => randomBytes(12).toString('hex');

export interface MessageExtras {
  headers?: readonly string[];
  body?: string;
  contentType?: string;
}

function finish(lines: string[], extras: MessageExtras): string {
  const body = extras.body ?? '';
  lines.push(...(extras.headers ?? []));
  if (body) lines.push(`Content-Type: ${extras.contentType ?? 'application/sdp'}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** A response to `request`: Vias, From, Call-ID and CSeq copied verbatim; To gets `toTag` if it has none. */
export function buildResponse(
  request: SipRequest,
  status: number,
  reason: string,
  extras: MessageExtras & { toTag?: string } = {},
): string {
  const to = request.getHeader('to') ?? '';
  const withTag = extras.toTag && !request.toTag ? `${to};tag=${extras.toTag}` : to;
  const lines = [
    `SIP/2.0 ${status} ${reason}`,
    ...request.getHeaders('via').map((via) => `Via: ${via}`),
    `From: ${request.getHeader('from') ?? ''}`,
    `To: ${withTag}`,
    `Call-ID: ${request.callId}`,
    `CSeq: ${request.cseq} ${request.method}`,
    `Server: ${SERVER_NAME}`,
  ];
  return finish(lines, extras);
}

export interface RequestSpec extends MessageExtras {
  method: string;
  requestUri: string;
  branch: string;
  from: string;
  to: string;
  callId: string;
  cseq: number;
  contact?: string;
  /** The CSeq method, when it differs (ACK/CANCEL keep the INVITE's number). */
  cseqMethod?: string;
}

/** A request the PBX originates (to a registered phone, over its WebSocket). */
export function buildRequest(spec: RequestSpec): string {
  const lines = [
    `${spec.method} ${spec.requestUri} SIP/2.0`,
    `Via: SIP/2.0/WS ${PBX_VIA_HOST};branch=${spec.branch}`,
    'Max-Forwards: 70',
    `From: ${spec.from}`,
    `To: ${spec.to}`,
    `Call-ID: ${spec.callId}`,
    `CSeq: ${spec.cseq} ${spec.cseqMethod ?? spec.method}`,
    `User-Agent: ${SERVER_NAME}`,
  ];
  if (spec.contact) lines.push(`Contact: ${spec.contact}`);
  return finish(lines, spec);
}

export const PBX_VIA_HOST = 'pbx.invalid';

/** The dialled user part of a request URI, without user parameters (`;phone-context=…`). */
export function dialledUserPart(request: SipRequest): string | null {
  const uri = request.ruri;
  if (!uri || (uri.scheme !== 'sip' && uri.scheme !== 'sips')) return null;
  return (uri.user ?? '').split(';')[0] ?? '';
}

/**
 * A 400 for a request the grammar cannot parse (a tel: URI in To, say) — or a 416 when its
 * Request-URI has a scheme other than sip/sips (RFC 3261 §8.2.2.1: a `tel:` request is refused for its
 * scheme, however its headers are written). Only the routing headers are copied back, verbatim;
 * without them no response can reach the sender and the request is dropped.
 */
export function buildBadRequest(text: string): string | null {
  const [requestLine, ...lines] = text.split('\r\n\r\n')[0]?.split('\r\n') ?? [];
  if (!requestLine || requestLine.startsWith('SIP/2.0') || /^ACK /i.test(requestLine)) return null;
  const pick = (names: string[]) =>
    lines.filter((line) => names.includes(line.slice(0, line.indexOf(':')).trim().toLowerCase()));
  const via = pick(['via', 'v']);
  // A Via the grammar cannot read routes nowhere: then there is no one to answer.
  if (via.some((line) => Grammar.parse(line.slice(line.indexOf(':') + 1).trim(), 'Via') === -1)) return null;
  const copied = [
    ...via,
    ...pick(['from', 'f']),
    ...pick(['to', 't']),
    ...pick(['call-id', 'i']),
    ...pick(['cseq']),
  ];
  if (via.length === 0 || copied.length < via.length + 4) return null;
  const scheme = /^[A-Za-z]+ +([A-Za-z][A-Za-z0-9+.-]*):/.exec(requestLine)?.[1]?.toLowerCase();
  const status =
    scheme && scheme !== 'sip' && scheme !== 'sips' ? '416 Unsupported URI Scheme' : '400 Bad Request';
  return [`SIP/2.0 ${status}`, ...copied, `Server: ${SERVER_NAME}`, 'Content-Length: 0', '', ''].join('\r\n');
}
