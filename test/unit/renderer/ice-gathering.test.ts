import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  GatheringWatch,
  gatheredEnough,
  icePlanOf,
  iceAwareSessionDescriptionHandlerFactory,
  NOTHING_GATHERED,
  parseCandidate,
  QUIET_MS,
  withCandidate,
  type Timers,
} from '../../../renderer/src/sip/ice-gathering';

// sip.js's web handler stand-in: the wait for gathering as sip.js does it (a promise that
// iceGatheringComplete resolves, at once when the connection's gathering is already complete).
vi.mock('sip.js', () => {
  class FakePeerConnection extends EventTarget {
    iceGatheringState: RTCIceGatheringState = 'gathering';
    constructor(readonly configuration: RTCConfiguration | undefined) {
      super();
    }
  }
  class SessionDescriptionHandler {
    readonly peerConnection: FakePeerConnection;
    resolveWait: (() => void) | null = null;
    closed = false;
    constructor(
      readonly logger: unknown,
      readonly mediaStreamFactory: unknown,
      readonly configuration: {
        iceGatheringTimeout?: number;
        peerConnectionConfiguration?: RTCConfiguration;
      },
    ) {
      this.peerConnection = new FakePeerConnection(configuration.peerConnectionConfiguration);
    }
    waitForIceGatheringComplete(): Promise<void> {
      if (this.peerConnection.iceGatheringState === 'complete') return Promise.resolve();
      return new Promise((resolve) => {
        this.resolveWait = resolve;
      });
    }
    iceGatheringComplete(): void {
      this.resolveWait?.();
      this.resolveWait = null;
    }
    close(): void {
      this.closed = true;
    }
  }
  return {
    Web: {
      SessionDescriptionHandler,
      defaultMediaStreamFactory: () => 'media-stream-factory',
      defaultPeerConnectionConfiguration: () => ({
        bundlePolicy: 'balanced',
        iceServers: ['sip.js default'],
      }),
    },
  };
});

const UDP_HOST = 'candidate:1 1 udp 2122260223 192.168.1.5 54400 typ host generation 0';
const UDP_HOST_2 = 'candidate:2 1 udp 2122194687 10.0.0.5 54401 typ host generation 0';
const TCP_HOST = 'candidate:3 1 tcp 1518280447 192.168.1.5 9 typ host tcptype active generation 0';
const SRFLX =
  'candidate:4 1 udp 1686052607 203.0.113.7 61000 typ srflx raddr 192.168.1.5 rport 54400 generation 0';
const RELAY = 'candidate:5 1 udp 41885439 198.51.100.2 3478 typ relay raddr 203.0.113.7 rport 61000';

/** Timers a test runs by hand: nothing happens until `fire`. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 1;
  const timers: Timers = {
    setTimeout: (callback, ms) => {
      pending.set(next, { callback, ms });
      return next++;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  const fire = () => {
    const due = [...pending.entries()];
    pending.clear();
    for (const [, timer] of due) timer.callback();
  };
  return { timers, pending, fire };
}

describe('ICE plan and candidates', () => {
  it('needs a server-reflexive candidate for STUN and a relay candidate for TURN, neither without servers', () => {
    expect(icePlanOf([])).toEqual({ needServerReflexive: false, needRelay: false });
    expect(icePlanOf(['stun:stun.example.net:3478'])).toEqual({
      needServerReflexive: true,
      needRelay: false,
    });
    expect(icePlanOf([' STUNS:stun.example.net'])).toEqual({ needServerReflexive: true, needRelay: false });
    expect(icePlanOf(['turn:turn.example.net?transport=tcp'])).toEqual({
      needServerReflexive: false,
      needRelay: true,
    });
    expect(icePlanOf(['turns:a', 'stun:b'])).toEqual({ needServerReflexive: true, needRelay: true });
  });

  it('reads transport and type from candidate lines, with or without a=, and nothing from others', () => {
    expect(parseCandidate(UDP_HOST)).toEqual({ protocol: 'udp', type: 'host' });
    expect(parseCandidate(`a=${TCP_HOST}`)).toEqual({ protocol: 'tcp', type: 'host' });
    expect(parseCandidate(SRFLX)).toEqual({ protocol: 'udp', type: 'srflx' });
    expect(parseCandidate(RELAY)).toEqual({ protocol: 'udp', type: 'relay' });
    expect(parseCandidate('')).toBeNull();
    expect(parseCandidate('a=end-of-candidates')).toBeNull();
    expect(parseCandidate('candidate:1 1 udp 1 1.2.3.4 5')).toBeNull();
  });

  it('counts a UDP host candidate as enough only when no server is configured', () => {
    const host = withCandidate(NOTHING_GATHERED, { protocol: 'udp', type: 'host' });
    expect(gatheredEnough(icePlanOf([]), NOTHING_GATHERED)).toBe(false);
    expect(gatheredEnough(icePlanOf([]), host)).toBe(true);
    expect(gatheredEnough(icePlanOf(['stun:s']), host)).toBe(false);
    const reflexive = withCandidate(host, { protocol: 'udp', type: 'srflx' });
    expect(gatheredEnough(icePlanOf(['stun:s']), reflexive)).toBe(true);
    expect(gatheredEnough(icePlanOf(['stun:s', 'turn:t']), reflexive)).toBe(false);
    expect(
      gatheredEnough(
        icePlanOf(['stun:s', 'turn:t']),
        withCandidate(reflexive, { protocol: 'udp', type: 'relay' }),
      ),
    ).toBe(true);
    // A TCP host candidate alone is no use to a phone that talks UDP.
    expect(
      gatheredEnough(icePlanOf([]), withCandidate(NOTHING_GATHERED, { protocol: 'tcp', type: 'host' })),
    ).toBe(false);
  });
});

describe('GatheringWatch', () => {
  it('ends the wait QUIET_MS after the last UDP host candidate without servers (not at "complete")', () => {
    // Breaks when the watch waits for TCP candidates or the browser's "complete" again.
    const { timers, pending, fire } = manualTimers();
    const done = vi.fn();
    const watch = new GatheringWatch(icePlanOf([]), done, timers);
    watch.arm(false);
    watch.candidate(UDP_HOST);
    watch.candidate(UDP_HOST_2);
    expect(pending.size).toBe(1);
    expect([...pending.values()][0]?.ms).toBe(QUIET_MS);
    expect(done).not.toHaveBeenCalled();
    fire();
    expect(done).toHaveBeenCalledTimes(1);
  });

  it('ends at once when a TCP host candidate shows the UDP phase is over', () => {
    const { timers } = manualTimers();
    const done = vi.fn();
    const watch = new GatheringWatch(icePlanOf([]), done, timers);
    watch.arm(false);
    watch.candidate(UDP_HOST);
    watch.candidate(TCP_HOST);
    expect(done).toHaveBeenCalledTimes(1);
  });

  it('with STUN waits for a server-reflexive candidate; host candidates alone are not enough', () => {
    // Breaks when a configured STUN server is ignored (an offer without the NAT address).
    const { timers, pending, fire } = manualTimers();
    const done = vi.fn();
    const watch = new GatheringWatch(icePlanOf(['stun:stun.example.net']), done, timers);
    watch.arm(false);
    watch.candidate(UDP_HOST);
    watch.candidate(TCP_HOST);
    expect(pending.size).toBe(0);
    expect(done).not.toHaveBeenCalled();
    watch.candidate(SRFLX);
    fire();
    expect(done).toHaveBeenCalledTimes(1);
  });

  it('with TURN waits for a relay candidate', () => {
    const { timers, fire } = manualTimers();
    const done = vi.fn();
    const watch = new GatheringWatch(icePlanOf(['turn:turn.example.net']), done, timers);
    watch.arm(false);
    watch.candidate(UDP_HOST);
    watch.candidate(SRFLX);
    fire();
    expect(done).not.toHaveBeenCalled();
    watch.candidate(RELAY);
    fire();
    expect(done).toHaveBeenCalledTimes(1);
  });

  it('candidates before the wait count, but nothing ends before someone waits', () => {
    const { timers, pending, fire } = manualTimers();
    const done = vi.fn();
    const watch = new GatheringWatch(icePlanOf([]), done, timers);
    watch.candidate(UDP_HOST);
    expect(pending.size).toBe(0);
    watch.arm(false);
    fire();
    expect(done).toHaveBeenCalledTimes(1);
    // A later wait (a re-offer) is ended too, with what was gathered.
    watch.arm(false);
    fire();
    expect(done).toHaveBeenCalledTimes(2);
  });

  it('forgets the candidates on an ICE restart and calls nothing after close', () => {
    const { timers, pending, fire } = manualTimers();
    const done = vi.fn();
    const watch = new GatheringWatch(icePlanOf([]), done, timers);
    watch.candidate(UDP_HOST);
    watch.arm(true);
    expect(watch.snapshot).toEqual(NOTHING_GATHERED);
    expect(pending.size).toBe(0);
    watch.candidate(UDP_HOST);
    watch.close();
    fire();
    expect(done).not.toHaveBeenCalled();
  });
});

describe('iceAwareSessionDescriptionHandlerFactory', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const session = { userAgent: { getLogger: () => 'logger' } } as never;
  type Fake = {
    peerConnection: EventTarget & { iceGatheringState: RTCIceGatheringState; configuration: unknown };
    configuration: unknown;
    mediaStreamFactory: unknown;
    waitForIceGatheringComplete(restart?: boolean, timeout?: number): Promise<void>;
    close(): void;
    closed: boolean;
  };
  const candidateEvent = (line: string) =>
    Object.assign(new Event('icecandidate'), { candidate: { candidate: line } });

  it("keeps sip.js's defaults and the options' configuration, never sip.js's default STUN server", () => {
    const handler = iceAwareSessionDescriptionHandlerFactory([])(session, {
      peerConnectionConfiguration: { iceServers: [] },
      iceGatheringTimeout: 500,
    }) as unknown as Fake;
    expect(handler.configuration).toEqual({
      iceGatheringTimeout: 500,
      peerConnectionConfiguration: { bundlePolicy: 'balanced', iceServers: [] },
    });
    expect(handler.mediaStreamFactory).toBe('media-stream-factory');
  });

  it('resolves the wait for gathering once the UDP host candidates are in', async () => {
    // Breaks when the factory's handler does not listen to its connection's candidates.
    const handler = iceAwareSessionDescriptionHandlerFactory([])(session, {}) as unknown as Fake;
    let resolved = false;
    void handler.waitForIceGatheringComplete(false, 5_000).then(() => (resolved = true));
    handler.peerConnection.dispatchEvent(candidateEvent(UDP_HOST));
    await vi.advanceTimersByTimeAsync(QUIET_MS - 1);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(resolved).toBe(true);
  });

  it('does not end the wait with STUN configured until a server-reflexive candidate came', async () => {
    const handler = iceAwareSessionDescriptionHandlerFactory(['stun:127.0.0.1:3478'])(
      session,
      {},
    ) as unknown as Fake;
    let resolved = false;
    void handler.waitForIceGatheringComplete(false, 5_000).then(() => (resolved = true));
    handler.peerConnection.dispatchEvent(candidateEvent(UDP_HOST));
    await vi.advanceTimersByTimeAsync(100);
    expect(resolved).toBe(false);
    handler.peerConnection.dispatchEvent(candidateEvent(SRFLX));
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(resolved).toBe(true);
    handler.close();
    expect(handler.closed).toBe(true);
  });
});
