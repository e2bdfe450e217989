/** The part of RTCDTMFSender the keypad uses. */
export interface ToneSender {
  readonly toneBuffer: string;
  readonly canInsertDTMF: boolean;
  insertDTMF(tones: string, duration?: number, interToneGap?: number): void;
}

export const TONE_DURATION_MS = 70;
export const TONE_GAP_MS = 50;
const KEYS = /^[0-9*#A-D]$/;

/**
 * Sends key presses in-band as RFC 4733 telephone-events. `insertDTMF` replaces whatever is still
 * queued, so each key is appended to the sender's tone buffer instead: fast typing loses nothing.
 * Returns false when the call cannot carry DTMF (no telephone-event negotiated, no audio sender).
 */
export function sendKey(sender: ToneSender | null | undefined, key: string): boolean {
  if (!sender || !sender.canInsertDTMF || !KEYS.test(key)) return false;
  sender.insertDTMF(sender.toneBuffer + key, TONE_DURATION_MS, TONE_GAP_MS);
  return true;
}

/** Maps a physical key to a keypad key (numpad and shifted symbols included), or null. */
export function keypadKeyOf(event: { key: string }): string | null {
  const key = event.key;
  if (/^[0-9]$/.test(key) || key === '*' || key === '#') return key;
  return null;
}

/**
 * Keys pressed before the DTMF sender can insert tones (the media is still connecting right after
 * the answer or the 183) are held and sent, in order, as soon as it can — within `maxWaitMs`.
 */
export class PendingKeys {
  private keys = '';
  private since: number | null = null;

  constructor(private readonly maxWaitMs: number) {}

  /** Queue a key; returns false if it is not a keypad key. */
  hold(key: string, now: number): boolean {
    if (!KEYS.test(key)) return false;
    this.keys += key;
    this.since ??= now;
    return true;
  }

  get waiting(): boolean {
    return this.keys !== '';
  }

  /** Sends what is held if the sender is ready. Returns 'sent', 'waiting' or 'expired' (keys dropped). */
  flush(sender: ToneSender | null | undefined, now: number): 'sent' | 'waiting' | 'expired' | 'idle' {
    if (!this.keys) return 'idle';
    if (sender?.canInsertDTMF) {
      sender.insertDTMF(sender.toneBuffer + this.keys, TONE_DURATION_MS, TONE_GAP_MS);
      this.clear();
      return 'sent';
    }
    if (this.since !== null && now - this.since > this.maxWaitMs) {
      this.clear();
      return 'expired';
    }
    return 'waiting';
  }

  clear(): void {
    this.keys = '';
    this.since = null;
  }
}
