import type { SessionDescriptionHandlerFactory, Web } from 'sip.js';
import * as SipJs from 'sip.js';

/**
 * When to stop waiting for ICE candidates before sending an offer or answer (sip.js does not
 * trickle: the INVITE and the 200 OK carry every candidate the SDP has when gathering "completes").
 *
 * Chromium gathers in phases: the UDP host candidates (and, with a STUN server, the server-reflexive
 * ones on the same sockets) come 1–3 ms after setLocalDescription; relay candidates and then TCP
 * host candidates follow in later phases, and `iceGatheringState` turns "complete" only after those,
 * ~120 ms later here. A phone that talks UDP needs none of the TCP candidates: sip.js's wait for
 * "complete" was a third of the time from click to the PIN prompt.
 *
 * The rule, per ICE server configuration:
 * - no ICE servers: enough once a UDP host candidate is in;
 * - a STUN server (`stun:`/`stuns:`): also a server-reflexive candidate (what the PBX needs behind NAT);
 * - a TURN server (`turn:`/`turns:`): also a relay candidate.
 * Once enough, gathering ends after QUIET_MS without a new candidate (the other interfaces' candidates
 * of the same phase come within a few ms). A STUN or TURN server that never answers leaves the rule
 * unmet: then sip.js's `iceGatheringTimeout` ends the wait, with the candidates gathered so far
 * (the host candidates) — never an offer without candidates.
 */
export interface IcePlan {
  needServerReflexive: boolean;
  needRelay: boolean;
}

/** Milliseconds without a new candidate, once the rule holds, before gathering counts as done. */
export const QUIET_MS = 10;

export function icePlanOf(iceServers: readonly string[]): IcePlan {
  const schemes = iceServers.map((url) => url.trim().toLowerCase().split(':', 1)[0] ?? '');
  return {
    needServerReflexive: schemes.some((scheme) => scheme === 'stun' || scheme === 'stuns'),
    needRelay: schemes.some((scheme) => scheme === 'turn' || scheme === 'turns'),
  };
}

export interface CandidateInfo {
  protocol: string;
  type: string;
}

/**
 * The transport protocol and type of an ICE candidate line (RFC 8839:
 * `candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> …`);
 * null for the end-of-candidates marker (empty) or a line that is not a candidate.
 */
export function parseCandidate(line: string): CandidateInfo | null {
  const fields = line.trim().replace(/^a=/, '').split(/\s+/);
  if (!/^candidate:/i.test(fields[0] ?? '')) return null;
  const protocol = fields[2]?.toLowerCase();
  const typAt = fields.indexOf('typ');
  const type = typAt === -1 ? undefined : fields[typAt + 1]?.toLowerCase();
  if (!protocol || !type) return null;
  return { protocol, type };
}

/** What has been gathered so far, counted for the rule. */
export interface Gathered {
  udpHost: number;
  serverReflexive: number;
  relay: number;
  /** A TCP host candidate: Chromium is past its UDP phase, every UDP host candidate is in. */
  tcpHost: number;
}

export const NOTHING_GATHERED: Gathered = { udpHost: 0, serverReflexive: 0, relay: 0, tcpHost: 0 };

export function withCandidate(gathered: Gathered, candidate: CandidateInfo): Gathered {
  if (candidate.type === 'host')
    return candidate.protocol === 'udp'
      ? { ...gathered, udpHost: gathered.udpHost + 1 }
      : { ...gathered, tcpHost: gathered.tcpHost + 1 };
  if (candidate.type === 'srflx') return { ...gathered, serverReflexive: gathered.serverReflexive + 1 };
  if (candidate.type === 'relay') return { ...gathered, relay: gathered.relay + 1 };
  return gathered;
}

/** Whether the candidates gathered are all the offer needs (see the module's comment). */
export function gatheredEnough(plan: IcePlan, gathered: Gathered): boolean {
  if (gathered.udpHost === 0) return false;
  if (plan.needServerReflexive && gathered.serverReflexive === 0) return false;
  if (plan.needRelay && gathered.relay === 0) return false;
  return true;
}

/** True when nothing more is worth waiting for without waiting for more candidates of the phase. */
function nothingMoreToCome(plan: IcePlan, gathered: Gathered): boolean {
  return !plan.needServerReflexive && !plan.needRelay && gathered.tcpHost > 0 && gathered.udpHost > 0;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Watches one peer connection's candidates and calls `done` once the plan is met and QUIET_MS passed
 * without another candidate — but only while someone waits (`arm`), so an early answer never ends
 * a later wait. Candidates are counted from the connection's start (or the last ICE restart).
 */
export class GatheringWatch {
  private gathered: Gathered = NOTHING_GATHERED;
  private waiting = false;
  private timer: unknown = null;

  constructor(
    private readonly plan: IcePlan,
    private readonly done: () => void,
    private readonly timers: Timers,
    private readonly quietMs = QUIET_MS,
  ) {}

  /** A wait for gathering begins; `restart`: an ICE restart, the candidates so far no longer count. */
  arm(restart: boolean): void {
    if (restart) this.gathered = NOTHING_GATHERED;
    this.waiting = true;
    this.evaluate();
  }

  /** A candidate line as the peer connection reported it ('' or null: end of candidates). */
  candidate(line: string | null): void {
    const info = line ? parseCandidate(line) : null;
    if (!info) return;
    this.gathered = withCandidate(this.gathered, info);
    this.evaluate();
  }

  /** The connection is gone: no callback after this. */
  close(): void {
    this.waiting = false;
    this.cancelTimer();
  }

  get snapshot(): Gathered {
    return this.gathered;
  }

  private evaluate(): void {
    if (!this.waiting) return;
    if (nothingMoreToCome(this.plan, this.gathered)) return this.finish();
    if (!gatheredEnough(this.plan, this.gathered)) return;
    this.cancelTimer();
    this.timer = this.timers.setTimeout(() => this.finish(), this.quietMs);
  }

  private finish(): void {
    this.cancelTimer();
    this.waiting = false;
    this.done();
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}

const BROWSER_TIMERS: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * sip.js's web SessionDescriptionHandler factory (same media stream factory, same defaults) whose
 * handlers end the wait for ICE gathering by the rule above instead of at "complete". For the user
 * agent's `sessionDescriptionHandlerFactory` option; its `sessionDescriptionHandlerFactoryOptions`
 * (peer connection configuration, `iceGatheringTimeout` as the upper bound) apply as before.
 *
 * sip.js is read when the first handler is made, not when this module loads (unit tests replace it).
 */
export function iceAwareSessionDescriptionHandlerFactory(
  iceServers: readonly string[],
): SessionDescriptionHandlerFactory {
  const plan = icePlanOf(iceServers);
  return (session, options?: Web.SessionDescriptionHandlerFactoryOptions) => {
    const web = SipJs.Web;
    const Handler = iceAwareHandlerClass(web);
    const logger = session.userAgent.getLogger('sip.SessionDescriptionHandler');
    return new Handler(plan, logger, web.defaultMediaStreamFactory(), {
      // sip.js's own default when the options do not say (and 0 still means no timeout).
      iceGatheringTimeout: options?.iceGatheringTimeout ?? 5_000,
      peerConnectionConfiguration: {
        ...web.defaultPeerConnectionConfiguration(),
        ...options?.peerConnectionConfiguration,
      },
    });
  };
}

type IceAwareHandler = new (
  plan: IcePlan,
  ...args: ConstructorParameters<typeof Web.SessionDescriptionHandler>
) => Web.SessionDescriptionHandler;

let handlerClass: IceAwareHandler | null = null;

function iceAwareHandlerClass(web: typeof Web): IceAwareHandler {
  handlerClass ??= class extends web.SessionDescriptionHandler {
    private readonly watch: GatheringWatch;

    constructor(plan: IcePlan, ...args: ConstructorParameters<typeof Web.SessionDescriptionHandler>) {
      super(...args);
      this.watch = new GatheringWatch(plan, () => this.iceGatheringComplete(), BROWSER_TIMERS);
      // A listener, not the on… handler: sip.js and its peerConnectionDelegate keep theirs.
      this.peerConnection?.addEventListener('icecandidate', (event) =>
        this.watch.candidate(event.candidate?.candidate ?? null),
      );
    }

    protected override waitForIceGatheringComplete(restart = false, timeout = 0): Promise<void> {
      const waiting = super.waitForIceGatheringComplete(restart, timeout);
      // sip.js resolves at once when gathering is already complete; otherwise the rule may end it.
      if (this.peerConnection?.iceGatheringState !== 'complete' || restart) this.watch.arm(restart);
      return waiting;
    }

    override close(): void {
      this.watch.close();
      super.close();
    }
  };
  return handlerClass;
}
