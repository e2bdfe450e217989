/**
 * Notices when a call's media has died although SIP still thinks the call is up: the peer
 * connection reports `failed` (ICE consent or DTLS lost, e.g. after the PBX restarted mid-call), or
 * no inbound RTP arrived for `silenceTimeoutMs` (read from getStats). Hold pauses the RTP check:
 * a held call legitimately receives nothing.
 */
export interface MediaWatchOptions {
  /** No inbound audio packet for this long ends the call; 0 switches the RTP check off. */
  silenceTimeoutMs: number;
  /** How often getStats is read. */
  pollIntervalMs: number;
}

/**
 * Sixty seconds: an IVR that waits silently for keys (the test PBX sends RTP only while it speaks)
 * must not be cut off, while a dead call still ends well within the PBX's own session timers.
 */
export const DEFAULT_MEDIA_WATCH: MediaWatchOptions = { silenceTimeoutMs: 60_000, pollIntervalMs: 2_000 };

export type MediaLoss = 'connection-failed' | 'no-rtp';

/** The part of RTCPeerConnection the watch reads. */
export interface WatchedConnection {
  readonly connectionState: RTCPeerConnectionState;
  addEventListener(type: 'connectionstatechange', listener: () => void): void;
  removeEventListener(type: 'connectionstatechange', listener: () => void): void;
  getStats(): Promise<RTCStatsReport>;
}

/** Audio packets received so far over all inbound RTP streams, or null if the report has none. */
export function inboundAudioPackets(report: RTCStatsReport): number | null {
  let total: number | null = null;
  report.forEach((stats: { type?: string; kind?: string; packetsReceived?: number }) => {
    if (stats.type !== 'inbound-rtp' || (stats.kind !== undefined && stats.kind !== 'audio')) return;
    total = (total ?? 0) + (stats.packetsReceived ?? 0);
  });
  return total;
}

export class MediaWatch {
  private timer: ReturnType<typeof setInterval> | null = null;
  private packets = -1;
  private lastProgressAt: number;
  private paused = false;
  private done = false;
  private readonly onStateChange = () => {
    if (this.connection.connectionState === 'failed') this.lost('connection-failed');
  };

  constructor(
    private readonly connection: WatchedConnection,
    private readonly options: MediaWatchOptions,
    private readonly now: () => number,
    private readonly onLost: (why: MediaLoss) => void,
  ) {
    this.lastProgressAt = now();
  }

  start(): void {
    this.connection.addEventListener('connectionstatechange', this.onStateChange);
    this.onStateChange();
    if (this.options.silenceTimeoutMs > 0 && !this.done)
      this.timer = setInterval(() => void this.poll(), this.options.pollIntervalMs);
  }

  stop(): void {
    this.done = true;
    this.connection.removeEventListener('connectionstatechange', this.onStateChange);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** While held (by either side) no RTP is expected; the silence clock restarts on every change. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    this.lastProgressAt = this.now();
  }

  private async poll(): Promise<void> {
    let packets: number | null;
    try {
      packets = inboundAudioPackets(await this.connection.getStats());
    } catch {
      return; // a closing connection: its end is reported elsewhere
    }
    if (this.done) return;
    const now = this.now();
    if (packets !== null && packets > this.packets) {
      this.packets = packets;
      this.lastProgressAt = now;
      return;
    }
    if (!this.paused && now - this.lastProgressAt >= this.options.silenceTimeoutMs) this.lost('no-rtp');
  }

  private lost(why: MediaLoss): void {
    if (this.done) return;
    this.stop();
    this.onLost(why);
  }
}
