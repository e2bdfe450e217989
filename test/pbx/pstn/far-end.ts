import type { RtpPacket } from 'werift';
import { DtmfDetector } from '../media/rfc4733';
import { SAMPLES_PER_FRAME } from '../media/media-endpoint';

/**
 * The PSTN side of the test PBX: a far end for every paid, toll-free and emergency call. It rings,
 * answers, plays a tone, and records what it received — audio packets and every DTMF key — so tests
 * can prove that PIN digits never reach it.
 */
export interface FarEndRecord {
  id: string;
  callId: string;
  caller: string;
  /** The canonical destination the PBX routed to (E.164, or the emergency number). */
  destination: string;
  callClass: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  audioPacketsReceived: number;
  dtmfReceived: string;
}

export interface FarEndOptions {
  ringMs: number;
  now: () => number;
}

export class FarEndCall {
  private readonly detector = new DtmfDetector();
  private toneTimer: NodeJS.Timeout | null = null;
  private phase = 0;

  constructor(
    readonly record: FarEndRecord,
    private readonly now: () => number,
  ) {}

  /** Rings for `ringMs`, then answers and starts sending a 425 Hz tone. */
  answerAfter(ringMs: number, sendFrame: (frame: Buffer) => void): Promise<void> {
    return new Promise((resolve) => {
      setTimeout(() => {
        if (this.record.endedAt !== null) return resolve();
        this.record.answeredAt = this.now();
        this.toneTimer = setInterval(() => sendFrame(this.nextToneFrame()), 20);
        resolve();
      }, ringMs);
    });
  }

  receive(packet: RtpPacket, kind: 'audio' | 'telephone-event'): void {
    if (this.record.answeredAt === null || this.record.endedAt !== null) return;
    if (kind === 'audio') {
      this.record.audioPacketsReceived++;
      return;
    }
    const key = this.detector.receive(packet.header.timestamp, packet.payload);
    if (key !== null) this.record.dtmfReceived += key;
  }

  hangUp(): void {
    if (this.toneTimer) clearInterval(this.toneTimer);
    this.toneTimer = null;
    if (this.record.endedAt === null) this.record.endedAt = this.now();
  }

  private nextToneFrame(): Buffer {
    const frame = Buffer.alloc(SAMPLES_PER_FRAME);
    for (let i = 0; i < SAMPLES_PER_FRAME; i++) {
      const sample = Math.round(8000 * Math.sin((2 * Math.PI * 425 * (this.phase + i)) / 8000));
      frame[i] = linearToMuLaw(sample);
    }
    this.phase = (this.phase + SAMPLES_PER_FRAME) % 8000;
    return frame;
  }
}

export class PstnFarEnd {
  private readonly records: FarEndRecord[] = [];
  private sequence = 0;

  constructor(private readonly options: FarEndOptions) {}

  get ringMs(): number {
    return this.options.ringMs;
  }

  dial(callId: string, caller: string, destination: string, callClass: string): FarEndCall {
    const record: FarEndRecord = {
      id: `pstn-${++this.sequence}`,
      callId,
      caller,
      destination,
      callClass,
      startedAt: this.options.now(),
      answeredAt: null,
      endedAt: null,
      audioPacketsReceived: 0,
      dtmfReceived: '',
    };
    this.records.push(record);
    return new FarEndCall(record, this.options.now);
  }

  calls(): readonly FarEndRecord[] {
    return this.records;
  }
}

/** G.711 µ-law encoding of a 16-bit linear sample. */
export function linearToMuLaw(sample: number): number {
  const BIAS = 0x84;
  const CLIP = 32635;
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = ~(sign | (exponent << 4) | mantissa) & 0xff;
  return magnitude;
}
