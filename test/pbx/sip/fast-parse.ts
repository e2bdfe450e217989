import { Core, Grammar, NameAddrHeader, URI } from 'sip.js';

/**
 * The PBX's hot-path SIP parser: the same result as sip.js's `Core.Parser.parseMessage`, object for
 * object, at a fraction of its cost for the messages phones send all day (REGISTER, in-dialog
 * requests).
 *
 * It is sip.js's own message loop (its `getHeader` finds each header, its `parseHeader` handles every
 * header this file does not know) with a strict scanner in front of the grammar for the request line
 * and the headers routing reads: Via, From, To, Call-ID, CSeq, Contact, Content-Length and
 * Max-Forwards. Each scanner accepts only a narrow, common shape (plain domain hosts, token
 * parameters, quoted display names without escapes…) and builds exactly the objects the grammar
 * would build (sip.js's own `URI` and `NameAddrHeader`, the same parameter normalisation). Anything
 * else — an IPv4/IPv6 host, an escape, a `q` parameter, a second Contact in one header, a response —
 * is handed to sip.js's grammar unchanged. So the grammar still decides every unusual message; the
 * scanner can only say "this common shape, these objects" or "not mine".
 *
 * test/unit/pbx/sip-fast-parse.test.ts holds the differential test: over a corpus of valid, unusual
 * and malformed messages, this parser and sip.js's must give deep-equal messages (or both refuse).
 * Size caps are not this file's business: the WebSocket transport bounds a message before it gets here.
 */

type Message = Core.IncomingRequestMessage | Core.IncomingResponseMessage;
/** A header entry as sip.js stores it in `message.headers` (raw text, grammar result once parsed). */
interface HeaderEntry {
  raw: string;
  parsed?: unknown;
}
/** sip.js declares `headers` as `{[name: string]: {parsed?: any; raw: string}[]}`. */
type Headers = Record<string, HeaderEntry[]>;

const silentLogger = {
  error: () => {},
  warn: () => {},
  log: () => {},
  debug: () => {},
} as unknown as Core.Logger; // sip.js's Logger class; the parser only calls these four methods.

/** sip.js's grammar for the whole message (the reference; the calibration's "one REGISTER parse"). */
export function parseWithGrammar(text: string): Message | null {
  try {
    return Core.Parser.parseMessage(text, silentLogger) ?? null;
  } catch {
    return null;
  }
}

// RFC 3261 tokens, restricted to what the scanner is sure the grammar reads the same way.
const TOKEN = "[A-Za-z0-9.!%*_+`'~-]+";
const USER = "[A-Za-z0-9_.!~*'()+-]+";
// Written so that each character can be matched one way only (no backtracking blow-up on long input).
const LABEL = '[A-Za-z0-9]+(?:-+[A-Za-z0-9]+)*';
const TOP_LABEL = '[A-Za-z][A-Za-z0-9]*(?:-+[A-Za-z0-9]+)*';
/** A domain name whose last label starts with a letter (the grammar's `hostname`, never an IPv4). */
const HOST = `(?:${LABEL}\\.)*${TOP_LABEL}`;
const PORT = '[0-9]{1,5}';
const URI_PARAMS = "(?:;[A-Za-z0-9_.!~*'()+-]+(?:=[A-Za-z0-9_.!~*'()+-]+)?)*";
const URI_PATTERN = `(sips?):(?:(${USER})@)?(${HOST})(?::(${PORT}))?(${URI_PARAMS})`;
const QUOTED = '"[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]*"';
const HEADER_PARAMS = `(?:;${TOKEN}(?:=(?:${TOKEN}|${QUOTED}))?)*`;

const REQUEST_LINE = new RegExp(`^([A-Z]+) ${URI_PATTERN} SIP/2\\.0$`);
const NAME_ADDR = new RegExp(`^(?:(${QUOTED}) ?)?<${URI_PATTERN}>(${HEADER_PARAMS})$`);
const VIA = new RegExp(
  `^SIP/2\\.0/(WS|WSS|UDP|TCP|TLS) (${HOST})(?::(${PORT}))?((?:;${TOKEN}(?:=${TOKEN})?)*)$`,
);
const CALL_ID = new RegExp(`^${TOKEN}(?:@${TOKEN})?$`);
const CSEQ = /^([0-9]{1,9}) ([A-Z]+)$/;
const DIGITS = /^[0-9]{1,9}$/;
/**
 * Longer values than this go to the grammar, as before: the scanner's patterns are linear, but a
 * bound keeps its cost per header small whatever a peer sends (real headers are far shorter).
 */
const MAX_SCANNED = 512;
/**
 * The methods the grammar spells out before its `extension-method` token. It tries them in order
 * and never backtracks into the choice, so `REGISTERX` (a known method plus more) is refused by it.
 */
const GRAMMAR_METHODS = [
  'ACK',
  'BYE',
  'CANCEL',
  'INVITE',
  'NOTIFY',
  'OPTIONS',
  'PUBLISH',
  'REFER',
  'REGISTER',
  'SUBSCRIBE',
  'VXACH',
];
const readsAsMethod = (method: string) =>
  GRAMMAR_METHODS.includes(method) || !GRAMMAR_METHODS.some((known) => method.startsWith(known));
const EXPIRES = /^(?:0|[1-9][0-9]{0,8})$/;

/** One parameter of a text already known to match a params pattern (quoted values may hold `;`). */
const PARAM = new RegExp(`;([^;=]+)(?:=(${QUOTED}|[^;]*))?`, 'gy');

/** `;a=b;c` → [['a','b'],['c',undefined]]. */
function splitParams(text: string): [string, string | undefined][] {
  const pairs: [string, string | undefined][] = [];
  PARAM.lastIndex = 0;
  for (let match = PARAM.exec(text); match; match = PARAM.exec(text)) pairs.push([match[1] ?? '', match[2]]);
  return pairs;
}

/**
 * sip.js types parameters as strings; its grammar passes undefined for a parameter without a value,
 * which `setParam` stores as null — the scanner passes what the grammar passes.
 */
const asParameters = (parameters: Record<string, string | undefined>) => parameters as Record<string, string>;

/** A URI as the grammar builds it, or null when a parameter needs the grammar's special rules. */
function buildUri(
  scheme: string,
  user: string | undefined,
  host: string,
  port: string | undefined,
  params: string,
): URI | null {
  const parameters: Record<string, string | undefined> = {};
  for (const [rawName, value] of splitParams(params)) {
    const name = rawName.toLowerCase();
    if (name === 'transport') {
      if (value === undefined) return null;
      parameters[name] = value.toLowerCase();
    } else if (name === 'lr') {
      if (value !== undefined) return null;
      parameters[name] = undefined;
    } else if (name === 'user' || name === 'method' || name === 'ttl' || name === 'maddr') {
      return null;
    } else parameters[name] = value;
  }
  return new URI(
    scheme,
    user as string, // sip.js types it string; its grammar passes undefined for a URI without user
    host,
    port === undefined ? undefined : Number.parseInt(port, 10),
    asParameters(parameters),
  );
}

/** Header parameters as the grammar stores them (names lower-cased, values as written). */
function headerParams(text: string): Record<string, string | undefined> {
  const parameters: Record<string, string | undefined> = {};
  for (const [name, value] of splitParams(text)) parameters[name.toLowerCase()] = value;
  return parameters;
}

/** From/To/Contact in `name-addr` form; null when the grammar must decide. */
function nameAddr(value: string, kind: 'from-to' | 'contact'): NameAddrHeader | null {
  if (value.length > MAX_SCANNED) return null;
  const match = NAME_ADDR.exec(value);
  if (!match) return null;
  const [, quoted, scheme = '', user, host = '', port, uriParams = '', params = ''] = match;
  const uri = buildUri(scheme, user, host, port, uriParams);
  if (!uri) return null;
  const parameters = headerParams(params);
  const displayName = quoted === undefined ? undefined : quoted.slice(1, -1);
  if (kind === 'contact') {
    // `q` is a number to the grammar and `expires` a delta-seconds: only plain forms are taken here.
    if ('q' in parameters) return null;
    const expires = parameters['expires'];
    if ('expires' in parameters && (expires === undefined || !EXPIRES.test(expires))) return null;
    return new NameAddrHeader(uri, displayName as string, asParameters(parameters));
  }
  // The grammar sets `tag` after the other parameters (its value is a token, never quoted).
  const tag = parameters['tag'];
  if ('tag' in parameters) {
    if (tag === undefined || tag.startsWith('"')) return null;
    delete parameters['tag'];
  }
  const header = new NameAddrHeader(uri, displayName as string, asParameters(parameters));
  if (tag) header.setParam('tag', tag);
  return header;
}

interface ParsedVia {
  protocol: string;
  transport: string;
  host_type: string;
  host: string;
  port?: number;
  branch?: string;
  params?: Record<string, undefined>;
}

function via(value: string): ParsedVia | null {
  if (value.length > MAX_SCANNED) return null;
  const match = VIA.exec(value);
  if (!match) return null;
  const [, transport = '', host = '', port, params = ''] = match;
  const parsed: ParsedVia = { protocol: 'SIP', transport, host_type: 'domain', host };
  if (port !== undefined) parsed.port = Number.parseInt(port, 10);
  for (const [name, paramValue] of splitParams(params)) {
    if (name === 'branch' && paramValue !== undefined && parsed.branch === undefined)
      parsed.branch = paramValue;
    else if (name === 'rport' && paramValue === undefined && parsed.params === undefined)
      parsed.params = { rport: undefined };
    else return null;
  }
  return parsed;
}

/** The request line; null when the grammar must read it (a response, an unusual URI). */
function requestLine(line: string): { method: string; uri: URI } | null {
  if (line.length > MAX_SCANNED) return null;
  const match = REQUEST_LINE.exec(line);
  if (!match) return null;
  const [, method = '', scheme = '', user, host = '', port, params = ''] = match;
  if (!readsAsMethod(method)) return null;
  const uri = buildUri(scheme, user, host, port, params);
  return uri ? { method, uri } : null;
}

/**
 * One header through the scanner: true when it handled it exactly as sip.js would, false to hand it
 * to sip.js's `Parser.parseHeader`.
 */
function scanHeader(message: Message, name: string, value: string): boolean {
  const headers = message.headers as Headers;
  switch (name.toLowerCase()) {
    case 'via':
    case 'v': {
      if (headers['Via']) {
        headers['Via'].push({ raw: value });
        return true;
      }
      const parsed = via(value);
      if (!parsed) return false;
      headers['Via'] = [{ raw: value, parsed }];
      (message as { via: unknown }).via = parsed;
      message.viaBranch = parsed.branch as string;
      return true;
    }
    case 'from':
    case 'f':
    case 'to':
    case 't': {
      const parsed = nameAddr(value, 'from-to');
      if (!parsed) return false;
      const isFrom = name.length === 1 ? name.toLowerCase() === 'f' : name.length === 4;
      headers[isFrom ? 'From' : 'To'] = [{ raw: value, parsed }];
      const tag = parsed.getParam('tag') as string;
      if (isFrom) {
        message.from = parsed;
        message.fromTag = tag;
      } else {
        message.to = parsed;
        message.toTag = tag;
      }
      return true;
    }
    case 'call-id':
    case 'i':
      if (value.length > MAX_SCANNED || !CALL_ID.test(value)) return false;
      headers['Call-ID'] = [{ raw: value, parsed: value }];
      message.callId = value;
      return true;
    case 'cseq': {
      const [, number = '', method = ''] = CSEQ.exec(value) ?? [];
      if (!number || !readsAsMethod(method) || message instanceof Core.IncomingResponseMessage) return false;
      const parsed = { value: Number.parseInt(number, 10), method };
      headers['CSeq'] = [{ raw: value, parsed }];
      message.cseq = parsed.value;
      return true;
    }
    case 'contact':
    case 'm': {
      if (value === '*') return false;
      const parsed = nameAddr(value, 'contact');
      if (!parsed) return false;
      (headers['Contact'] ??= []).push({ raw: value, parsed });
      return true;
    }
    case 'content-length':
    case 'l':
    case 'max-forwards': {
      if (!DIGITS.test(value)) return false;
      const key = name.length === 14 || name === 'l' || name === 'L' ? 'Content-Length' : 'Max-Forwards';
      headers[key] = [{ raw: value, parsed: Number.parseInt(value, 10) }];
      return true;
    }
    default:
      return false;
  }
}

/** Parses a SIP message: sip.js's result, through the scanner where it can, its grammar elsewhere. */
export function parseFast(data: string): Message | null {
  try {
    return parseMessage(data);
  } catch {
    return null;
  }
}

/** sip.js's `Parser.parseMessage`, step for step, with the scanner in front of the grammar. */
function parseMessage(data: string): Message | null {
  let headerEnd = data.indexOf('\r\n');
  if (headerEnd === -1) return null;
  const firstLine = data.substring(0, headerEnd);
  const line = requestLine(firstLine);
  let message: Message;
  if (line) {
    message = new Core.IncomingRequestMessage();
    message.method = line.method;
    message.ruri = line.uri;
  } else {
    const parsed = Grammar.parse(firstLine, 'Request_Response') as
      -1 | { status_code?: number; reason_phrase: string; method: string; uri: URI };
    if (parsed === -1) return null;
    if (!parsed.status_code) {
      message = new Core.IncomingRequestMessage();
      message.method = parsed.method;
      message.ruri = parsed.uri;
    } else {
      message = new Core.IncomingResponseMessage();
      message.statusCode = parsed.status_code;
      message.reasonPhrase = parsed.reason_phrase;
    }
  }
  message.data = data;
  let headerStart = headerEnd + 2;
  let bodyStart: number;
  for (;;) {
    headerEnd = Core.Parser.getHeader(data, headerStart);
    if (headerEnd === -2) {
      bodyStart = headerStart + 2;
      break;
    }
    if (headerEnd === -1) return null;
    const colon = data.indexOf(':', headerStart);
    const handled =
      colon >= 0 &&
      colon < headerEnd &&
      scanHeader(
        message,
        data.substring(headerStart, colon).trim(),
        data.substring(colon + 1, headerEnd).trim(),
      );
    if (!handled) {
      const result = Core.Parser.parseHeader(message, data, headerStart, headerEnd) as
        boolean | { error: string };
      if (result && result !== true) return null;
    }
    headerStart = headerEnd + 2;
  }
  message.body = message.hasHeader('content-length')
    ? data.substr(bodyStart, Number(message.getHeader('content-length')))
    : data.substring(bodyStart);
  return message;
}
