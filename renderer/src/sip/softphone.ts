import {
  Invitation,
  Inviter,
  Registerer,
  RegistererState,
  SessionState,
  UserAgent,
  version as sipJsVersion,
  type Session,
  type Web,
} from 'sip.js';
import type { CallClass } from '../../../shared/dial-plan/dial-plan';
import type { Account } from '../../../shared/settings/schema';
import {
  callTransition,
  initialCall,
  type CallEvent,
  type CallOutcome,
  type CallState,
} from './call-machine';
// The PIN step's state machine is the call screen's model (features/phone); the engine feeds it.
import {
  initialPin,
  pinTransition,
  type PinEvent,
  type PinExpectation,
  type PinState,
} from '../features/phone/pin-phase';
import { pinEventOfIvrSignal } from '../features/phone/ivr-signal-events';
import { IVR_INFO_PACKAGE, parseIvrSignal } from '../../../shared/ivr-signal/ivr-signal';
import { PendingKeys, sendKey, type ToneSender } from './keypad-sender';
import { DEFAULT_MEDIA_WATCH, MediaWatch, type MediaWatchOptions } from './media-watch';
import { offerHoldsUs } from './sdp-direction';
import { iceAwareSessionDescriptionHandlerFactory } from './ice-gathering';

/**
 * The only module that touches sip.js: registration with reconnect, outgoing and incoming calls,
 * in-band DTMF, mute and hold. It exposes immutable snapshots for React (useSyncExternalStore).
 */
export type RegistrationState =
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'registered' }
  /** The PBX refused the REGISTER; `retryAt`: when the phone tries again by itself (epoch ms). */
  | { kind: 'failed'; problem: 'credentials' | 'throttled' | 'server'; retryAt: number }
  /** No connection to the PBX; `retryAt`: when the phone tries again by itself (epoch ms). */
  | { kind: 'offline'; retryInMs: number; retryAt: number };

/**
 * A refused REGISTER is tried again no sooner than this: a wrong password sent every few seconds
 * would only run into the PBX's sign-in throttle.
 */
export const REFUSED_RETRY_MIN_MS = 30_000;

export interface CallView {
  id: string;
  number: string;
  name: string | null;
  direction: 'outgoing' | 'incoming';
  startedAt: number;
  state: CallState;
  /** The client's classification with the policy's dial plan (null without a policy). */
  callClass: CallClass | null;
  /** A paid call from an extension whose IVR authentication is active: the PBX will ask for the PIN. */
  protectedPaid: boolean;
  /** The PIN step as the user sees it (counts only, never a digit); null where no PIN is expected. */
  pin?: PinState | null;
}

export interface SoftphoneSnapshot {
  registration: RegistrationState;
  call: CallView | null;
  /** The call that ended last, so the UI can say how it ended. */
  lastEnded: CallView | null;
}

export interface SoftphoneConfig {
  account: Account;
  password: string;
  iceServers: readonly string[];
  inputDeviceId: string | null;
}

export interface SoftphoneDeps {
  now(): number;
  backoffMs(attempt: number): number;
  /** Every call that ended, for the history. */
  onCallEnded(call: CallView): void;
  /** Window online/offline events, so a returning network reconnects at once. */
  onNetworkOnline(listener: () => void): () => void;
  /** Tollgate's version for the User-Agent header (package.json's, through Vite's define). */
  appVersion?: string;
  /** When a call counts as dead although SIP says it is up. */
  mediaWatch?: MediaWatchOptions;
}

const REGISTER_EXPIRES_S = 300;
const ICE_GATHERING_TIMEOUT_MS = 500;
/** stop() waits at most this long for the PBX to confirm the un-REGISTER, so quitting never hangs. */
export const UNREGISTER_TIMEOUT_MS = 1_500;

/** `Tollgate/<version> SIP.js/<version>`: the PBX sees both the product and the SIP stack. */
export function userAgentString(appVersion: string): string {
  return `Tollgate/${appVersion} SIP.js/${sipJsVersion}`;
}

export class Softphone {
  private snapshot: SoftphoneSnapshot = { registration: { kind: 'idle' }, call: null, lastEnded: null };
  private readonly listeners = new Set<() => void>();
  private ua: UserAgent | null = null;
  private registerer: Registerer | null = null;
  private config: SoftphoneConfig | null = null;
  private session: Session | null = null;
  private remoteAudio: HTMLAudioElement | null = null;
  private reconnectAttempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private stopping = false;
  private unsubscribeOnline: (() => void) | null = null;
  private readonly pendingKeys = new PendingKeys(3_000);
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private mediaWatch: MediaWatch | null = null;
  /** The last IVR signal's sequence number on this call: older or repeated ones are dropped. */
  private ivrSeq = 0;

  constructor(private readonly deps: SoftphoneDeps) {}

  /** The running sip.js user agent (for presence subscriptions); undefined before start and after stop. */
  get userAgent(): UserAgent | undefined {
    return this.ua ?? undefined;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): SoftphoneSnapshot => this.snapshot;

  /** The element remote audio plays on; it must be playing or Chromium mutes the stream. */
  attachRemoteAudio(element: HTMLAudioElement | null): void {
    this.remoteAudio = element;
    if (element && this.session) this.playRemote(this.session);
  }

  /** Switches the speaker at once, during a call too ('' is the system default). */
  async setOutputDevice(deviceId: string | null): Promise<void> {
    const element = this.remoteAudio as (HTMLAudioElement & { setSinkId?(id: string): Promise<void> }) | null;
    if (element?.setSinkId) await element.setSinkId(deviceId ?? '');
  }

  /**
   * Switches the microphone. During a call the new track replaces the old one on the same RTP
   * sender (replaceTrack: no re-INVITE, the call goes on); mute is kept. Later calls use it too.
   * Returns false if the new microphone could not be opened (the call keeps the old one).
   */
  async setInputDevice(deviceId: string | null): Promise<boolean> {
    if (this.config) this.config = { ...this.config, inputDeviceId: deviceId };
    const handler = this.handler();
    const call = this.snapshot.call;
    if (!handler || !call) return true;
    // getLocalMediaStream is protected in sip.js's types but is the SDH's own way to swap the
    // local stream: new constraints → getUserMedia → replaceTrack on the sender → stop the old track.
    const swappable = handler as unknown as {
      getLocalMediaStream(options: Web.SessionDescriptionHandlerOptions): Promise<void>;
    };
    try {
      await swappable.getLocalMediaStream({ constraints: this.constraints() });
    } catch {
      return false;
    }
    handler.enableSenderTracks(!(this.snapshot.call?.state.muted ?? call.state.muted));
    return true;
  }

  async start(config: SoftphoneConfig): Promise<void> {
    await this.stop();
    this.stopping = false;
    this.config = config;
    const { account } = config;
    const domain = account.sipDomain || new URL(account.sipWebSocketUrl).hostname;
    const uri = UserAgent.makeURI(`sip:${account.extension}@${domain}`);
    if (!uri) throw new Error('The account does not make a SIP address');
    const ua = new UserAgent({
      uri,
      displayName: account.displayName || account.extension,
      authorizationUsername: account.authUsername || account.extension,
      authorizationPassword: config.password,
      userAgentString: userAgentString(this.deps.appVersion ?? '0.0.0'),
      transportOptions: { server: account.sipWebSocketUrl, connectionTimeout: 5, keepAliveInterval: 25 },
      // Ends ICE gathering once the candidates it needs are in, not after Chromium's TCP phase.
      sessionDescriptionHandlerFactory: iceAwareSessionDescriptionHandlerFactory(config.iceServers),
      // Never sip.js's default public STUN server: only what the settings name.
      sessionDescriptionHandlerFactoryOptions: {
        peerConnectionConfiguration: { iceServers: config.iceServers.map((url) => ({ urls: url })) },
        iceGatheringTimeout: ICE_GATHERING_TIMEOUT_MS,
      },
      logBuiltinEnabled: false,
      logLevel: 'error',
      delegate: {
        onDisconnect: (error) => {
          if (!this.stopping && error) this.scheduleReconnect();
        },
        onInvite: (invitation) => this.onIncoming(invitation),
      },
    });
    this.ua = ua;
    this.unsubscribeOnline = this.deps.onNetworkOnline(() => {
      if (this.snapshot.registration.kind === 'offline') this.reconnectNow();
    });
    this.setRegistration({ kind: 'connecting' });
    try {
      await ua.start();
    } catch {
      this.scheduleReconnect();
      return;
    }
    await this.register();
  }

  /**
   * Sign-out, account change, app quit: ends the call, unregisters (expires 0) and disconnects.
   * Waits for the PBX's answer to the un-REGISTER at most UNREGISTER_TIMEOUT_MS.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.unsubscribeOnline?.();
    this.unsubscribeOnline = null;
    this.hangUp();
    const ua = this.ua;
    this.ua = null;
    const registerer = this.registerer;
    this.registerer = null;
    if (registerer) await withTimeout(unregisterAndDispose(registerer), UNREGISTER_TIMEOUT_MS);
    if (ua)
      await withTimeout(
        ua.stop().catch(() => {}),
        UNREGISTER_TIMEOUT_MS,
      );
    this.setRegistration({ kind: 'idle' });
  }

  /**
   * The page is going away (pagehide: window closed, reload): send BYE and the un-REGISTER now,
   * without waiting for answers — there is no later. The socket stays open for them to leave.
   */
  unregisterNow(): void {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.hangUp();
    if (this.registerer?.state !== RegistererState.Registered) return;
    try {
      void this.registerer.unregister().catch(() => {});
    } catch {
      // a Registerer that is already going away throws synchronously; nothing left to send
    }
  }

  // — registration —

  private async register(): Promise<void> {
    const ua = this.ua;
    if (!ua) return;
    // A Registerer stuck "already in progress" after a transport loss is replaced, not reused.
    if (this.registerer) await this.registerer.dispose().catch(() => {});
    const registerer = new Registerer(ua, { expires: REGISTER_EXPIRES_S });
    this.registerer = registerer;
    registerer.stateChange.addListener((state) => {
      if (registerer !== this.registerer) return;
      if (state === RegistererState.Registered) {
        this.reconnectAttempt = 0;
        this.setRegistration({ kind: 'registered' });
      }
    });
    await registerer
      .register({
        requestDelegate: {
          onReject: (response) => {
            const status = response.message.statusCode ?? 0;
            const reason = response.message.reasonPhrase ?? '';
            const problem = /too many/i.test(reason)
              ? 'throttled'
              : status === 401 || status === 403
                ? 'credentials'
                : 'server';
            this.scheduleRetry(problem);
          },
        },
      })
      .catch(() => this.scheduleReconnect());
  }

  private scheduleReconnect(): void {
    this.scheduleRetry(null);
  }

  /** Tries again after the back-off: reconnect (null: no connection) or REGISTER again (refused). */
  private scheduleRetry(problem: 'credentials' | 'throttled' | 'server' | null): void {
    if (this.stopping || !this.ua) return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const backoff = this.deps.backoffMs(this.reconnectAttempt++);
    const delay = problem === null ? backoff : Math.max(backoff, REFUSED_RETRY_MIN_MS);
    const retryAt = this.deps.now() + delay;
    this.setRegistration(
      problem === null
        ? { kind: 'offline', retryInMs: delay, retryAt }
        : { kind: 'failed', problem, retryAt },
    );
    this.reconnectTimer = setTimeout(() => this.reconnectNow(), delay);
  }

  /**
   * Tries again at once (the Konto tab's "Retry now", a returning network): reconnects if the
   * connection is gone, or sends a new REGISTER over the one that is up.
   */
  reconnectNow(): void {
    const ua = this.ua;
    if (!ua || this.stopping) return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const wasRefused = this.snapshot.registration.kind === 'failed';
    this.setRegistration({ kind: 'connecting' });
    (wasRefused ? Promise.resolve() : ua.reconnect())
      .then(() => this.register())
      .catch(() => this.scheduleReconnect());
  }

  // — calls —

  dial(
    number: string,
    classification: { callClass: CallClass | null; protectedPaid: boolean; pin?: PinExpectation | null },
  ): boolean {
    const ua = this.ua;
    const config = this.config;
    if (!ua || !config || this.snapshot.call || this.snapshot.registration.kind !== 'registered')
      return false;
    const domain = config.account.sipDomain || new URL(config.account.sipWebSocketUrl).hostname;
    const target = UserAgent.makeURI(
      `sip:${encodeURIComponent(number).replace(/%2B/g, '+').replace(/%2A/gi, '*')}@${domain}`,
    );
    if (!target) return false;
    const pin = pinExpectationOf(classification);
    const inviter = new Inviter(ua, target, {
      earlyMedia: true,
      // A PIN call asks the PBX to say where its IVR is (SIP INFO, RFC 6086; shared/ivr-signal).
      ...(pin ? { extraHeaders: [`Recv-Info: ${IVR_INFO_PACKAGE}`] } : {}),
      sessionDescriptionHandlerOptions: { constraints: this.constraints() },
    });
    this.session = inviter;
    const view: CallView = {
      id: inviter.id,
      number,
      name: null,
      direction: 'outgoing',
      startedAt: this.deps.now(),
      state: initialCall('outgoing'),
      callClass: classification.callClass,
      protectedPaid: classification.protectedPaid,
      pin,
    };
    this.ivrSeq = 0;
    this.setCall(view);
    this.watch(inviter);
    inviter
      .invite({
        requestDelegate: {
          onProgress: (response) => {
            const hasMedia = response.message.statusCode === 183 && Boolean(response.message.body);
            if (hasMedia) this.playRemote(inviter);
            this.event({
              type: 'progress',
              status: response.message.statusCode ?? 0,
              hasMedia,
              at: this.deps.now(),
            });
          },
          onReject: (response) =>
            this.event({
              type: 'rejected',
              status: response.message.statusCode ?? 0,
              reason: response.message.getHeader('reason'),
              at: this.deps.now(),
            }),
        },
      })
      .catch((error: unknown) => this.endWith(mediaOutcome(error)));
    return true;
  }

  accept(): void {
    const session = this.session;
    if (!(session instanceof Invitation) || this.snapshot.call?.state.phase !== 'incoming') return;
    session
      .accept({ sessionDescriptionHandlerOptions: { constraints: this.constraints() } })
      .catch((error: unknown) => this.endWith(mediaOutcome(error)));
  }

  decline(): void {
    const session = this.session;
    if (!(session instanceof Invitation) || this.snapshot.call?.state.phase !== 'incoming') return;
    // 603 Decline: the user said no. 486 would tell the caller "busy" (and some PBXes then
    // try the next device or voicemail as for a busy line).
    void session.reject({ statusCode: 603 }).catch(() => {});
    this.event({ type: 'local-hangup', at: this.deps.now() });
  }

  hangUp(): void {
    const session = this.session;
    const call = this.snapshot.call;
    if (!session || !call) return;
    if (session.state === SessionState.Established) void session.bye().catch(() => {});
    else if (session instanceof Inviter) void session.cancel().catch(() => {});
    else if (session instanceof Invitation && session.state === SessionState.Initial)
      void session.reject().catch(() => {});
    this.event({ type: 'local-hangup', at: this.deps.now() });
  }

  setMuted(muted: boolean): void {
    const handler = this.handler();
    if (!handler) return;
    handler.enableSenderTracks(!muted);
    this.event({ type: 'mute-changed', muted });
  }

  setHeld(onHold: boolean): void {
    const session = this.session;
    if (!session || session.state !== SessionState.Established) return;
    session.sessionDescriptionHandlerOptionsReInvite = {
      hold: onHold,
    } as Web.SessionDescriptionHandlerOptions;
    void session
      .invite({
        requestDelegate: { onAccept: () => this.event({ type: 'hold-changed', onHold }) },
      })
      .catch(() => {});
  }

  /**
   * One key of the in-call keypad, sent in-band (RFC 4733). While the media is still connecting the
   * key is held and sent as soon as the DTMF sender can. Returns false if it cannot be sent at all.
   */
  pressKey(key: string): boolean {
    const sent = this.sendOrHoldKey(key);
    // The PIN step counts the key (never keeps it): `#` submits.
    if (sent) this.pinSignal({ type: key === '#' ? 'submitted' : 'key', at: this.deps.now() });
    return sent;
  }

  /**
   * An in-dialog signal about the PBX's IVR (wrong code, accepted, ringing, destination answered),
   * or the phone's own observation (prompt started): moves the call's PIN step.
   */
  pinSignal(event: PinEvent): void {
    const call = this.snapshot.call;
    if (!call?.pin) return;
    const pin = pinTransition(call.pin, event);
    if (pin !== call.pin) this.setCall({ ...call, pin });
  }

  private sendOrHoldKey(key: string): boolean {
    const sender = this.toneSender();
    if (!this.pendingKeys.waiting && sendKey(sender, key)) return true;
    const connection = this.handler()?.peerConnection?.connectionState;
    if (!sender || (connection !== 'new' && connection !== 'connecting' && !this.pendingKeys.waiting))
      return false;
    if (!this.pendingKeys.hold(key, this.deps.now())) return false;
    this.flushPendingKeys();
    return true;
  }

  private flushPendingKeys(): void {
    if (this.flushTimer) return;
    const step = () => {
      this.flushTimer = null;
      const result = this.pendingKeys.flush(this.toneSender(), this.deps.now());
      if (result === 'waiting') this.flushTimer = setTimeout(step, 40);
    };
    step();
  }

  private toneSender(): ToneSender | undefined {
    return this.handler()
      ?.peerConnection?.getSenders()
      .find((candidate) => candidate.dtmf)?.dtmf as ToneSender | undefined;
  }

  // — internals —

  private onIncoming(invitation: Invitation): void {
    if (this.snapshot.call) {
      void invitation.reject({ statusCode: 486 }).catch(() => {});
      return;
    }
    this.session = invitation;
    const identity = invitation.remoteIdentity;
    this.setCall({
      id: invitation.id,
      number: identity.uri.user ?? '',
      name: identity.displayName || null,
      direction: 'incoming',
      startedAt: this.deps.now(),
      state: initialCall('incoming'),
      callClass: null,
      protectedPaid: false,
    });
    invitation.delegate = {
      // sip.js answers the CANCEL (200) and the INVITE (487) itself; this only says why it ended.
      onCancel: (cancel) =>
        this.event({ type: 'cancelled', reason: cancel.request.getHeader('reason'), at: this.deps.now() }),
    };
    this.watch(invitation);
  }

  private watch(session: Session): void {
    session.delegate = {
      ...session.delegate,
      onBye: (bye) => {
        // This delegate replaces sip.js's default handling, which would have sent the 200 OK:
        // without it the far end's BYE times out (408 after 32 s).
        void bye.accept().catch(() => {});
        this.event({ type: 'remote-hangup', reason: bye.request.getHeader('reason'), at: this.deps.now() });
      },
      // The PBX's IVR says where it is (tollgate-ivr Info Package): the PIN step follows it.
      onInfo: (info) => {
        const request = info.request;
        const signal = parseIvrSignal({
          contentType: request.getHeader('content-type'),
          infoPackage: request.getHeader('info-package'),
          body: request.body,
        });
        if (!signal) {
          void info.reject({ statusCode: 469 }).catch(() => {}); // Bad Info Package
          return;
        }
        void info.accept().catch(() => {});
        if (session !== this.session || signal.seq <= this.ivrSeq) return;
        this.ivrSeq = signal.seq;
        const event = pinEventOfIvrSignal(signal, this.deps.now());
        if (event) this.pinSignal(event);
      },
      // A re-INVITE sip.js has answered: sendonly/inactive from the far end means it holds us.
      onInvite: (request, _response, statusCode) => {
        if (session !== this.session || statusCode !== 200) return;
        const held = offerHoldsUs(request.body);
        if (held !== null) this.event({ type: 'remote-hold-changed', held });
      },
    };
    session.stateChange.addListener((state) => {
      if (session !== this.session) return;
      if (state === SessionState.Established) {
        this.playRemote(session);
        this.event({ type: 'answered', at: this.deps.now() });
        this.watchMedia(session);
      } else if (state === SessionState.Terminated) {
        // sip.js announces Terminated before it calls the reject/BYE delegates (a 403 with a Reason
        // after early media, say); let those report the cause first, then end whatever is left.
        setTimeout(() => {
          this.event({ type: 'remote-hangup', reason: undefined, at: this.deps.now() });
          if (this.session === session) this.session = null;
        }, 0);
      }
    });
  }

  /** Ends the call with "connection lost" when its media dies while SIP still says it is up. */
  private watchMedia(session: Session): void {
    this.mediaWatch?.stop();
    const connection = (session.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined)
      ?.peerConnection;
    if (!connection) return;
    this.mediaWatch = new MediaWatch(
      connection,
      this.deps.mediaWatch ?? DEFAULT_MEDIA_WATCH,
      this.deps.now,
      () => {
        if (session !== this.session) return;
        if (session.state === SessionState.Established) void session.bye().catch(() => {});
        this.event({ type: 'transport-lost', at: this.deps.now() });
      },
    );
    this.mediaWatch.start();
  }

  private event(event: CallEvent): void {
    const call = this.snapshot.call;
    if (!call) return;
    const state = callTransition(call.state, event, call.protectedPaid);
    if (state === call.state) return;
    // The first media of a PIN call is the PBX's prompt.
    const pin =
      call.pin && state.mediaSince !== null && call.state.mediaSince === null
        ? pinTransition(call.pin, { type: 'prompt-started', at: state.mediaSince })
        : call.pin;
    const next = { ...call, state, pin };
    if (state.phase === 'ended') {
      this.finishCall(next);
    } else {
      this.mediaWatch?.setPaused(state.phase === 'on-hold' || state.heldByRemote);
      this.setCall(next);
    }
  }

  private endWith(outcome: CallOutcome): void {
    const call = this.snapshot.call;
    if (!call || call.state.phase === 'ended') return;
    const ended: CallView = {
      ...call,
      state: { ...call.state, phase: 'ended', outcome, endedAt: this.deps.now() },
    };
    this.session = null;
    this.finishCall(ended);
  }

  private finishCall(ended: CallView): void {
    this.mediaWatch?.stop();
    this.mediaWatch = null;
    this.pendingKeys.clear();
    this.snapshot = { ...this.snapshot, call: null, lastEnded: ended };
    this.emit();
    this.deps.onCallEnded(ended);
  }

  private handler(): Web.SessionDescriptionHandler | null {
    return (this.session?.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined) ?? null;
  }

  private playRemote(session: Session): void {
    const handler = session.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
    const element = this.remoteAudio;
    if (!handler || !element) return;
    if (element.srcObject !== handler.remoteMediaStream) element.srcObject = handler.remoteMediaStream;
    void element.play().catch(() => {});
  }

  private constraints(): MediaStreamConstraints {
    const deviceId = this.config?.inputDeviceId;
    return { audio: deviceId ? { deviceId: { exact: deviceId } } : true, video: false };
  }

  private setRegistration(registration: RegistrationState): void {
    this.snapshot = { ...this.snapshot, registration };
    this.emit();
  }

  private setCall(call: CallView | null): void {
    this.snapshot = { ...this.snapshot, call };
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

function pinExpectationOf(classification: {
  protectedPaid: boolean;
  pin?: PinExpectation | null;
}): PinState | null {
  const expectation =
    classification.pin !== undefined ? classification.pin : classification.protectedPaid ? 'required' : null;
  return expectation ? initialPin(expectation) : null;
}

/** Sends the un-REGISTER (expires 0), then waits (in dispose) for the PBX's final answer. */
async function unregisterAndDispose(registerer: Registerer): Promise<void> {
  try {
    if (registerer.state === RegistererState.Registered) await registerer.unregister();
  } catch {
    // already unregistering or terminated: dispose still cleans up
  }
  await registerer.dispose().catch(() => {});
}

/** Resolves when the promise settles or after `ms`, whichever comes first; never rejects. */
function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, ms);
    promise.then(done, done);
  });
}

/** What went wrong when getUserMedia (inside sip.js) failed. */
function mediaOutcome(error: unknown): CallOutcome {
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'microphone-denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError')
    return 'microphone-missing';
  return 'no-media';
}
