import type { Direction } from '../media/sdp';

/** Without `mediaTimeoutMs` in the call context: a caller whose RTP stops this long is gone. */
export const DEFAULT_MEDIA_TIMEOUT_MS = 5_000;

/**
 * Notices a caller whose media vanished (socket gone, app killed, network lost) although ICE/DTLS
 * never reported a failure: phones send RTP every 20 ms unless they hold the call, so silence on the
 * wire for `timeoutMs` means the caller is gone. No RTP is expected while the caller's offer says
 * `inactive` or `recvonly` (hold); the time starts afresh when the direction changes.
 */
export class MediaWatch {
  private lastPacketAt = performance.now();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly timeoutMs: number,
    private direction: Direction,
    private readonly onTimeout: () => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.lastPacketAt = performance.now();
    this.timer = setInterval(() => this.check(), Math.min(1_000, Math.max(50, this.timeoutMs / 4)));
    this.timer.unref();
  }

  /** Any packet from the caller: audio, or a telephone-event. */
  packet(): void {
    this.lastPacketAt = performance.now();
  }

  /** The caller's direction from a re-INVITE (hold, resume). */
  directionChanged(direction: Direction): void {
    this.direction = direction;
    this.lastPacketAt = performance.now();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private check(): void {
    if (this.direction === 'inactive' || this.direction === 'recvonly') return;
    if (performance.now() - this.lastPacketAt < this.timeoutMs) return;
    this.stop();
    this.onTimeout();
  }
}
