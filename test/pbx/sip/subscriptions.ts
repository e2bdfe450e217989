import { createHash } from 'node:crypto';
import type { PbxLog } from '../log';
import type { SipConnection } from '../transport/websocket';
import type { DialogPeer } from './dialogs';
import type { DialogState, DialogStateChange, Leg, SipOutlet } from './legs';
import { buildRequest, buildResponse, newBranch, newTag, type SipRequest } from './message';

/**
 * Presence / BLF: SUBSCRIBE to the `dialog` event package (RFC 6665, RFC 4235). A phone watches a
 * colleague's extension and gets a NOTIFY with the whole `application/dialog-info+xml` document
 * (`state="full"`, a version that rises with every NOTIFY of the subscription) whenever one of
 * that extension's calls changes state (trying, early, confirmed, terminated).
 *
 * What a watcher learns is the state and direction of each call only: no Call-ID, tags or remote
 * party (a paid destination or the caller's number is nobody else's business, and dialog
 * identifiers would only help someone target a call).
 */
export const DIALOG_EVENT = 'dialog';
export const DIALOG_INFO_TYPE = 'application/dialog-info+xml';

export interface SubscriptionRules {
  /** Subscriptions one WebSocket may hold at once. */
  perConnection: number;
  /** Subscriptions one extension (all its phones) may hold at once. */
  perSubscriber: number;
  minExpiresS: number;
  maxExpiresS: number;
  /** When SUBSCRIBE has no Expires (RFC 4235 §3.2: the package's default). */
  defaultExpiresS: number;
}

export const DEFAULT_SUBSCRIPTION_RULES: SubscriptionRules = {
  perConnection: 64,
  perSubscriber: 128,
  minExpiresS: 60,
  maxExpiresS: 3600,
  defaultExpiresS: 3600,
};

export interface WatchedDialog {
  id: string;
  direction: 'initiator' | 'recipient';
  state: DialogState;
}

/** The dialog-info document (RFC 4235 §4): full state of one extension's dialogs. */
export function dialogInfoXml(entity: string, version: number, dialogs: readonly WatchedDialog[]): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${version}" state="full" entity="${escapeXml(entity)}">`,
    ...dialogs.map(
      (dialog) =>
        `  <dialog id="${escapeXml(dialog.id)}" direction="${dialog.direction}"><state>${dialog.state}</state></dialog>`,
    ),
    '</dialog-info>',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** An opaque dialog id for watchers: stable for the dialog, says nothing about it. */
function opaqueId(id: string): string {
  return createHash('sha256').update(id).digest('base64url').slice(0, 16);
}

/** The clamped expiry a SUBSCRIBE asks for, or why it is refused (pure). */
export function grantedExpiry(
  requested: number | null,
  rules: SubscriptionRules,
): { kind: 'ok'; expiresS: number } | { kind: 'too-brief' } {
  const asked = requested ?? rules.defaultExpiresS;
  if (asked === 0) return { kind: 'ok', expiresS: 0 };
  if (asked < rules.minExpiresS) return { kind: 'too-brief' };
  return { kind: 'ok', expiresS: Math.min(asked, rules.maxExpiresS) };
}

interface Subscription {
  callId: string;
  localTag: string;
  subscriberTag: string;
  subscriber: string;
  watched: string;
  connection: SipConnection;
  /** The subscriber's Contact: NOTIFY's request URI. */
  target: string;
  /** SUBSCRIBE's To (our side) and From (theirs), as the NOTIFY's From and To. */
  fromHeader: string;
  toHeader: string;
  cseq: number;
  version: number;
  expiresAt: number;
  timer: NodeJS.Timeout | null;
}

export interface SubscriptionDeps {
  outlet: SipOutlet;
  domain: string;
  now(): number;
  log: PbxLog;
  rules?: Partial<SubscriptionRules>;
  /**
   * Whether `subscriber` may (still) watch `watched` (same company, both exist). Asked again on every
   * refresh and before every state NOTIFY, so an extension removed or moved to another company stops
   * watching at once instead of keeping its subscription until it expires (up to an hour).
   */
  canWatch?(subscriber: string, watched: string): boolean;
}

export class DialogSubscriptions {
  private readonly rules: SubscriptionRules;
  private readonly byKey = new Map<string, Subscription>();
  /** Each extension's live dialogs, by dialog id (kept only while someone could watch). */
  private readonly dialogs = new Map<string, Map<string, WatchedDialog>>();

  constructor(private readonly deps: SubscriptionDeps) {
    this.rules = { ...DEFAULT_SUBSCRIPTION_RULES, ...deps.rules };
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Extensions with live dialogs tracked (zero once the PBX is idle). */
  get trackedExtensions(): number {
    return this.dialogs.size;
  }

  /**
   * A new (out-of-dialog) SUBSCRIBE from `subscriber`, already authenticated and allowed to watch
   * `watched`. Answers it and sends the first NOTIFY.
   */
  subscribe(connection: SipConnection, request: SipRequest, subscriber: string, watched: string): void {
    const expiry = grantedExpiry(expiresOf(request), this.rules);
    if (expiry.kind === 'too-brief') {
      return this.reply(
        request,
        423,
        'Interval Too Brief',
        [`Min-Expires: ${this.rules.minExpiresS}`],
        'sub',
      );
    }
    const live = [...this.byKey.values()];
    if (
      expiry.expiresS > 0 &&
      (live.filter((sub) => sub.connection.id === connection.id).length >= this.rules.perConnection ||
        live.filter((sub) => sub.subscriber === subscriber).length >= this.rules.perSubscriber)
    ) {
      this.deps.log('subscription-refused', { subscriber, why: 'too-many' });
      return this.reply(request, 403, 'Too Many Subscriptions', [], 'sub');
    }
    const localTag = newTag();
    const subscription: Subscription = {
      callId: request.callId,
      localTag,
      subscriberTag: request.fromTag,
      subscriber,
      watched,
      connection,
      target: contactOf(request) ?? request.from.uri.toString(),
      fromHeader: `${request.getHeader('to') ?? ''};tag=${localTag}`,
      toHeader: request.getHeader('from') ?? '',
      cseq: 0,
      version: 0,
      expiresAt: this.deps.now() + expiry.expiresS * 1000,
      timer: null,
    };
    this.reply(
      request,
      200,
      'OK',
      [`Expires: ${expiry.expiresS}`, `Contact: ${this.deps.outlet.contact}`],
      localTag,
    );
    if (expiry.expiresS === 0) {
      // A fetch (RFC 6665 §4.4.3): one NOTIFY with the state, and the subscription is over.
      this.notify(subscription, 'terminated;reason=timeout');
      return;
    }
    this.byKey.set(keyOf(subscription), subscription);
    this.deps.outlet.registerDialog(
      subscription.callId,
      localTag,
      this.legOf(subscription),
      this.peerOf(subscription),
    );
    this.arm(subscription);
    this.deps.log('subscribed', { subscriber, watched, expiresS: expiry.expiresS });
    this.notify(subscription);
  }

  /** An extension's dialog changed: every watcher of it gets the full state. */
  dialogState(change: DialogStateChange): void {
    const own = this.dialogs.get(change.extension) ?? new Map<string, WatchedDialog>();
    const id = opaqueId(change.id);
    if (change.state === 'terminated' && !own.has(id)) return;
    own.set(id, { id, direction: change.direction, state: change.state });
    this.dialogs.set(change.extension, own);
    for (const subscription of [...this.byKey.values()])
      if (subscription.watched === change.extension && this.stillAllowed(subscription))
        this.notify(subscription);
    if (change.state === 'terminated') {
      own.delete(id);
      if (own.size === 0) this.dialogs.delete(change.extension);
    }
  }

  /** The socket is gone: its subscriptions end without a NOTIFY (no one to send it to). */
  connectionClosed(connectionId: string): void {
    for (const subscription of [...this.byKey.values()])
      if (subscription.connection.id === connectionId) this.end(subscription, null);
  }

  close(): void {
    for (const subscription of [...this.byKey.values()]) this.end(subscription, null);
  }

  private legOf(subscription: Subscription): Leg {
    return {
      onRequest: (request) => {
        if (request.method !== 'SUBSCRIBE') {
          return this.reply(request, 405, 'Method Not Allowed', ['Allow: SUBSCRIBE']);
        }
        if (eventOf(request) !== DIALOG_EVENT) {
          return this.reply(request, 489, 'Bad Event', [`Allow-Events: ${DIALOG_EVENT}`]);
        }
        const expiry = grantedExpiry(expiresOf(request), this.rules);
        if (expiry.kind === 'too-brief') {
          return this.reply(request, 423, 'Interval Too Brief', [`Min-Expires: ${this.rules.minExpiresS}`]);
        }
        this.reply(request, 200, 'OK', [
          `Expires: ${expiry.expiresS}`,
          `Contact: ${this.deps.outlet.contact}`,
        ]);
        if (expiry.expiresS === 0) {
          // Unsubscribe: a last NOTIFY with the state, then it is over.
          this.deps.log('unsubscribed', {
            subscriber: subscription.subscriber,
            watched: subscription.watched,
          });
          return this.end(subscription, 'terminated;reason=timeout');
        }
        if (!this.stillAllowed(subscription)) return;
        subscription.expiresAt = this.deps.now() + expiry.expiresS * 1000;
        this.arm(subscription);
        this.notify(subscription);
      },
    };
  }

  /**
   * Re-checks the subscription's authorization; when it no longer holds, ends it with a last NOTIFY
   * (RFC 6665 §4.2.2, `reason=rejected`: a change in authorization policy) that carries no state.
   */
  private stillAllowed(subscription: Subscription): boolean {
    if (!this.deps.canWatch || this.deps.canWatch(subscription.subscriber, subscription.watched)) return true;
    this.deps.log('subscription-ended', {
      subscriber: subscription.subscriber,
      watched: subscription.watched,
      why: 'not-allowed',
    });
    this.end(subscription, 'terminated;reason=rejected');
    return false;
  }

  private peerOf(subscription: Subscription): DialogPeer {
    return {
      connectionId: subscription.connection.id,
      extension: subscription.subscriber,
      remoteTag: () => subscription.subscriberTag,
      remoteTarget: () => subscription.target,
    };
  }

  private arm(subscription: Subscription): void {
    if (subscription.timer) clearTimeout(subscription.timer);
    subscription.timer = setTimeout(
      () => this.end(subscription, 'terminated;reason=timeout'),
      Math.max(0, subscription.expiresAt - this.deps.now()),
    );
    subscription.timer.unref();
  }

  private end(subscription: Subscription, finalState: string | null): void {
    if (subscription.timer) clearTimeout(subscription.timer);
    subscription.timer = null;
    if (this.byKey.get(keyOf(subscription)) === subscription) {
      this.byKey.delete(keyOf(subscription));
      this.deps.outlet.unregisterDialog(subscription.callId, subscription.localTag);
    }
    if (finalState) this.notify(subscription, finalState);
  }

  private notify(subscription: Subscription, subscriptionState?: string): void {
    const remaining = Math.max(0, Math.round((subscription.expiresAt - this.deps.now()) / 1000));
    const state = subscriptionState ?? `active;expires=${remaining}`;
    // A subscription ended for lost authorization learns nothing more (an empty document).
    const dialogs =
      subscriptionState === 'terminated;reason=rejected'
        ? []
        : [...(this.dialogs.get(subscription.watched)?.values() ?? [])];
    const body = dialogInfoXml(
      `sip:${subscription.watched}@${this.deps.domain}`,
      subscription.version++,
      dialogs,
    );
    const branch = newBranch();
    const subscribed = () => this.byKey.get(keyOf(subscription)) === subscription;
    this.deps.outlet.expectResponses(branch, 'NOTIFY', subscription.connection, {
      onResponse: (response) => {
        const status = response.statusCode ?? 0;
        // RFC 6665 §4.1.3: a NOTIFY refused (481 and friends) ends the subscription.
        if (status >= 300 && subscribed()) {
          this.deps.log('subscription-ended', { watched: subscription.watched, status });
          this.end(subscription, null);
        }
      },
    });
    this.deps.outlet.send(
      subscription.connection,
      buildRequest({
        method: 'NOTIFY',
        requestUri: subscription.target,
        branch,
        from: subscription.fromHeader,
        to: subscription.toHeader,
        callId: subscription.callId,
        cseq: ++subscription.cseq,
        contact: this.deps.outlet.contact,
        headers: [`Event: ${DIALOG_EVENT}`, `Subscription-State: ${state}`],
        body,
        contentType: DIALOG_INFO_TYPE,
      }),
      subscription.target,
    );
  }

  private reply(
    request: SipRequest,
    status: number,
    reason: string,
    headers: string[],
    toTag?: string,
  ): void {
    this.deps.outlet.reply(
      request,
      buildResponse(request, status, reason, { headers, ...(toTag ? { toTag } : {}) }),
    );
  }
}

function keyOf(subscription: { callId: string; localTag: string }): string {
  return `${subscription.callId}|${subscription.localTag}`;
}

/** The event package a SUBSCRIBE names, without parameters (`dialog;id=…` is `dialog`). */
export function eventOf(request: SipRequest): string {
  return (
    (request.getHeader('event') ?? request.getHeader('o') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  );
}

function expiresOf(request: SipRequest): number | null {
  const value = request.getHeader('expires');
  if (value === undefined) return null;
  const parsed = Number.parseInt(value, 10);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : null;
}

function contactOf(request: SipRequest): string | null {
  try {
    const contact = request.parseHeader('contact') as { uri?: { toString(): string } } | undefined;
    return contact?.uri?.toString() ?? null;
  } catch {
    return null;
  }
}
