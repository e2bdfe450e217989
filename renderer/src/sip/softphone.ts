import {
  Invitation,
  Inviter,
  Registerer,
  RegistererState,
  SessionState,
  UserAgent,
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
import { PendingKeys, sendKey, type ToneSender } from './keypad-sender';

/**
 * The only module that touches sip.js: registration with reconnect, outgoing and incoming calls,
 * in-band DTMF, mute and hold. It exposes immutable snapshots for React (useSyncExternalStore).
 */
export type RegistrationState =
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'registered' }
  | { kind: 'failed'; problem: 'credentials' | 'throttled' | 'server' }
  | { kind: 'offline'; retryInMs: number };

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
}

const REGISTER_EXPIRES_S = 300;
const ICE_GATHERING_TIMEOUT_MS = 500;

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

  constructor(private readonly deps: SoftphoneDeps) {}

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

  async setOutputDevice(deviceId: string | null): Promise<void> {
    const element = this.remoteAudio as (HTMLAudioElement & { setSinkId?(id: string): Promise<void> }) | null;
    if (element?.setSinkId) await element.setSinkId(deviceId ?? '');
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
      transportOptions: { server: account.sipWebSocketUrl, connectionTimeout: 5, keepAliveInterval: 25 },
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

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.unsubscribeOnline?.();
    this.unsubscribeOnline = null;
    this.hangUp();
    const ua = this.ua;
    this.ua = null;
    if (this.registerer?.state === RegistererState.Registered)
      await this.registerer.unregister().catch(() => {});
    await this.registerer?.dispose().catch(() => {});
    this.registerer = null;
    await ua?.stop().catch(() => {});
    this.setRegistration({ kind: 'idle' });
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
            this.setRegistration({ kind: 'failed', problem });
          },
        },
      })
      .catch(() => this.scheduleReconnect());
  }

  private scheduleReconnect(): void {
    if (this.stopping || !this.ua) return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const delay = this.deps.backoffMs(this.reconnectAttempt++);
    this.setRegistration({ kind: 'offline', retryInMs: delay });
    this.reconnectTimer = setTimeout(() => this.reconnectNow(), delay);
  }

  private reconnectNow(): void {
    const ua = this.ua;
    if (!ua || this.stopping) return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.setRegistration({ kind: 'connecting' });
    ua.reconnect()
      .then(() => this.register())
      .catch(() => this.scheduleReconnect());
  }

  // — calls —

  dial(number: string, classification: { callClass: CallClass | null; protectedPaid: boolean }): boolean {
    const ua = this.ua;
    const config = this.config;
    if (!ua || !config || this.snapshot.call || this.snapshot.registration.kind !== 'registered')
      return false;
    const domain = config.account.sipDomain || new URL(config.account.sipWebSocketUrl).hostname;
    const target = UserAgent.makeURI(
      `sip:${encodeURIComponent(number).replace(/%2B/g, '+').replace(/%2A/gi, '*')}@${domain}`,
    );
    if (!target) return false;
    const inviter = new Inviter(ua, target, {
      earlyMedia: true,
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
    };
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
    void session.reject({ statusCode: 486 }).catch(() => {});
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
    this.watch(invitation);
    invitation.delegate = {
      onCancel: () => this.event({ type: 'remote-hangup', reason: undefined, at: this.deps.now() }),
    };
  }

  private watch(session: Session): void {
    session.delegate = {
      ...session.delegate,
      onBye: (bye) =>
        this.event({ type: 'remote-hangup', reason: bye.request.getHeader('reason'), at: this.deps.now() }),
    };
    session.stateChange.addListener((state) => {
      if (session !== this.session) return;
      if (state === SessionState.Established) {
        this.playRemote(session);
        this.event({ type: 'answered', at: this.deps.now() });
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

  private event(event: CallEvent): void {
    const call = this.snapshot.call;
    if (!call) return;
    const state = callTransition(call.state, event, call.protectedPaid);
    if (state === call.state) return;
    const next = { ...call, state };
    if (state.phase === 'ended') {
      this.finishCall(next);
    } else {
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

/** What went wrong when getUserMedia (inside sip.js) failed. */
function mediaOutcome(error: unknown): CallOutcome {
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'microphone-denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError')
    return 'microphone-missing';
  return 'no-media';
}
