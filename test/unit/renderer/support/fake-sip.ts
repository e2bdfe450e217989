/**
 * A stand-in for the parts of sip.js the Softphone uses, for `vi.mock('sip.js', ...)`: it records
 * what the Softphone asks sip.js to do (accept a BYE, reject with 603, un-REGISTER, options) and lets
 * a test play the far end (BYE, CANCEL, re-INVITE, media state). No network, no WebRTC.
 */
type Listener<T> = (value: T) => void;

class FakeEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  addListener(listener: Listener<T>, options?: { once?: boolean }): void {
    if (options?.once) {
      const once = (value: T) => {
        this.listeners.delete(once);
        listener(value);
      };
      this.listeners.add(once);
    } else this.listeners.add(listener);
  }
  removeListener(listener: Listener<T>): void {
    this.listeners.delete(listener);
  }
  emit(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
}

export const version = '0.21.1';

export enum SIPExtension {
  Required = 'Required',
  Supported = 'Supported',
  Unsupported = 'Unsupported',
}

export enum SessionState {
  Initial = 'Initial',
  Establishing = 'Establishing',
  Established = 'Established',
  Terminating = 'Terminating',
  Terminated = 'Terminated',
}

export enum RegistererState {
  Initial = 'Initial',
  Registered = 'Registered',
  Unregistered = 'Unregistered',
  Terminated = 'Terminated',
}

/** A header bag like sip.js's IncomingRequestMessage. */
export class FakeMessage {
  constructor(
    private readonly headers: Record<string, string> = {},
    readonly body = '',
  ) {}
  getHeader(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }
}

/** Records every tone buffer the phone asked for (what went out in-band on this call). */
export class FakeDtmfSender {
  canInsertDTMF = true;
  toneBuffer = '';
  readonly sent: string[] = [];
  insertDTMF(tones: string): void {
    this.toneBuffer = tones;
    this.sent.push(tones);
  }
}

/** A peer connection whose state and inbound packet count the test sets. */
export class FakePeerConnection extends EventTarget {
  connectionState: RTCPeerConnectionState = 'connected';
  packetsReceived = 0;
  /** An RTCDTMFSender stand-in when the test gives the call one; without it no key can be sent. */
  dtmf: FakeDtmfSender | null = null;
  setConnectionState(state: RTCPeerConnectionState): void {
    this.connectionState = state;
    this.dispatchEvent(new Event('connectionstatechange'));
  }
  getSenders(): RTCRtpSender[] {
    return this.dtmf ? ([{ dtmf: this.dtmf }] as unknown as RTCRtpSender[]) : [];
  }
  async getStats(): Promise<RTCStatsReport> {
    const report = new Map([
      ['in', { type: 'inbound-rtp', kind: 'audio', packetsReceived: this.packetsReceived }],
    ]);
    return report as unknown as RTCStatsReport;
  }
}

export class FakeSessionDescriptionHandler {
  readonly peerConnection = new FakePeerConnection();
  readonly remoteMediaStream = {} as MediaStream;
  readonly senderTracksEnabled: boolean[] = [];
  readonly mediaRequests: unknown[] = [];
  enableSenderTracks(enable: boolean): void {
    this.senderTracksEnabled.push(enable);
  }
  // The SDH's (protected) way to swap the local stream: getUserMedia + replaceTrack.
  getLocalMediaStream(options: { constraints?: unknown }): Promise<void> {
    this.mediaRequests.push(options.constraints);
    return Promise.resolve();
  }
}

let nextId = 1;

class FakeSession {
  readonly id = `session-${nextId++}`;
  state: SessionState = SessionState.Initial;
  readonly stateChange = new FakeEmitter<SessionState>();
  delegate: Record<string, ((...args: never[]) => unknown) | undefined> | undefined;
  sessionDescriptionHandler: FakeSessionDescriptionHandler | undefined;
  sessionDescriptionHandlerOptionsReInvite: unknown;
  byes = 0;
  /** The hold option of every re-INVITE the Softphone sent (true: hold, false: resume). */
  readonly reInvites: boolean[] = [];
  /** Every REFER the Softphone sent: its target (a URI or another session) and options. */
  readonly refers: { target: unknown; options: FakeReferOptions }[] = [];

  transition(state: SessionState): void {
    this.state = state;
    if (state === SessionState.Established)
      this.sessionDescriptionHandler ??= new FakeSessionDescriptionHandler();
    this.stateChange.emit(state);
  }

  bye(): Promise<void> {
    this.byes++;
    this.transition(SessionState.Terminated);
    return Promise.resolve();
  }

  /** A re-INVITE (hold/resume): the far end accepts it at once. */
  invite(options?: { requestDelegate?: { onAccept?(response: unknown): void } }): Promise<void> {
    const hold = (this.sessionDescriptionHandlerOptionsReInvite as { hold?: boolean } | undefined)?.hold;
    this.reInvites.push(hold === true);
    options?.requestDelegate?.onAccept?.({});
    return Promise.resolve();
  }

  refer(target: unknown, options: FakeReferOptions = {}): Promise<void> {
    this.refers.push({ target, options });
    return Promise.resolve();
  }

  /** The far end transfers this call (REFER). Returns what the Softphone did with it. */
  receiveRefer(target: { user: string; host: string; displayName?: string; replaces?: string }): {
    accepted: number;
    rejected: number[];
    inviter: Inviter | null;
  } {
    const outcome = { accepted: 0, rejected: [] as number[], inviter: null as Inviter | null };
    const referral = {
      referTo: { uri: { user: target.user, host: target.host }, displayName: target.displayName ?? '' },
      replaces: target.replaces,
      accept: () => {
        outcome.accepted++;
        return Promise.resolve();
      },
      reject: (options?: { statusCode?: number }) => {
        outcome.rejected.push(options?.statusCode ?? 0);
        return Promise.resolve();
      },
      makeInviter: (options: unknown) => {
        outcome.inviter = new Inviter(UserAgent.last as UserAgent, target, options);
        return outcome.inviter;
      },
    };
    const onRefer = this.delegate?.['onRefer'] as ((referral: unknown) => void) | undefined;
    if (onRefer) onRefer(referral);
    else outcome.rejected.push(-1);
    return outcome;
  }

  /** The far end hangs up: an in-dialog BYE. Returns what the Softphone did with it. */
  receiveBye(reason?: string): { accepted: number } {
    const outcome = { accepted: 0 };
    const bye = {
      request: new FakeMessage(reason ? { reason } : {}),
      accept: () => {
        outcome.accepted++;
        return Promise.resolve();
      },
      reject: () => Promise.resolve(),
    };
    const onBye = this.delegate?.['onBye'] as ((bye: unknown) => void) | undefined;
    if (onBye) onBye(bye);
    else outcome.accepted++; // sip.js's own default accepts
    this.transition(SessionState.Terminated);
    return outcome;
  }

  /** The far end sends a re-INVITE with this SDP, which sip.js answered with 200 OK. */
  receiveReInvite(sdp: string): void {
    const onInvite = this.delegate?.['onInvite'] as
      ((request: FakeMessage, response: unknown, statusCode: number) => void) | undefined;
    onInvite?.(new FakeMessage({}, sdp), {}, 200);
  }
}

export interface FakeReferOptions {
  requestDelegate?: {
    onAccept?(response: unknown): void;
    onReject?(response: { message: FakeMessage & { statusCode: number; reasonPhrase: string } }): void;
  };
  onNotify?(notification: { request: { body: string }; accept(): Promise<void> }): void;
}

/** The answers to the REFER the Softphone sent last on `session`: 202, then NOTIFYs with sipfrags. */
export function answerRefer(session: FakeSession, ...sipfrags: string[]): void {
  const refer = session.refers.at(-1);
  if (!refer) throw new Error('no REFER sent');
  refer.options.requestDelegate?.onAccept?.({});
  for (const body of sipfrags)
    refer.options.onNotify?.({ request: { body }, accept: () => Promise.resolve() });
}

export class Inviter extends FakeSession {
  static last: Inviter | null = null;
  static all: Inviter[] = [];
  cancels = 0;
  /** The initial INVITE's request delegate, so a test can play 180/183/4xx answers. */
  inviteDelegate: Record<string, ((response: unknown) => void) | undefined> | undefined;
  constructor(
    readonly userAgent: UserAgent,
    readonly target: unknown,
    readonly options: unknown,
  ) {
    super();
    Inviter.last = this;
    Inviter.all.push(this);
  }
  override invite(options?: {
    requestDelegate?: Record<string, ((response: unknown) => void) | undefined>;
  }): Promise<void> {
    if (this.state === SessionState.Established) return super.invite(options);
    this.inviteDelegate = options?.requestDelegate;
    this.transition(SessionState.Establishing);
    return Promise.resolve();
  }
  cancel(): Promise<void> {
    this.cancels++;
    this.transition(SessionState.Terminated);
    return Promise.resolve();
  }
}

export class Invitation extends FakeSession {
  readonly rejections: number[] = [];
  readonly remoteIdentity = { uri: { user: '202', host: 'pbx.example.test' }, displayName: 'Bob' };
  /** The session an INVITE with Replaces takes over (sip.js matched its dialog). */
  replacee: FakeSession | undefined;
  reject(options?: { statusCode?: number }): Promise<void> {
    this.rejections.push(options?.statusCode ?? 480);
    this.transition(SessionState.Terminated);
    return Promise.resolve();
  }
  accept(): Promise<void> {
    this.transition(SessionState.Established);
    // sip.js ends the replaced dialog with a BYE once the replacing INVITE is accepted.
    if (this.replacee) void this.replacee.bye();
    return Promise.resolve();
  }
  /** The caller cancels; sip.js answers 200 to the CANCEL and 487 to the INVITE itself. */
  receiveCancel(reason?: string): void {
    const onCancel = this.delegate?.['onCancel'] as ((cancel: unknown) => void) | undefined;
    onCancel?.({ request: new FakeMessage(reason ? { reason } : {}) });
    this.transition(SessionState.Terminated);
  }
}

export class Registerer {
  static all: Registerer[] = [];
  state: RegistererState = RegistererState.Initial;
  readonly stateChange = new FakeEmitter<RegistererState>();
  unregisters = 0;
  disposed = false;
  /** When false, the PBX never answers the un-REGISTER (dispose then waits for good). */
  answersUnregister = true;
  constructor(
    readonly userAgent: UserAgent,
    readonly options: unknown,
  ) {
    Registerer.all.push(this);
  }
  /** Status codes the PBX answers the next REGISTERs with (403: wrong password), first first. */
  static refuse: { statusCode: number; reasonPhrase: string }[] = [];
  register(options?: {
    requestDelegate?: {
      onReject?(response: { message: { statusCode: number; reasonPhrase: string } }): void;
    };
  }): Promise<void> {
    const refusal = Registerer.refuse.shift();
    if (refusal) {
      options?.requestDelegate?.onReject?.({ message: refusal });
      return Promise.resolve();
    }
    this.state = RegistererState.Registered;
    this.stateChange.emit(this.state);
    return Promise.resolve();
  }
  unregister(): Promise<void> {
    this.unregisters++;
    return Promise.resolve();
  }
  dispose(): Promise<void> {
    this.disposed = true;
    if (!this.answersUnregister && this.unregisters > 0) return new Promise(() => {});
    this.state = RegistererState.Terminated;
    return Promise.resolve();
  }
}

export class UserAgent {
  static last: UserAgent | null = null;
  readonly delegate: {
    onInvite?(invitation: Invitation): void;
    onDisconnect?(error?: Error): void;
  };
  constructor(readonly options: Record<string, unknown> & { delegate?: UserAgent['delegate'] }) {
    this.delegate = options.delegate ?? {};
    UserAgent.last = this;
  }
  static makeURI(text: string): { text: string } | undefined {
    return /^sips?:[^@\s]+@[^@\s]+$/.test(text) ? { text } : undefined;
  }
  /** How many of the next connection attempts (start, reconnect) fail: the PBX is unreachable. */
  static unreachable = 0;
  start(): Promise<void> {
    return UserAgent.connect();
  }
  private static connect(): Promise<void> {
    if (UserAgent.unreachable <= 0) return Promise.resolve();
    UserAgent.unreachable--;
    return Promise.reject(new Error('WebSocket closed'));
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  reconnect(): Promise<void> {
    return UserAgent.connect();
  }
  /** A call comes in. */
  ring(caller = '202', options: { host?: string; replaces?: FakeSession } = {}): Invitation {
    const invitation = new Invitation();
    invitation.remoteIdentity.uri.user = caller;
    if (options.host) invitation.remoteIdentity.uri.host = options.host;
    invitation.replacee = options.replaces;
    this.delegate.onInvite?.(invitation);
    return invitation;
  }
}

export function resetFakeSip(): void {
  Registerer.all = [];
  Registerer.refuse = [];
  UserAgent.last = null;
  UserAgent.unreachable = 0;
  Inviter.last = null;
  Inviter.all = [];
}
