import { Grammar } from 'sip.js';
import type { PbxLog } from '../log';
import type { SipConnection } from '../transport/websocket';
import type { AuthThrottle } from './auth-throttle';
import type { DigestAuthenticator, DigestVerdict } from './digest';
import { cancelMatches, isFromPeer, type DialogPeer } from './dialogs';
import { ServerLeg, type Leg, type SipOutlet } from './legs';
import {
  buildBadRequest,
  buildResponse,
  dialledUserPart,
  isRequest,
  parseSip,
  type SipRequest,
} from './message';
import { contactAddress, DEFAULT_EXPIRES_S, type ContactUpdate, type Registrar } from './registrar';
import { DIALOG_EVENT, DialogSubscriptions, eventOf, type SubscriptionRules } from './subscriptions';
import { ClientTransactions, DEFAULT_TRANSACTION_TIMERS, type TransactionTimers } from './transactions';

const ALLOW = 'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, SUBSCRIBE, REFER';
const ALLOW_EVENTS = `Allow-Events: ${DIALOG_EVENT}`;
/** How long a request to a phone whose socket dropped waits for it to register again. */
const HOLD_FOR_RECONNECT_MS = 15_000;

export interface SipTimers extends TransactionTimers {
  /** How often requests held for a dropped phone that never came back are forgotten. */
  sweepIntervalMs: number;
}

export const DEFAULT_SIP_TIMERS: SipTimers = { ...DEFAULT_TRANSACTION_TIMERS, sweepIntervalMs: 5_000 };

/** Sizes of the SIP service's tables: all zero once the PBX is idle (the soak test's promise). */
export interface SipStats {
  connections: number;
  transactions: number;
  dialogs: number;
  pendingInvites: number;
  calls: number;
  heldForContact: number;
  bindings: number;
  trackedNonces: number;
  throttleKeys: number;
  /** Presence subscriptions (SUBSCRIBE, event `dialog`) and extensions whose dialogs are tracked. */
  subscriptions: number;
  watchedExtensions: number;
}

/** A call the SIP service tracks: a CANCEL finds it, shutdown ends it. Applications implement it. */
export interface SipCall {
  readonly id: string;
  /** Ends the call from the PBX side (shutdown). */
  terminate(): void;
}

/** The answer of the layer above (routing/) to an authenticated INVITE: refuse it, or start a call. */
export type InviteRoute =
  | { kind: 'refuse'; status: number; reason: string; toTag: string }
  | { kind: 'call'; start(leg: ServerLeg): SipCall & { start(): unknown } };

/**
 * What the SIP service asks of the layer above about INVITEs. The SIP layer knows no dial plan and
 * no applications: routing/ implements this and the composition root (server.ts) wires it in.
 */
export interface InviteHandler {
  /**
   * Whether `caller` (authenticated) dialling `dialled` is an emergency call, so that no throttle
   * stands between that extension's registered phone and 112.
   */
  isEmergency(caller: string, dialled: string): boolean;
  /** An authenticated INVITE with SDP from `caller` (who is also its From user). */
  route(invite: { callId: string; caller: string; dialled: string }): InviteRoute;
  /** Whether `subscriber` may watch `watched`'s calls (presence): both extensions of one company. */
  canWatch?(subscriber: string, watched: string): boolean;
}

interface PendingInvite {
  invite: SipRequest;
  leg: ServerLeg;
  call: SipCall;
}

/**
 * The PBX's SIP side: takes each message from a phone's WebSocket, authenticates requests, runs the
 * registrar and hands INVITEs to routing (`InviteHandler`). SIP rules live here and in the legs;
 * sockets live in transport/; which application a call gets is routing's business (routing/).
 */
export class SipService {
  private readonly connections = new Map<string, SipConnection>();
  private readonly transactions: ClientTransactions;
  private readonly dialogs = new Map<string, { leg: Leg; peer: DialogPeer }>();
  /** INVITEs of calls still running, by Via branch, so a CANCEL finds its call (dropped when it ends). */
  private readonly pendingInvites = new Map<string, PendingInvite>();
  private readonly pendingByCall = new Map<SipCall, string>();
  private readonly calls = new Set<SipCall>();
  /** Requests to phones whose socket dropped, by Contact, until they register again. */
  private readonly heldForContact = new Map<string, { text: string; until: number }[]>();
  /** The socket each request came in on, for its responses. */
  private readonly arrivedOn = new WeakMap<SipRequest, SipConnection>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly invites: InviteHandler;
  private readonly subscriptions: DialogSubscriptions;
  readonly outlet: SipOutlet;

  constructor(
    private readonly deps: {
      /** Whether a user name names an extension (a failed sign-in counts against it only then). */
      isKnownUser(username: string): boolean;
      /** Routing, given the SIP service (its outlet and connections) once that exists. */
      invites(sip: SipService): InviteHandler;
      authenticator: DigestAuthenticator;
      /** Failed SIP authentication (HTTP sign-in has its own). */
      throttle: AuthThrottle;
      registrar: Registrar;
      log: PbxLog;
      now: () => number;
      domain: string;
      timers?: Partial<SipTimers>;
      subscriptionRules?: Partial<SubscriptionRules>;
    },
  ) {
    const timers = { ...DEFAULT_SIP_TIMERS, ...deps.timers };
    this.transactions = new ClientTransactions(timers);
    this.sweeper = setInterval(() => this.sweepHeld(), timers.sweepIntervalMs);
    this.sweeper.unref();
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
      expectResponses: (branch, method, connection, handlers) =>
        this.transactions.add(branch, method, connection.id, handlers),
      inviteCancelled: (branch) => this.transactions.cancelled(branch),
      registerDialog: (callId, tag, leg, peer) => this.dialogs.set(`${callId}|${tag}`, { leg, peer }),
      unregisterDialog: (callId, tag) => this.dialogs.delete(`${callId}|${tag}`),
      findDialog: (callId, tag) => this.dialogs.get(`${callId}|${tag}`),
      dialogState: (change) => this.subscriptions.dialogState(change),
    };
    this.subscriptions = new DialogSubscriptions({
      outlet: this.outlet,
      domain: deps.domain,
      now: deps.now,
      log: deps.log,
      ...(deps.subscriptionRules ? { rules: deps.subscriptionRules } : {}),
      // Asked again on every refresh and state change (an extension removed or moved stops watching).
      canWatch: (subscriber, watched) => this.invites.canWatch?.(subscriber, watched) ?? false,
    });
    this.invites = deps.invites(this);
  }

  /** The open socket with this id, if it is still open. */
  connection(id: string): SipConnection | undefined {
    return this.connections.get(id);
  }

  get activeCalls(): number {
    return this.calls.size;
  }

  stats(): SipStats {
    return {
      connections: this.connections.size,
      transactions: this.transactions.size,
      dialogs: this.dialogs.size,
      pendingInvites: this.pendingInvites.size,
      calls: this.calls.size,
      heldForContact: this.heldForContact.size,
      bindings: this.deps.registrar.count(),
      trackedNonces: this.deps.authenticator.trackedNonces,
      throttleKeys: this.deps.throttle.size,
      subscriptions: this.subscriptions.size,
      watchedExtensions: this.subscriptions.trackedExtensions,
    };
  }

  connectionClosed(connection: SipConnection): void {
    this.connections.delete(connection.id);
    this.deps.registrar.dropConnection(connection.id);
    this.transactions.dropConnection(connection.id);
    this.subscriptions.connectionClosed(connection.id);
  }

  /** A call is over: it no longer takes a CANCEL (applications call this through their context). */
  callEnded(call: SipCall): void {
    this.calls.delete(call);
    const branch = this.pendingByCall.get(call);
    if (branch !== undefined) this.pendingInvites.delete(branch);
    this.pendingByCall.delete(call);
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

  /** Forgets held requests whose phone did not come back in time. */
  private sweepHeld(): void {
    const now = this.deps.now();
    for (const [contact, held] of this.heldForContact) {
      const live = held.filter((message) => message.until > now);
      if (live.length === 0) this.heldForContact.delete(contact);
      else this.heldForContact.set(contact, live);
    }
  }

  /** The live socket of whichever phone registered this Contact (after it reconnected, say). */
  private connectionForContact(contactUri: string): SipConnection | undefined {
    const binding = this.deps.registrar.findByContact(contactUri, this.deps.now());
    return binding ? this.connections.get(binding.connectionId) : undefined;
  }

  /** Whether `request` on `connection` comes from the dialog's (or pending INVITE's) own phone. */
  private fromPeer(peer: DialogPeer, connection: SipConnection, request: SipRequest): boolean {
    return isFromPeer(
      peer,
      { fromTag: request.fromTag, connectionId: connection.id },
      (contact, extension) =>
        this.deps.registrar.findByContact(contact, this.deps.now(), extension ?? undefined)?.connectionId,
    );
  }

  terminateAll(): void {
    for (const call of [...this.calls]) call.terminate();
  }

  /** Stops the timers and forgets pending transactions (the PBX is stopping). */
  close(): void {
    clearInterval(this.sweeper);
    this.subscriptions.close();
    this.transactions.clear();
    this.deps.authenticator.close();
    this.deps.throttle.close();
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
    if (!isRequest(message)) return void this.transactions.dispatch(message);
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

  private onRequest(connection: SipConnection, request: SipRequest): void {
    const noSuchDialog = () =>
      void connection.send(buildResponse(request, 481, 'Call/Transaction Does Not Exist'));
    // A CANCEL belongs to the INVITE's transaction, whatever tags it carries.
    if (request.method === 'CANCEL') return this.onCancel(connection, request);
    // In-dialog requests (they carry our tag) go to their dialog, whatever their request URI says,
    // but only from the dialog's own phone.
    if (request.toTag) {
      const dialog = this.dialogs.get(`${request.callId}|${request.toTag}`);
      if (dialog && this.fromPeer(dialog.peer, connection, request)) return dialog.leg.onRequest(request);
      if (dialog) {
        this.deps.log('sip-foreign-in-dialog', {
          method: request.method,
          callId: request.callId,
          source: connection.remoteAddress,
        });
      }
      if (request.method === 'ACK') return;
      return noSuchDialog();
    }
    if (request.method === 'ACK') return;
    const scheme = request.ruri?.scheme;
    if (scheme !== 'sip' && scheme !== 'sips') {
      // RFC 3261 §8.2.2.1: a scheme the PBX does not serve (tel:, say).
      return void connection.send(buildResponse(request, 416, 'Unsupported URI Scheme', { toTag: 'uri' }));
    }
    switch (request.method) {
      case 'REGISTER':
        return this.onRegister(connection, request);
      case 'INVITE':
        return this.onInvite(connection, request);
      case 'OPTIONS':
        return void connection.send(buildResponse(request, 200, 'OK', { headers: [ALLOW, ALLOW_EVENTS] }));
      case 'SUBSCRIBE':
        return this.onSubscribe(connection, request);
      case 'REFER':
        // A transfer moves a call the phone is in; outside a dialog there is nothing to move, and a
        // REFER must never become a way to start a call (to a paid number) without the PIN IVR.
        return void connection.send(
          buildResponse(request, 403, 'Transfer Only Inside A Call', { toTag: 'refer' }),
        );
      default:
        return void connection.send(buildResponse(request, 405, 'Method Not Allowed', { headers: [ALLOW] }));
    }
  }

  /** CANCEL: only the INVITE's own transaction (branch, Call-ID, From tag, CSeq) from its own phone. */
  private onCancel(connection: SipConnection, request: SipRequest): void {
    const pending = this.pendingInvites.get(request.viaBranch);
    if (
      pending &&
      cancelMatches(pending.invite, request) &&
      this.fromPeer(pending.leg.peer, connection, request)
    ) {
      const dialog = this.dialogs.get(`${request.callId}|${pending.leg.toTag}`);
      if (dialog) return dialog.leg.onRequest(request);
    }
    connection.send(buildResponse(request, 481, 'Call/Transaction Does Not Exist'));
  }

  /**
   * Digest authentication of a request. Returns the extension, or null after answering the request
   * (challenge, stale challenge, 403, or throttled).
   *
   * The credentials are checked first, always; then the throttle decides. While a source or an
   * extension is throttled every authenticated request gets the same 403, right password or not, so
   * the answer tells a guesser nothing.
   *
   * The one exemption: an `emergency` request (a 112 INVITE) that authenticated correctly and
   * arrived on a socket holding a live registration of that very extension passes a throttle, so a
   * phone behind a NAT address that someone else abused still reaches 112. The exemption is decided
   * after the credentials and only for the registered socket: otherwise anyone could guess an
   * extension's password without limit by dialling 112 (a wrong password must still count and be
   * throttled, and a right one from an unregistered socket learns nothing while throttled).
   */
  private authenticate(
    connection: SipConnection,
    request: SipRequest,
    proxy: boolean,
    emergency: (username: string) => boolean = () => false,
  ): string | null {
    const source = connection.remoteAddress;
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
    const verdict = this.deps.authenticator.verify(header, {
      method: request.method,
      uriMatches: (uri) => uriMatchesRequest(uri, request),
    });
    const claimed =
      verdict.username !== undefined && knownUser(verdict, this.deps.isKnownUser) ? verdict.username : null;
    const exempt =
      verdict.kind === 'ok' &&
      emergency(verdict.username) &&
      this.holdsRegistration(connection, verdict.username);
    const throttled = exempt ? ({ throttled: false } as const) : this.deps.throttle.check(source, claimed);
    if (verdict.kind === 'invalid') {
      this.deps.throttle.recordFailure(source, claimed);
      this.deps.log('auth-failed', {
        method: request.method,
        source,
        reason: verdict.reason,
        extension: claimed,
      });
    }
    if (throttled.throttled) {
      this.deps.log('auth-throttled', {
        method: request.method,
        source,
        by: throttled.by,
        extension: claimed,
      });
      connection.send(
        buildResponse(request, 403, 'Too Many Failed Attempts', {
          headers: [`Retry-After: ${throttled.retryAfterS}`],
          toTag: 'auth',
        }),
      );
      return null;
    }
    if (verdict.kind === 'stale') {
      // An expired nonce, or a nonce count used before (sip.js repeats its last one on re-REGISTER):
      // a fresh challenge, which a phone that knows the password answers at once.
      connection.send(buildResponse(request, status, reason, { headers: challenge(true), toTag: 'auth' }));
      return null;
    }
    if (verdict.kind === 'invalid') {
      connection.send(buildResponse(request, 403, 'Forbidden', { toTag: 'auth' }));
      return null;
    }
    this.deps.throttle.recordSuccess(source, verdict.username);
    return verdict.username;
  }

  /** Whether `connection` holds a live registration of `extension` (its own phone's socket). */
  private holdsRegistration(connection: SipConnection, extension: string): boolean {
    return this.deps.registrar
      .lookup(extension, this.deps.now())
      .some((binding) => binding.connectionId === connection.id);
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

  /** SUBSCRIBE (RFC 6665) to the `dialog` package of a colleague's extension (RFC 4235). */
  private onSubscribe(connection: SipConnection, request: SipRequest): void {
    if (eventOf(request) !== DIALOG_EVENT) {
      // RFC 6665 §4.2.1.1: an event package the PBX does not serve (before any authentication).
      return void connection.send(
        buildResponse(request, 489, 'Bad Event', { headers: [ALLOW_EVENTS], toTag: 'sub' }),
      );
    }
    const subscriber = this.authenticate(connection, request, true);
    if (subscriber === null) return;
    if (request.from.uri.user !== subscriber) {
      return void connection.send(buildResponse(request, 403, 'Forbidden', { toTag: 'id' }));
    }
    const watched = dialledUserPart(request) ?? '';
    if (!this.invites.canWatch?.(subscriber, watched)) {
      return void connection.send(buildResponse(request, 404, 'Not Found', { toTag: 'sub' }));
    }
    this.subscriptions.subscribe(connection, request, subscriber, watched);
  }

  private onInvite(connection: SipConnection, request: SipRequest): void {
    const dialled = dialledUserPart(request) ?? '';
    // Emergency or not is decided for the authenticated caller's dial plan; the throttle exemption
    // also needs that caller's registration on this socket (see authenticate).
    const username = this.authenticate(connection, request, true, (user) =>
      this.invites.isEmergency(user, dialled),
    );
    if (username === null) return;
    // The caller is who authenticated; a From naming anyone else is refused.
    if (request.from.uri.user !== username) {
      connection.send(buildResponse(request, 403, 'Forbidden', { toTag: 'id' }));
      return;
    }
    if (!request.body) {
      connection.send(buildResponse(request, 488, 'Not Acceptable Here', { toTag: 'sdp' }));
      return;
    }
    const route = this.invites.route({ callId: request.callId, caller: username, dialled });
    if (route.kind === 'refuse') {
      connection.send(buildResponse(request, route.status, route.reason, { toTag: route.toTag }));
      return;
    }
    const leg = new ServerLeg(request, connection, this.outlet, username);
    const call = route.start(leg);
    this.calls.add(call);
    this.pendingInvites.set(request.viaBranch, { invite: request, leg, call });
    this.pendingByCall.set(call, request.viaBranch);
    void call.start();
  }
}

/**
 * Whether a digest `uri` names the request's Request-URI: the same text, or the same URI once both
 * are normalised by sip.js's grammar (sip.js writes the request line raw and the digest uri normal).
 */
export function uriMatchesRequest(uri: string, request: SipRequest): boolean {
  const ruri = request.ruri;
  if (!ruri) return false;
  if (uri === ruri.toRaw()) return true;
  const parsed = Grammar.URIParse(uri);
  return parsed !== undefined && parsed.toString() === ruri.toString();
}

/**
 * Whether the user a verdict names exists. A verdict that got as far as the HA1 lookup (a right
 * or wrong response, a stale nonce, an unknown user) already says so; only the others ask the store
 * (a database query per REGISTER saved: 4.6 % of the registrar's time under load).
 */
function knownUser(verdict: DigestVerdict, isKnownUser: (username: string) => boolean): boolean {
  if (verdict.username === undefined) return false;
  if (verdict.kind === 'ok' || verdict.kind === 'stale') return true;
  if (verdict.reason === 'wrong-response') return true;
  if (verdict.reason === 'unknown-user') return false;
  return isKnownUser(verdict.username);
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
