import {
  Invitation,
  Inviter,
  Registerer,
  RegistererState,
  SessionState,
  SIPExtension,
  UserAgent,
  version as sipJsVersion,
  type Referral,
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
import {
  decideIncoming,
  decideRefer,
  DEFAULT_CALL_HANDLING,
  isInternalParty,
  MAX_CALLS,
  type CallHandlingRules,
  type Party,
  type PartyClass,
} from '../phone/call-handling';
import { dialTargetOf } from '../phone/sip-target';
import {
  reasonText,
  sipfragStatus,
  startTransfer,
  transferSettled,
  transferTransition,
  type TransferEvent,
  type TransferKind,
  type TransferState,
} from '../phone/transfer-machine';
import { iceAwareSessionDescriptionHandlerFactory } from './ice-gathering';

/**
 * The only module that touches sip.js: registration with reconnect, outgoing and incoming calls (at
 * most MAX_CALLS at once: the call in front and one held or waiting), in-band DTMF, mute, hold, swap,
 * transfer (REFER, sent and followed) and calls that replace another (INVITE with Replaces). Each call
 * has its own state machine (call-machine.ts, data); the engine keeps them in arrival order and
 * exposes immutable snapshots for React (useSyncExternalStore).
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
  /** The phone answered by itself (auto-answer for calls from other extensions). */
  autoAnswered?: boolean;
  /** A transfer of this call the user asked for (REFER), and how far it got. */
  transfer?: TransferState | null;
  /** This call consults the party of that call before an attended transfer (its id). */
  consultFor?: string | null;
  /** This call was placed because the other party transferred us (REFER): who did. */
  referredBy?: string | null;
  /** The other party asked the phone to call someone (REFER) and the phone said no: why. */
  referRefused?: ReferRefusal | null;
}

export type ReferRefusal = 'pin-required' | 'not-internal' | 'busy' | 'bad-target';

export interface SoftphoneSnapshot {
  registration: RegistrationState;
  /** The call in front: the one keypad, mute and hang-up act on (null: no call). */
  call: CallView | null;
  /** Every call in arrival order (at most MAX_CALLS): the one in front, one held or waiting. */
  calls: readonly CallView[];
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
  /** Every call that ended, for the history (refused ones too: DND, call waiting off, busy). */
  onCallEnded(call: CallView): void;
  /** Window online/offline events, so a returning network reconnects at once. */
  onNetworkOnline(listener: () => void): () => void;
  /** Tollgate's version for the User-Agent header (package.json's, through Vite's define). */
  appVersion?: string;
  /** When a call counts as dead although SIP says it is up. */
  mediaWatch?: MediaWatchOptions;
}

/** How the phone judges a party (dial plan + PIN rule); without a policy: nothing known. */
export type PartyJudge = (party: Party) => PartyClass;
const UNKNOWN_PARTY: PartyJudge = () => ({ callClass: null, needsPin: false });

const REGISTER_EXPIRES_S = 300;
const ICE_GATHERING_TIMEOUT_MS = 500;
/** stop() waits at most this long for the PBX to confirm the un-REGISTER, so quitting never hangs. */
export const UNREGISTER_TIMEOUT_MS = 1_500;

/** `Tollgate/<version> SIP.js/<version>`: the PBX sees both the product and the SIP stack. */
export function userAgentString(appVersion: string): string {
  return `Tollgate/${appVersion} SIP.js/${sipJsVersion}`;
}

/** One call the engine keeps: its sip.js session (replaced by an INVITE with Replaces) and its view. */
interface Line {
  session: Session;
  view: CallView;
  /** The last IVR signal's sequence number on this call: older or repeated ones are dropped. */
  ivrSeq: number;
  readonly pendingKeys: PendingKeys;
  flushTimer: ReturnType<typeof setTimeout> | null;
  mediaWatch: MediaWatch | null;
  /** This call is being transferred by the other party: the id of the call the phone placed for it. */
  referredTo: string | null;
}

type Classified = { callClass: CallClass | null; protectedPaid: boolean; pin?: PinExpectation | null };

export class Softphone {
  private snapshot: SoftphoneSnapshot = {
    registration: { kind: 'idle' },
    call: null,
    calls: [],
    lastEnded: null,
  };
  private readonly listeners = new Set<() => void>();
  private ua: UserAgent | null = null;
  private registerer: Registerer | null = null;
  private config: SoftphoneConfig | null = null;
  /** Every call, in arrival order. */
  private lines: Line[] = [];
  private frontId: string | null = null;
  private remoteAudio: HTMLAudioElement | null = null;
  private reconnectAttempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private stopping = false;
  private unsubscribeOnline: (() => void) | null = null;
  private rules: CallHandlingRules = DEFAULT_CALL_HANDLING;
  private judgeParty: PartyJudge = UNKNOWN_PARTY;

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

  /**
   * The user's call handling (settings.calls: call waiting, DND, auto-answer) and how to judge a
   * party with the policy (internal? needs the PIN?). Takes effect for the next incoming call or REFER.
   */
  configureCalls(options: { rules?: CallHandlingRules; judgeParty?: PartyJudge | null }): void {
    if (options.rules) this.rules = options.rules;
    if (options.judgeParty !== undefined) this.judgeParty = options.judgeParty ?? UNKNOWN_PARTY;
  }

  /** The element remote audio plays on; it must be playing or Chromium mutes the stream. */
  attachRemoteAudio(element: HTMLAudioElement | null): void {
    this.remoteAudio = element;
    const front = this.front();
    if (element && front) this.playRemote(front.session);
  }

  /** Switches the speaker at once, during a call too ('' is the system default). */
  async setOutputDevice(deviceId: string | null): Promise<void> {
    const element = this.remoteAudio as (HTMLAudioElement & { setSinkId?(id: string): Promise<void> }) | null;
    if (element?.setSinkId) await element.setSinkId(deviceId ?? '');
  }

  /**
   * Switches the microphone. During calls the new track replaces the old one on the same RTP
   * sender (replaceTrack: no re-INVITE, the calls go on); mute and hold are kept. Later calls use it
   * too. Returns false if the new microphone could not be opened (the calls keep the old one).
   */
  async setInputDevice(deviceId: string | null): Promise<boolean> {
    if (this.config) this.config = { ...this.config, inputDeviceId: deviceId };
    for (const line of [...this.lines]) {
      const handler = handlerOf(line.session);
      if (!handler) continue;
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
      handler.enableSenderTracks(sends(line.view.state));
    }
    return true;
  }

  /**
   * start() and stop() run one after the other, in the order they were called: an account change
   * is a stop and a start, and a slow un-REGISTER of the old account must not finish after the new
   * one registered and mark the phone idle (seen: "not connected" while registered).
   */
  private lifecycle: Promise<void> = Promise.resolve();

  private inTurn(step: () => Promise<void>): Promise<void> {
    const run = this.lifecycle.then(step);
    this.lifecycle = run.catch(() => {});
    return run;
  }

  start(config: SoftphoneConfig): Promise<void> {
    return this.inTurn(() => this.startNow(config));
  }

  private async startNow(config: SoftphoneConfig): Promise<void> {
    await this.stopNow();
    this.stopping = false;
    this.config = config;
    const { account } = config;
    const uri = UserAgent.makeURI(`sip:${account.extension}@${this.domain()}`);
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
      // An INVITE with Replaces (attended transfer, RFC 3891) takes over the call it names.
      sipExtensionReplaces: SIPExtension.Supported,
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
      if (!this.stopping) this.scheduleReconnect();
      return;
    }
    if (this.stopping) return; // stop() was called while the socket opened: it runs next
    await this.register();
  }

  /**
   * Sign-out, account change, app quit: ends every call, unregisters (expires 0) and disconnects.
   * Waits for the PBX's answer to the un-REGISTER at most UNREGISTER_TIMEOUT_MS.
   */
  stop(): Promise<void> {
    // Known at once, so a start still connecting does not go on to register.
    this.stopping = true;
    return this.inTurn(() => this.stopNow());
  }

  private async stopNow(): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.unsubscribeOnline?.();
    this.unsubscribeOnline = null;
    this.hangUpAll();
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
    this.hangUpAll();
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

  /**
   * Dials a number or a `sip:user@host` address. Beside a call in progress (a second line, or the
   * consultation before an attended transfer: `consultFor`) the call in front is held first. False:
   * not registered, no line free, an incoming call waits for an answer, or no valid address.
   */
  dial(number: string, classification: Classified, options: { consultFor?: string } = {}): boolean {
    const ua = this.ua;
    if (!ua || !this.config || this.snapshot.registration.kind !== 'registered') return false;
    if (this.lines.length >= MAX_CALLS) return false;
    if (this.lines.some((line) => line.view.state.phase === 'incoming')) return false;
    const consultFor = options.consultFor ?? null;
    if (consultFor !== null && !this.lineOf(consultFor)) return false;
    const target = this.targetUri(number);
    if (!target) return false;
    for (const line of this.lines) if (line.view.state.phase === 'active') this.hold(line, true);
    const pin = pinExpectationOf(classification);
    const inviter = new Inviter(ua, target, {
      earlyMedia: true,
      // A PIN call asks the PBX to say where its IVR is (SIP INFO, RFC 6086; shared/ivr-signal).
      ...(pin ? { extraHeaders: [`Recv-Info: ${IVR_INFO_PACKAGE}`] } : {}),
      sessionDescriptionHandlerOptions: { constraints: this.constraints() },
    });
    const line = this.addLine(inviter, {
      id: inviter.id,
      number,
      name: null,
      direction: 'outgoing',
      startedAt: this.deps.now(),
      state: initialCall('outgoing'),
      callClass: classification.callClass,
      protectedPaid: classification.protectedPaid,
      pin,
      consultFor,
    });
    this.frontId = line.view.id;
    this.publish();
    this.invite(line, inviter);
    return true;
  }

  /**
   * Answers an incoming call (the waiting one by default). A call in progress is held first
   * (re-INVITE sendonly) and the answered call comes to the front.
   */
  accept(id?: string): void {
    const line = id
      ? this.lineOf(id)
      : this.lines.find((candidate) => candidate.view.state.phase === 'incoming');
    const session = line?.session;
    if (!line || !(session instanceof Invitation) || line.view.state.phase !== 'incoming') return;
    for (const other of this.lines)
      if (other !== line && other.view.state.phase === 'active') this.hold(other, true);
    this.frontId = line.view.id;
    this.publish();
    session
      .accept({ sessionDescriptionHandlerOptions: { constraints: this.constraints() } })
      .catch((error: unknown) => this.endWith(line, mediaOutcome(error)));
  }

  /** Declines an incoming call (the waiting one by default) with 603 Decline. */
  decline(id?: string): void {
    const line = id
      ? this.lineOf(id)
      : this.lines.find((candidate) => candidate.view.state.phase === 'incoming');
    const session = line?.session;
    if (!line || !(session instanceof Invitation) || line.view.state.phase !== 'incoming') return;
    // 603 Decline: the user said no. 486 would tell the caller "busy" (and some PBXes then
    // try the next device or voicemail as for a busy line).
    void session.reject({ statusCode: 603 }).catch(() => {});
    this.event(line, { type: 'local-hangup', at: this.deps.now() });
  }

  /** Ends one call (the one in front by default); the other one, if any, comes to the front. */
  hangUp(id?: string): void {
    const line = this.lineOf(id);
    if (!line) return;
    const session = line.session;
    if (session.state === SessionState.Established) void session.bye().catch(() => {});
    else if (session instanceof Inviter) void session.cancel().catch(() => {});
    else if (session instanceof Invitation && session.state === SessionState.Initial)
      void session.reject().catch(() => {});
    this.event(line, { type: 'local-hangup', at: this.deps.now() });
  }

  private hangUpAll(): void {
    for (const line of [...this.lines].reverse()) this.hangUp(line.view.id);
  }

  setMuted(muted: boolean): void {
    const line = this.front();
    if (!line) return;
    const handler = handlerOf(line.session);
    if (!handler) return;
    handler.enableSenderTracks(!muted && line.view.state.phase !== 'on-hold');
    this.event(line, { type: 'mute-changed', muted });
  }

  /**
   * Holds or resumes a call (the one in front by default). Resuming a call beside another one
   * swaps: the other is held and the resumed one comes to the front.
   */
  setHeld(onHold: boolean, id?: string): void {
    const line = this.lineOf(id);
    if (!line) return;
    if (!onHold && this.lines.length > 1) {
      for (const other of this.lines)
        if (other !== line && other.view.state.phase === 'active') this.hold(other, true);
      this.frontId = line.view.id;
      this.playRemote(line.session);
      this.publish();
    }
    this.hold(line, onHold);
  }

  /** Two calls: the one in front is held, the other resumed and brought to the front. */
  swap(): void {
    const other = this.lines.find((line) => line.view.id !== this.frontId);
    const frontPhase = this.front()?.view.state.phase;
    if (!other || other.view.state.phase === 'incoming') return;
    // A call in front still ringing or connecting could not be held: it would talk beside the other.
    if (frontPhase !== undefined && frontPhase !== 'active' && frontPhase !== 'on-hold') return;
    this.setHeld(false, other.view.id);
  }

  private hold(line: Line, onHold: boolean): void {
    const session = line.session;
    if (session.state !== SessionState.Established) return;
    // The held party hears nothing from here (sendonly alone would still send the microphone).
    handlerOf(session)?.enableSenderTracks(!onHold && !line.view.state.muted);
    session.sessionDescriptionHandlerOptionsReInvite = {
      hold: onHold,
    } as Web.SessionDescriptionHandlerOptions;
    void session
      .invite({
        requestDelegate: { onAccept: () => this.event(line, { type: 'hold-changed', onHold }) },
      })
      .catch(() => {});
  }

  /**
   * Blind transfer of the call in front (REFER to a number or `sip:` address). False when it cannot
   * start (no established call, a transfer already running, no valid address).
   */
  transfer(target: string): boolean {
    const line = this.front();
    const uri = this.targetUri(target);
    if (!line || !uri || line.session.state !== SessionState.Established) return false;
    if (!transferSettled(line.view.transfer ?? null)) return false;
    this.updateView(line, { transfer: startTransfer('blind', target) });
    this.refer(line, uri);
    return true;
  }

  /**
   * Attended transfer: the consultation call (the one in front, dialled with `consultFor`) and the
   * call it consults for are joined — REFER with Replaces to the held party, who calls the consulted
   * party and replaces this phone's call with it.
   */
  completeTransfer(consultId?: string): boolean {
    const consult = this.lineOf(consultId);
    const held = consult?.view.consultFor ? this.lineOf(consult.view.consultFor) : undefined;
    if (!consult || !held) return false;
    if (consult.session.state !== SessionState.Established || held.session.state !== SessionState.Established)
      return false;
    if (!transferSettled(held.view.transfer ?? null)) return false;
    this.updateView(held, { transfer: startTransfer('attended', consult.view.number) });
    this.refer(held, consult.session);
    return true;
  }

  private refer(line: Line, target: NonNullable<ReturnType<typeof UserAgent.makeURI>> | Session): void {
    const session = line.session;
    session
      .refer(target, {
        requestDelegate: {
          onAccept: () => this.transferEvent(line, { type: 'refer-accepted' }),
          onReject: (response) =>
            this.transferEvent(line, {
              type: 'refer-rejected',
              status: response.message.statusCode ?? 0,
              reason:
                reasonText(response.message.getHeader('reason')) ?? response.message.reasonPhrase ?? null,
            }),
        },
        onNotify: (notification) => {
          void notification.accept().catch(() => {});
          const status = sipfragStatus(notification.request.body);
          if (status !== null) this.transferEvent(line, { type: 'notify', status });
        },
      })
      .catch(() => this.transferEvent(line, { type: 'refer-failed' }));
  }

  private transferEvent(line: Line, event: TransferEvent): void {
    const current = line.view.transfer;
    if (!current || !this.lines.includes(line)) return;
    const transfer = transferTransition(current, event);
    if (transfer === current) return;
    this.updateView(line, { transfer });
    if (transfer.phase !== 'done') return;
    // The transferred party talks to the target now: this phone leaves both calls.
    const consult = this.lines.find((other) => other.view.consultFor === line.view.id);
    for (const done of consult ? [line, consult] : [line]) {
      if (done.session.state === SessionState.Established) void done.session.bye().catch(() => {});
      this.endWith(done, 'transferred');
    }
  }

  /**
   * One key of the in-call keypad, sent in-band (RFC 4733) on the call in front only — never on a
   * held or waiting call. `callId` (the call screen's call) must be the call in front. While the media
   * is still connecting the key is held and sent as soon as the DTMF sender can. Returns false if it
   * cannot be sent at all.
   */
  pressKey(key: string, callId?: string): boolean {
    const line = this.front();
    if (!line || (callId !== undefined && callId !== line.view.id)) return false;
    if (line.view.state.phase === 'on-hold' || line.view.state.phase === 'incoming') return false;
    const sent = this.sendOrHoldKey(line, key);
    // The PIN step counts the key (never keeps it): `#` submits.
    if (sent) this.pinSignalOn(line, { type: key === '#' ? 'submitted' : 'key', at: this.deps.now() });
    return sent;
  }

  /**
   * An in-dialog signal about the PBX's IVR (wrong code, accepted, ringing, destination answered),
   * or the phone's own observation (prompt started): moves the PIN step of the call in front.
   */
  pinSignal(event: PinEvent): void {
    const line = this.front();
    if (line) this.pinSignalOn(line, event);
  }

  private pinSignalOn(line: Line, event: PinEvent): void {
    const call = line.view;
    if (!call.pin) return;
    const pin = pinTransition(call.pin, event);
    if (pin !== call.pin) this.updateView(line, { pin });
  }

  private sendOrHoldKey(line: Line, key: string): boolean {
    const sender = toneSenderOf(line.session);
    if (!line.pendingKeys.waiting && sendKey(sender, key)) return true;
    const connection = handlerOf(line.session)?.peerConnection?.connectionState;
    if (!sender || (connection !== 'new' && connection !== 'connecting' && !line.pendingKeys.waiting))
      return false;
    if (!line.pendingKeys.hold(key, this.deps.now())) return false;
    this.flushPendingKeys(line);
    return true;
  }

  private flushPendingKeys(line: Line): void {
    if (line.flushTimer) return;
    const step = () => {
      line.flushTimer = null;
      if (!this.lines.includes(line)) return;
      const result = line.pendingKeys.flush(toneSenderOf(line.session), this.deps.now());
      if (result === 'waiting') line.flushTimer = setTimeout(step, 40);
    };
    step();
  }

  // — internals —

  private onIncoming(invitation: Invitation): void {
    // An INVITE with Replaces (sip.js matched the dialog): the call it names goes on with this party.
    const replacee = invitation.replacee;
    if (replacee) {
      const line = this.lines.find((candidate) => candidate.session === replacee);
      if (line) this.replaceSession(line, invitation);
      else void invitation.reject({ statusCode: 481 }).catch(() => {});
      return;
    }
    const identity = invitation.remoteIdentity;
    const party: Party = { user: identity.uri.user ?? '', host: identity.uri.host ?? '' };
    const view: CallView = {
      id: invitation.id,
      number: party.user,
      name: identity.displayName || null,
      direction: 'incoming',
      startedAt: this.deps.now(),
      state: initialCall('incoming'),
      callClass: null,
      protectedPaid: false,
    };
    const decision = decideIncoming({
      rules: this.rules,
      callsInProgress: this.lines.length,
      callerInternal: isInternalParty(party, this.domain(), this.judgeParty(party)),
    });
    if (decision.kind === 'refuse') {
      // 486 as a busy phone would; the call is in Verlauf all the same (refused: DND or busy).
      void invitation.reject({ statusCode: 486 }).catch(() => {});
      const at = this.deps.now();
      this.deps.onCallEnded({
        ...view,
        state: { ...view.state, phase: 'ended', outcome: decision.outcome, endedAt: at },
      });
      return;
    }
    const line = this.addLine(invitation, { ...view, autoAnswered: decision.kind === 'auto-answer' });
    // A waiting call stays beside the call in front until it is accepted.
    this.frontId ??= line.view.id;
    invitation.delegate = {
      // sip.js answers the CANCEL (200) and the INVITE (487) itself; this only says why it ended.
      onCancel: (cancel) =>
        this.event(line, {
          type: 'cancelled',
          reason: cancel.request.getHeader('reason'),
          at: this.deps.now(),
        }),
    };
    this.watch(line);
    this.publish();
    if (decision.kind === 'auto-answer') this.accept(line.view.id);
  }

  /** The call goes on with the party of an INVITE with Replaces; sip.js BYEs the old dialog on accept. */
  private replaceSession(line: Line, invitation: Invitation): void {
    const identity = invitation.remoteIdentity;
    line.session = invitation;
    line.ivrSeq = 0;
    this.updateView(line, {
      number: identity.uri.user ?? line.view.number,
      name: identity.displayName || null,
      consultFor: null,
    });
    this.watch(line);
    invitation
      .accept({ sessionDescriptionHandlerOptions: { constraints: this.constraints() } })
      .catch((error: unknown) => this.endWith(line, mediaOutcome(error)));
  }

  /**
   * The other party transfers this call (REFER): the phone calls the Refer-To target itself (with
   * Replaces when given), sip.js reports the new call's progress in NOTIFYs, and this call ends when
   * the new one is answered. A target that needs the PIN, or is not known to be internal, is refused
   * with 603: a REFER never makes this phone place a paid call.
   */
  private onRefer(line: Line, referral: Referral): void {
    let target: Party | null;
    let hasReplaces = false;
    let displayName = '';
    try {
      const referTo = referral.referTo;
      target = { user: referTo.uri.user ?? '', host: referTo.uri.host };
      hasReplaces = Boolean(referral.replaces);
      displayName = referTo.displayName;
    } catch {
      target = null; // a Refer-To sip.js cannot parse
    }
    const judged = target ? this.judgeParty(target) : { callClass: null, needsPin: false };
    const decision = decideRefer({
      target,
      hasReplaces,
      ownDomain: this.domain(),
      judged,
      callsInProgress: this.lines.length,
    });
    if (decision.kind === 'refuse' || !target) {
      void referral.reject({ statusCode: 603 }).catch(() => {});
      this.updateView(line, { referRefused: decision.kind === 'refuse' ? decision.why : 'bad-target' });
      return;
    }
    void referral.accept().catch(() => {});
    const inviter = referral.makeInviter({
      earlyMedia: true,
      sessionDescriptionHandlerOptions: { constraints: this.constraints() },
    });
    // The transferred party hears nothing more from here.
    handlerOf(line.session)?.enableSenderTracks(false);
    const callClass = judged.callClass === 'invalid' ? null : judged.callClass;
    const next = this.addLine(inviter, {
      id: inviter.id,
      number: hasReplaces ? displayName || target.user : target.user,
      name: hasReplaces ? null : displayName || null,
      direction: 'outgoing',
      startedAt: this.deps.now(),
      state: initialCall('outgoing'),
      callClass,
      protectedPaid: false,
      pin: null,
      referredBy: line.view.name ?? line.view.number,
    });
    line.referredTo = next.view.id;
    this.frontId = next.view.id;
    this.publish();
    this.invite(next, inviter);
  }

  private invite(line: Line, inviter: Inviter): void {
    this.watch(line);
    inviter
      .invite({
        requestDelegate: {
          onProgress: (response) => {
            const hasMedia = response.message.statusCode === 183 && Boolean(response.message.body);
            if (hasMedia && this.frontId === line.view.id) this.playRemote(inviter);
            this.event(line, {
              type: 'progress',
              status: response.message.statusCode ?? 0,
              hasMedia,
              at: this.deps.now(),
            });
          },
          onReject: (response) =>
            this.event(line, {
              type: 'rejected',
              status: response.message.statusCode ?? 0,
              reason: response.message.getHeader('reason'),
              at: this.deps.now(),
            }),
        },
      })
      .catch((error: unknown) => this.endWith(line, mediaOutcome(error)));
  }

  private watch(line: Line): void {
    const session = line.session;
    const current = () => line.session === session && this.lines.includes(line);
    session.delegate = {
      ...session.delegate,
      onBye: (bye) => {
        // This delegate replaces sip.js's default handling, which would have sent the 200 OK:
        // without it the far end's BYE times out (408 after 32 s).
        void bye.accept().catch(() => {});
        if (!current()) return;
        this.event(line, {
          type: 'remote-hangup',
          reason: bye.request.getHeader('reason'),
          at: this.deps.now(),
        });
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
        if (!current() || signal.seq <= line.ivrSeq) return;
        line.ivrSeq = signal.seq;
        const event = pinEventOfIvrSignal(signal, this.deps.now());
        if (event) this.pinSignalOn(line, event);
      },
      // A re-INVITE sip.js has answered: sendonly/inactive from the far end means it holds us.
      onInvite: (request, _response, statusCode) => {
        if (!current() || statusCode !== 200) return;
        const held = offerHoldsUs(request.body);
        if (held !== null) this.event(line, { type: 'remote-hold-changed', held });
      },
      onRefer: (referral) => {
        if (current()) this.onRefer(line, referral);
        else void referral.reject({ statusCode: 603 }).catch(() => {});
      },
    };
    session.stateChange.addListener((state) => {
      if (!current()) return;
      if (state === SessionState.Established) {
        if (this.frontId === line.view.id) this.playRemote(session);
        this.event(line, { type: 'answered', at: this.deps.now() });
        this.watchMedia(line);
        // A call placed for a REFER is up: the transferred call is over.
        const referred = this.lines.find((other) => other.referredTo === line.view.id);
        if (referred) {
          if (referred.session.state === SessionState.Established)
            void referred.session.bye().catch(() => {});
          this.endWith(referred, 'transferred');
        }
      } else if (state === SessionState.Terminated) {
        // sip.js announces Terminated before it calls the reject/BYE delegates (a 403 with a Reason
        // after early media, say); let those report the cause first, then end whatever is left.
        setTimeout(() => {
          if (current()) this.event(line, { type: 'remote-hangup', reason: undefined, at: this.deps.now() });
        }, 0);
      }
    });
  }

  /** Ends the call with "connection lost" when its media dies while SIP still says it is up. */
  private watchMedia(line: Line): void {
    line.mediaWatch?.stop();
    line.mediaWatch = null;
    const session = line.session;
    const connection = handlerOf(session)?.peerConnection;
    if (!connection) return;
    line.mediaWatch = new MediaWatch(
      connection,
      this.deps.mediaWatch ?? DEFAULT_MEDIA_WATCH,
      this.deps.now,
      () => {
        if (line.session !== session || !this.lines.includes(line)) return;
        if (session.state === SessionState.Established) void session.bye().catch(() => {});
        this.event(line, { type: 'transport-lost', at: this.deps.now() });
      },
    );
    line.mediaWatch.start();
  }

  private event(line: Line, event: CallEvent): void {
    if (!this.lines.includes(line)) return;
    const call = line.view;
    // A call whose transfer was taken ends as transferred, whoever hangs up first; so does the
    // consultation call of an attended transfer (the consulted phone ends it once it is replaced).
    const consulted = call.consultFor ? this.lineOf(call.consultFor) : undefined;
    const transfer = call.transfer ?? consulted?.view.transfer;
    if (
      transfer &&
      !transferSettled(transfer) &&
      transfer.phase !== 'requested' &&
      (event.type === 'remote-hangup' || event.type === 'local-hangup')
    ) {
      this.endWith(line, 'transferred');
      return;
    }
    const state = callTransition(call.state, event, call.protectedPaid);
    if (state === call.state) return;
    // The first media of a PIN call is the PBX's prompt.
    const pin =
      call.pin && state.mediaSince !== null && call.state.mediaSince === null
        ? pinTransition(call.pin, { type: 'prompt-started', at: state.mediaSince })
        : call.pin;
    const next = { ...call, state, pin };
    if (state.phase === 'ended') {
      this.finishLine(line, next);
    } else {
      line.mediaWatch?.setPaused(state.phase === 'on-hold' || state.heldByRemote);
      line.view = next;
      this.publish();
    }
  }

  private endWith(line: Line, outcome: CallOutcome): void {
    if (!this.lines.includes(line)) return;
    const call = line.view;
    this.finishLine(line, {
      ...call,
      state: { ...call.state, phase: 'ended', outcome, endedAt: this.deps.now() },
    });
  }

  private finishLine(line: Line, ended: CallView): void {
    line.mediaWatch?.stop();
    line.mediaWatch = null;
    if (line.flushTimer) clearTimeout(line.flushTimer);
    line.flushTimer = null;
    line.pendingKeys.clear();
    this.lines = this.lines.filter((other) => other !== line);
    for (const other of this.lines) {
      if (other.view.consultFor === line.view.id) other.view = { ...other.view, consultFor: null };
      if (other.referredTo === line.view.id) other.referredTo = null;
    }
    if (this.frontId === line.view.id) {
      const next = this.lines[0];
      this.frontId = next?.view.id ?? null;
      if (next) this.playRemote(next.session);
    }
    this.snapshot = { ...this.snapshot, lastEnded: ended };
    this.publish();
    this.deps.onCallEnded(ended);
  }

  private addLine(session: Session, view: CallView): Line {
    const line: Line = {
      session,
      view,
      ivrSeq: 0,
      pendingKeys: new PendingKeys(3_000),
      flushTimer: null,
      mediaWatch: null,
      referredTo: null,
    };
    this.lines = [...this.lines, line];
    return line;
  }

  private updateView(line: Line, patch: Partial<CallView>): void {
    if (!this.lines.includes(line)) return;
    line.view = { ...line.view, ...patch };
    this.publish();
  }

  private front(): Line | undefined {
    return this.lines.find((line) => line.view.id === this.frontId);
  }

  private lineOf(id: string | undefined): Line | undefined {
    return id === undefined ? this.front() : this.lines.find((line) => line.view.id === id);
  }

  private domain(): string {
    const account = this.config?.account;
    if (!account) return '';
    return account.sipDomain || new URL(account.sipWebSocketUrl).hostname;
  }

  /** A number (with * and +) on the PBX's domain, or a `sip:` address as typed; undefined: invalid. */
  private targetUri(text: string) {
    const target = dialTargetOf(text);
    if (!target) return undefined;
    if (target.kind === 'sip-uri') return UserAgent.makeURI(target.uri);
    return UserAgent.makeURI(
      `sip:${encodeURIComponent(target.user).replace(/%2B/g, '+').replace(/%2A/gi, '*')}@${this.domain()}`,
    );
  }

  private playRemote(session: Session): void {
    const handler = handlerOf(session);
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

  private publish(): void {
    const calls = this.lines.map((line) => line.view);
    this.snapshot = { ...this.snapshot, calls, call: this.front()?.view ?? null };
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

function handlerOf(session: Session): Web.SessionDescriptionHandler | null {
  return (session.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined) ?? null;
}

function toneSenderOf(session: Session): ToneSender | undefined {
  return handlerOf(session)
    ?.peerConnection?.getSenders()
    .find((candidate) => candidate.dtmf)?.dtmf as ToneSender | undefined;
}

/** Whether the microphone goes out on this call: not muted, not held by this phone. */
function sends(state: CallState): boolean {
  return !state.muted && state.phase !== 'on-hold';
}

export type { TransferKind, TransferState };

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
