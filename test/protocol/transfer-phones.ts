import type { SessionState } from 'sip.js';
import {
  Inviter,
  Registerer,
  RegistererState,
  UserAgent,
  type Invitation,
  type Notification,
  type Session,
  type SessionDescriptionHandler,
} from 'sip.js';
import { WebSocket } from 'ws';

// sip.js's WebSocket transport uses the global WebSocket, which Node 20 does not have.
(globalThis as unknown as { WebSocket: unknown }).WebSocket ??= WebSocket;

/**
 * sip.js phones for transfer and presence tests whose "media" is an SDP naming the phone and how
 * often it offered or answered. The PBX passes SDP through untouched between extensions, so a test
 * can read who was connected to whom from the descriptions each phone received — without the cost
 * of real media (werift) for the renegotiation a transfer needs.
 */
export class LabelledMedia implements SessionDescriptionHandler {
  generation = 0;
  /** Every remote description set, in order. */
  readonly remote: string[] = [];

  constructor(readonly label: string) {}

  getDescription = () =>
    Promise.resolve({
      body: [
        'v=0',
        `o=- 1 ${++this.generation} IN IP4 127.0.0.1`,
        `s=${this.label}#${this.generation}`,
        'c=IN IP4 127.0.0.1',
        't=0 0',
        'm=audio 9 RTP/AVP 0',
        'a=sendrecv',
        '',
      ].join('\r\n'),
      contentType: 'application/sdp',
    });

  hasDescription = (contentType: string) => contentType === 'application/sdp';

  setDescription = (sdp: string) => {
    this.remote.push(sdp);
    return Promise.resolve();
  };

  sendDtmf = () => false;
  close = () => {};

  /** The label of whoever sent the last remote description. */
  get peer(): string | undefined {
    const last = this.remote.at(-1);
    return last ? /^s=([^#\r\n]+)/m.exec(last)?.[1] : undefined;
  }
}

export interface LabelledPhone {
  ua: UserAgent;
  extension: string;
  /** Calls that reached this phone, in order (answered at once when `autoAnswer`). */
  incoming: Invitation[];
  nextIncoming(): Promise<Invitation>;
  call(target: string): Inviter;
  stop(): Promise<void>;
}

export async function labelledPhone(
  server: string,
  domain: string,
  extension: { number: string; password: string },
  autoAnswer = true,
): Promise<LabelledPhone> {
  const incoming: Invitation[] = [];
  let wake: ((invitation: Invitation) => void)[] = [];
  const ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${extension.number}@${domain}`),
    transportOptions: { server },
    authorizationUsername: extension.number,
    authorizationPassword: extension.password,
    logLevel: 'error',
    logBuiltinEnabled: false,
    sessionDescriptionHandlerFactory: () => new LabelledMedia(extension.number),
    delegate: {
      onInvite: (invitation) => {
        incoming.push(invitation);
        if (autoAnswer) void invitation.accept();
        const waiting = wake;
        wake = [];
        waiting.forEach((resolve) => resolve(invitation));
      },
    },
  });
  const registerer = new Registerer(ua, { expires: 300 });
  await ua.start();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${extension.number} did not register`)), 20_000);
    registerer.stateChange.addListener((state) => {
      if (state === RegistererState.Registered) {
        clearTimeout(timer);
        resolve();
      }
    });
    void registerer.register();
  });
  let seen = 0;
  return {
    ua,
    extension: extension.number,
    incoming,
    nextIncoming: () => {
      const ready = incoming[seen];
      if (ready) {
        seen++;
        return Promise.resolve(ready);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${extension.number}: no incoming call`)), 20_000);
        wake.push((invitation) => {
          clearTimeout(timer);
          seen++;
          resolve(invitation);
        });
      });
    },
    call: (target) => {
      const uri = UserAgent.makeURI(`sip:${target}@${domain}`);
      if (!uri) throw new Error(`bad target ${target}`);
      const inviter = new Inviter(ua, uri);
      void inviter.invite();
      return inviter;
    },
    stop: async () => {
      if (registerer.state === RegistererState.Registered) await registerer.unregister().catch(() => {});
      await ua.stop();
    },
  };
}

export function inState(session: Session, state: SessionState, timeoutMs = 20_000): Promise<void> {
  if (session.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`session stayed ${session.state}, not ${state}`)),
      timeoutMs,
    );
    session.stateChange.addListener((next) => {
      if (next === state) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

export const mediaOf = (session: Session) => session.sessionDescriptionHandler as LabelledMedia;

export interface ReferOutcome {
  status: number;
  reason: string;
  /** The sipfrag bodies of the NOTIFYs the transferor received, in order. */
  notifies: string[];
  /** Resolves when a NOTIFY with Subscription-State terminated arrived. */
  done: Promise<void>;
}

/**
 * Sends a REFER in `session`'s dialog: `to` is a URI or a session (attended, sip.js adds Replaces),
 * or `referTo` a raw Refer-To value (a test's attack). Resolves with the REFER's final response.
 */
export function refer(
  session: Session,
  to: { target: Session | URIString } | { referTo: string },
): Promise<ReferOutcome> {
  const notifies: string[] = [];
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => (finished = resolve));
  const onNotify = (notification: Notification) => {
    notifies.push(notification.request.body.trim());
    void notification.accept();
    if ((notification.request.getHeader('subscription-state') ?? '').startsWith('terminated')) finished();
  };
  return new Promise((resolve) => {
    const requestDelegate = {
      onAccept: (response: { message: { statusCode?: number; reasonPhrase?: string } }) =>
        resolve({
          status: response.message.statusCode ?? 0,
          reason: response.message.reasonPhrase ?? '',
          notifies,
          done,
        }),
      onReject: (response: { message: { statusCode?: number; reasonPhrase?: string } }) =>
        resolve({
          status: response.message.statusCode ?? 0,
          reason: response.message.reasonPhrase ?? '',
          notifies,
          done,
        }),
    };
    if ('referTo' in to) {
      // The raw way: sip.js's dialog sends exactly the Refer-To the test wrote.
      const dialog = session.dialog;
      if (!dialog) throw new Error('no dialog');
      session.delegate = { ...session.delegate, onNotify };
      dialog.refer(requestDelegate, { extraHeaders: [`Refer-To: ${to.referTo}`] });
      return;
    }
    const target = typeof to.target === 'string' ? UserAgent.makeURI(to.target) : to.target;
    if (!target) throw new Error('bad target');
    void session.refer(target, { onNotify, requestDelegate });
  });
}

type URIString = `sip:${string}`;
