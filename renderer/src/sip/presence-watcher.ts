import { Subscriber, SubscriptionState, UserAgent, type Notification } from 'sip.js';
import { nextPresence, parseDialogInfo, type PresenceState } from './presence';

/**
 * Watches colleagues' extensions through SIP SUBSCRIBE to the `dialog` event package (RFC 4235),
 * with sip.js's `Subscriber` on the softphone's running user agent. A PBX that does not offer it
 * (489 Bad Event, 405, 404, or no NOTIFY at all) makes `supported` false and the directory shows no dots.
 */
export type WatchedPresence = PresenceState | 'unknown';

/** The PBX allows a bounded number of subscriptions per connection; the phone asks for fewer. */
export const MAX_WATCHED = 40;
const EXPIRES_S = 600;

type Listener = () => void;

export class PresenceWatcher {
  private readonly subscribers = new Map<string, Subscriber>();
  private readonly states = new Map<string, { version: number; state: PresenceState } | null>();
  private readonly listeners = new Set<Listener>();
  private refused = false;
  private snapshot: ReadonlyMap<string, WatchedPresence> = new Map();

  constructor(
    private readonly ua: UserAgent,
    private readonly domain: string,
  ) {}

  /** False once the PBX refused the event package: the directory shows no presence then. */
  get supported(): boolean {
    return !this.refused;
  }

  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): ReadonlyMap<string, WatchedPresence> => this.snapshot;

  /** Watches exactly these extensions (the first MAX_WATCHED): new ones subscribed, others ended. */
  watch(extensions: readonly string[]): void {
    if (this.refused) return;
    const wanted = new Set(extensions.slice(0, MAX_WATCHED));
    for (const [extension, subscriber] of this.subscribers) {
      if (wanted.has(extension)) continue;
      this.subscribers.delete(extension);
      this.states.delete(extension);
      void subscriber.unsubscribe().catch(() => {});
    }
    for (const extension of wanted) if (!this.subscribers.has(extension)) this.start(extension);
    this.publish();
  }

  private stopping = false;

  stop(): void {
    this.stopping = true;
    for (const subscriber of this.subscribers.values()) void subscriber.unsubscribe().catch(() => {});
    this.subscribers.clear();
    this.states.clear();
    this.stopping = false;
    this.publish();
  }

  private start(extension: string): void {
    const uri = UserAgent.makeURI(`sip:${extension}@${this.domain}`);
    if (!uri) return;
    const subscriber = new Subscriber(this.ua, uri, 'dialog', {
      expires: EXPIRES_S,
      extraHeaders: ['Accept: application/dialog-info+xml'],
    });
    this.subscribers.set(extension, subscriber);
    this.states.set(extension, null);
    subscriber.delegate = {
      onNotify: (notification: Notification) => {
        void notification.accept();
        const info = parseDialogInfo(notification.request.body);
        notified = true;
        this.states.set(extension, nextPresence(this.states.get(extension) ?? null, info));
        this.publish();
      },
    };
    let notified = false;
    subscriber.stateChange.addListener((state) => {
      if (state === SubscriptionState.Subscribed) notified = true;
      if (state !== SubscriptionState.Terminated || this.subscribers.get(extension) !== subscriber) return;
      this.subscribers.delete(extension);
      this.states.delete(extension);
      // Refused before any NOTIFY (489 Bad Event, 405, 404, no answer): this PBX offers no presence
      // for it; stop asking for all of them, so a PBX without presence costs one SUBSCRIBE.
      if (!notified && !this.stopping) {
        this.refused = true;
        this.stop();
      }
      this.publish();
    });
    void subscriber.subscribe().catch(() => {});
  }

  private publish(): void {
    const next = new Map<string, WatchedPresence>();
    for (const extension of this.subscribers.keys())
      next.set(extension, this.states.get(extension)?.state ?? 'unknown');
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }
}
