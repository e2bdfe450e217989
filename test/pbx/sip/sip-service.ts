import { classifyDestination } from '../../../shared/dial-plan/dial-plan';
import type { ActiveCall, CallContext } from '../calls/call-context';
import { InternalCall } from '../calls/internal-call';
import type { Leg, SipOutlet } from '../calls/legs';
import { ServerLeg } from '../calls/legs';
import { MediaCall } from '../calls/media-call';
import type { PbxLog } from '../log';
import type { PbxDatabase } from '../store/database';
import type { SipConnection } from '../transport/websocket';
import type { DigestAuthenticator, FailureThrottle } from './digest';
import {
  buildBadRequest,
  buildResponse,
  dialledUserPart,
  isRequest,
  parseSip,
  type SipRequest,
  type SipResponse,
} from './message';
import { contactAddress, DEFAULT_EXPIRES_S, type ContactUpdate, type Registrar } from './registrar';

const ALLOW = 'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER';
/** How long a request to a phone whose socket dropped waits for it to register again. */
const HOLD_FOR_RECONNECT_MS = 15_000;

/**
 * The PBX's SIP side: takes each message from a phone's WebSocket, authenticates requests, runs the
 * registrar and routes calls. SIP rules live here and in the legs; sockets live in transport/.
 */
export class SipService {
  private readonly connections = new Map<string, SipConnection>();
  private readonly transactions = new Map<string, (response: SipResponse) => void>();
  private readonly dialogs = new Map<string, Leg>();
  /** INVITEs not yet answered, by Via branch, so a CANCEL finds its call. */
  private readonly pendingInvites = new Map<string, Leg>();
  private readonly calls = new Set<ActiveCall>();
  /** Requests to phones whose socket dropped, by Contact, until they register again. */
  private readonly heldForContact = new Map<string, { text: string; until: number }[]>();
  /** The socket each request came in on, for its responses. */
  private readonly arrivedOn = new WeakMap<SipRequest, SipConnection>();
  private readonly context: CallContext;
  readonly outlet: SipOutlet;

  constructor(
    private readonly deps: {
      db: PbxDatabase;
      authenticator: DigestAuthenticator;
      throttle: FailureThrottle;
      registrar: Registrar;
      log: PbxLog;
      now: () => number;
      domain: string;
    },
    contextParts: Omit<
      CallContext,
      'outlet' | 'registrar' | 'db' | 'connection' | 'domain' | 'now' | 'log' | 'callEnded'
    >,
  ) {
    this.outlet = {
      contact: '<sip:pbx@pbx.invalid;transport=ws>',
      send: (connection, text, remoteTarget) => {
        if (this.connections.has(connection.id) || !remoteTarget) return void connection.send(text);
        const live = this.connectionForContact(remoteTarget);
        if (live) return void live.send(text);
        // The phone's socket dropped: hold the request until it registers again (or give up).
        const key = contactAddress(remoteTarget);
        const held = this.heldForContact.get(key) ?? [];
        held.push({ text, until: this.deps.now() + HOLD_FOR_RECONNECT_MS });
        this.heldForContact.set(key, held);
      },
      reply: (request, text) => this.arrivedOn.get(request)?.send(text),
      expectResponses: (branch, onResponse) => this.transactions.set(branch, onResponse),
      registerDialog: (callId, tag, leg) => this.dialogs.set(`${callId}|${tag}`, leg),
      unregisterDialog: (callId, tag) => this.dialogs.delete(`${callId}|${tag}`),
    };
    this.context = {
      ...contextParts,
      outlet: this.outlet,
      registrar: deps.registrar,
      db: deps.db,
      connection: (id) => this.connections.get(id),
      domain: deps.domain,
      now: deps.now,
      log: deps.log,
      callEnded: (call) => this.calls.delete(call),
    };
  }

  get activeCalls(): number {
    return this.calls.size;
  }

  connectionOpened(connection: SipConnection): void {
    this.connections.set(connection.id, connection);
  }

  connectionClosed(connection: SipConnection): void {
    this.connections.delete(connection.id);
    this.deps.registrar.dropConnection(connection.id);
  }

  private releaseHeld(contacts: readonly string[], connection: SipConnection): void {
    const now = this.deps.now();
    for (const contact of contacts.map(contactAddress)) {
      const held = this.heldForContact.get(contact);
      if (!held) continue;
      this.heldForContact.delete(contact);
      for (const message of held) if (message.until > now) connection.send(message.text);
    }
  }

  /** The live socket of whichever phone registered this Contact (after it reconnected, say). */
  private connectionForContact(contactUri: string): SipConnection | undefined {
    const binding = this.deps.registrar.findByContact(contactUri, this.deps.now());
    return binding ? this.connections.get(binding.connectionId) : undefined;
  }

  terminateAll(): void {
    for (const call of [...this.calls]) call.terminate();
  }

  receive(connection: SipConnection, text: string): void {
    this.connections.set(connection.id, connection);
    const message = parseSip(text);
    if (!message) {
      this.deps.log('sip-unparseable', { connection: connection.id, bytes: text.length });
      const badRequest = buildBadRequest(text);
      if (badRequest) connection.send(badRequest);
      return;
    }
    if (!isRequest(message)) return this.onResponse(message);
    if (!hasMandatoryHeaders(message)) {
      // RFC 3261 §8.1.1: without Via, From, To, Call-ID and CSeq there is no transaction to answer.
      this.deps.log('sip-incomplete', { connection: connection.id, method: message.method });
      const badRequest = message.method === 'ACK' ? null : buildBadRequest(text);
      if (badRequest) connection.send(badRequest);
      return;
    }
    this.arrivedOn.set(message, connection);
    try {
      this.onRequest(connection, message);
    } catch (error) {
      this.deps.log('sip-error', {
        method: message.method,
        error: error instanceof Error ? error.message : String(error),
      });
      if (message.method !== 'ACK') connection.send(buildResponse(message, 500, 'Server Internal Error'));
    }
  }

  private onResponse(response: SipResponse): void {
    const handler = this.transactions.get(response.viaBranch);
    if (!handler) return;
    if ((response.statusCode ?? 0) >= 200) this.transactions.delete(response.viaBranch);
    handler(response);
  }

  private onRequest(connection: SipConnection, request: SipRequest): void {
    // In-dialog requests (they carry our tag) go to their dialog, whatever their request URI says.
    if (request.toTag) {
      const leg = this.dialogs.get(`${request.callId}|${request.toTag}`);
      if (leg) return leg.onRequest(request);
      if (request.method === 'ACK') return;
      return void connection.send(buildResponse(request, 481, 'Call/Transaction Does Not Exist'));
    }
    switch (request.method) {
      case 'REGISTER':
        return this.onRegister(connection, request);
      case 'INVITE':
        return this.onInvite(connection, request);
      case 'CANCEL': {
        const leg = this.pendingInvites.get(request.viaBranch);
        if (leg) return leg.onRequest(request);
        return void connection.send(buildResponse(request, 481, 'Call/Transaction Does Not Exist'));
      }
      case 'ACK':
        return;
      case 'OPTIONS':
        return void connection.send(buildResponse(request, 200, 'OK', { headers: [ALLOW] }));
      default:
        return void connection.send(buildResponse(request, 405, 'Method Not Allowed', { headers: [ALLOW] }));
    }
  }

  /**
   * Digest authentication of a request. Returns the extension, or null after answering the request
   * (challenge, stale challenge, 403, or throttled).
   */
  private authenticate(connection: SipConnection, request: SipRequest, proxy: boolean): string | null {
    const source = connection.remoteAddress;
    if (this.deps.throttle.isThrottled(source)) {
      connection.send(
        buildResponse(request, 403, 'Too Many Failed Attempts', { headers: ['Retry-After: 60'] }),
      );
      return null;
    }
    const header = request.getHeader(proxy ? 'proxy-authorization' : 'authorization');
    const challenge = (stale: boolean) =>
      this.deps.authenticator
        .challenges(stale)
        .map((value) => `${proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate'}: ${value}`);
    const status = proxy ? 407 : 401;
    const reason = proxy ? 'Proxy Authentication Required' : 'Unauthorized';
    if (!header) {
      connection.send(buildResponse(request, status, reason, { headers: challenge(false), toTag: 'auth' }));
      return null;
    }
    const verdict = this.deps.authenticator.verify(header, request.method);
    if (verdict.kind === 'stale') {
      connection.send(buildResponse(request, status, reason, { headers: challenge(true), toTag: 'auth' }));
      return null;
    }
    if (verdict.kind === 'invalid') {
      this.deps.throttle.recordFailure(source);
      this.deps.log('auth-failed', { method: request.method, source, reason: verdict.reason });
      connection.send(buildResponse(request, 403, 'Forbidden', { toTag: 'auth' }));
      return null;
    }
    return verdict.username;
  }

  private onRegister(connection: SipConnection, request: SipRequest): void {
    const extension = this.authenticate(connection, request, false);
    if (extension === null) return;
    if (request.to.uri.user !== extension) {
      connection.send(buildResponse(request, 403, 'Forbidden', { toTag: 'reg' }));
      return;
    }
    const contacts = contactUpdates(request);
    const outcome = this.deps.registrar.register(
      extension,
      contacts,
      { connectionId: connection.id, callId: request.callId, cseq: request.cseq },
      this.deps.now(),
    );
    if (outcome.kind === 'interval-too-brief') {
      connection.send(
        buildResponse(request, 423, 'Interval Too Brief', {
          headers: [`Min-Expires: ${outcome.minExpiresS}`],
          toTag: 'reg',
        }),
      );
      return;
    }
    if (outcome.kind === 'out-of-order') {
      connection.send(buildResponse(request, 500, 'Server Internal Error', { toTag: 'reg' }));
      return;
    }
    const now = this.deps.now();
    const headers = outcome.bindings.map(
      (binding) =>
        `Contact: <${binding.contactUri}>;expires=${Math.max(0, Math.round((binding.expiresAt - now) / 1000))}`,
    );
    this.deps.log('registered', { extension, contacts: outcome.bindings.length });
    // Requests held for a phone that dropped go out once that phone's Contact registers again.
    if (this.heldForContact.size > 0 && Array.isArray(contacts)) {
      this.releaseHeld(
        contacts.filter((contact) => contact.expiresS > 0).map((contact) => contact.contactUri),
        connection,
      );
    }
    connection.send(
      buildResponse(request, 200, 'OK', {
        headers: [...headers, `Date: ${new Date(now).toUTCString()}`],
        toTag: 'reg',
      }),
    );
  }

  private onInvite(connection: SipConnection, request: SipRequest): void {
    const uri = request.ruri;
    if (!uri || (uri.scheme !== 'sip' && uri.scheme !== 'sips')) {
      connection.send(buildResponse(request, 416, 'Unsupported URI Scheme', { toTag: 'uri' }));
      return;
    }
    const username = this.authenticate(connection, request, true);
    if (username === null) return;
    // The caller is who authenticated; a From naming anyone else is refused.
    if (request.from.uri.user !== username) {
      connection.send(buildResponse(request, 403, 'Forbidden', { toTag: 'id' }));
      return;
    }
    const caller = this.deps.db.findExtension(username);
    if (!caller) {
      connection.send(buildResponse(request, 403, 'Forbidden', { toTag: 'id' }));
      return;
    }
    if (!request.body) {
      connection.send(buildResponse(request, 488, 'Not Acceptable Here', { toTag: 'sdp' }));
      return;
    }
    const classification = classifyDestination(
      dialledUserPart(request) ?? '',
      this.deps.db.dialPlanOf(caller.companyId),
    );
    this.deps.log('call-started', {
      callId: request.callId,
      caller: username,
      callClass: classification.callClass,
    });
    if (classification.callClass === 'invalid') {
      const [status, reason] =
        classification.reason === 'not-a-number' ? [484, 'Address Incomplete'] : [404, 'Not Found'];
      connection.send(buildResponse(request, status, reason, { toTag: 'route' }));
      return;
    }
    const leg = new ServerLeg(request, connection, this.outlet);
    const call =
      classification.callClass === 'internal'
        ? new InternalCall(leg, caller, classification.extension, this.context)
        : new MediaCall(leg, { caller, classification }, this.context);
    this.calls.add(call);
    const pendingKey = request.viaBranch;
    this.pendingInvites.set(pendingKey, {
      onRequest: (cancel) => this.dialogs.get(`${request.callId}|${leg.toTag}`)?.onRequest(cancel),
    });
    setTimeout(() => this.pendingInvites.delete(pendingKey), 120_000).unref();
    void call.start();
  }
}

function hasMandatoryHeaders(request: SipRequest): boolean {
  return ['via', 'from', 'to', 'call-id', 'cseq'].every((name) => request.getHeader(name) !== undefined);
}

/** Contact updates of a REGISTER: null for a query, '*' for remove-all, else URIs with expiry. */
function contactUpdates(request: SipRequest): ContactUpdate[] | '*' | null {
  const headers = request.getHeaders('contact');
  if (headers.length === 0) return null;
  if (headers.some((header) => header.trim() === '*')) return '*';
  const expiresHeader = Number.parseInt(request.getHeader('expires') ?? '', 10);
  const updates: ContactUpdate[] = [];
  const count = headers.length;
  for (let index = 0; index < count; index++) {
    const parsed = request.parseHeader('contact', index) as
      | {
          uri?: { toString(): string };
          getParam?(name: string): string | undefined;
          parameters?: Record<string, string>;
        }
      | undefined;
    if (!parsed?.uri) continue;
    const expiresParam = Number.parseInt(parsed.parameters?.['expires'] ?? '', 10);
    const expiresS = Number.isFinite(expiresParam)
      ? expiresParam
      : Number.isFinite(expiresHeader)
        ? expiresHeader
        : DEFAULT_EXPIRES_S;
    updates.push({ contactUri: parsed.uri.toString(), expiresS });
  }
  return updates;
}
