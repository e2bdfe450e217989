/**
 * RFC 4733 telephone-events (DTMF in RTP), sans-IO: decoding with de-duplication, and encoding for
 * test clients. All packets of one event share the RTP timestamp; the end packet is sent three times.
 */
const EVENT_SYMBOLS = '0123456789*#ABCD';

export interface TelephoneEvent {
  event: number;
  end: boolean;
  volume: number;
  duration: number;
}

export function decodeTelephoneEvent(payload: Uint8Array): TelephoneEvent | null {
  if (payload.length < 4) return null;
  const event = payload[0] ?? 0;
  const flags = payload[1] ?? 0;
  return {
    event,
    end: (flags & 0x80) !== 0,
    volume: flags & 0x3f,
    duration: ((payload[2] ?? 0) << 8) | (payload[3] ?? 0),
  };
}

export function encodeTelephoneEvent(event: TelephoneEvent): Buffer {
  const payload = Buffer.alloc(4);
  payload[0] = event.event;
  payload[1] = (event.end ? 0x80 : 0) | (event.volume & 0x3f);
  payload.writeUInt16BE(event.duration & 0xffff, 2);
  return payload;
}

export function symbolOf(event: number): string | null {
  return EVENT_SYMBOLS[event] ?? null;
}

export function eventOf(symbol: string): number {
  const index = EVENT_SYMBOLS.indexOf(symbol.toUpperCase());
  if (index < 0) throw new Error(`No DTMF event for ${symbol}`);
  return index;
}

/**
 * Turns a stream of telephone-event packets into key presses, once each: the first packet of an
 * event (new RTP timestamp) reports the key, later packets of it — updates, the three end
 * packets, retransmissions — are ignored. Remembers recent timestamps to survive reordering.
 */
export class DtmfDetector {
  private readonly seen: number[] = [];

  constructor(private readonly memory = 32) {}

  /** Returns the key for a packet that starts a new event, otherwise null. */
  receive(rtpTimestamp: number, payload: Uint8Array): string | null {
    const decoded = decodeTelephoneEvent(payload);
    if (!decoded) return null;
    const symbol = symbolOf(decoded.event);
    if (symbol === null) return null;
    if (this.seen.includes(rtpTimestamp)) return null;
    this.seen.push(rtpTimestamp);
    if (this.seen.length > this.memory) this.seen.shift();
    return symbol;
  }

  /** Whether packets with this timestamp belonged to an event already reported. */
  hasSeen(rtpTimestamp: number): boolean {
    return this.seen.includes(rtpTimestamp);
  }
}
