import type { RingTone } from '../../../shared/settings/schema';

/**
 * Call progress tones, made with WebAudio (no files): ringback (425 Hz, 1 s on, 4 s off — the German
 * tone) and a short local click for every keypad press on the default output, and the ring of an
 * incoming call in the chosen ring tone on the ringer device: its own <audio> element, routed with
 * setSinkId (settings `audio.ringerDeviceId`, else the speaker).
 */

/** One tone pattern: [frequency Hz (0 = pause), seconds] parts, repeated every `periodS`. */
export interface TonePattern {
  parts: readonly (readonly [number, number])[];
  periodS: number;
  volume: number;
  wave: OscillatorType;
}

export const RING_TONE_PATTERNS: Record<RingTone, TonePattern> = {
  /** Two alternating tones, like a desk phone. */
  classic: {
    parts: [
      [800, 0.4],
      [1000, 0.4],
    ],
    periodS: 3,
    volume: 0.15,
    wave: 'sine',
  },
  /** A quiet rising chord (C, E, G), for open-plan offices. */
  soft: {
    parts: [
      [523, 0.5],
      [659, 0.5],
      [784, 0.8],
    ],
    periodS: 4,
    volume: 0.07,
    wave: 'sine',
  },
  /** Four short high beeps. */
  digital: {
    parts: [
      [1400, 0.08],
      [0, 0.06],
      [1400, 0.08],
      [0, 0.06],
      [1400, 0.08],
      [0, 0.06],
      [1400, 0.08],
    ],
    periodS: 2,
    volume: 0.06,
    wave: 'square',
  },
};

const RINGBACK: TonePattern = { parts: [[425, 1.0]], periodS: 5, volume: 0.08, wave: 'sine' };

/** Where and what the phone rings: the ring tone and the device (null: the system default). */
export interface RingerChoice {
  tone: RingTone;
  deviceId: string | null;
}

/** Why the ring tone does not play on the chosen device (it plays on the default one instead). */
export type RingerProblem = 'sink-unsupported' | 'device-missing' | 'device-failed' | 'no-audio';

let currentRinger: RingerChoice = { tone: 'classic', deviceId: null };

/**
 * The ringer every Tones instance uses for ring() (set from the settings by the app, so the call
 * screen only says "ring" and the Konto tab decides how).
 */
export function configureRinger(choice: RingerChoice): void {
  currentRinger = choice;
}

export function ringerChoice(): RingerChoice {
  return currentRinger;
}

type SinkElement = HTMLAudioElement & { setSinkId?(id: string): Promise<void> };

/** Points an audio element at a device; says what went wrong (the element then plays on the default). */
export async function routeToDevice(
  element: SinkElement,
  deviceId: string | null,
): Promise<RingerProblem | null> {
  if (typeof element.setSinkId !== 'function') return deviceId === null ? null : 'sink-unsupported';
  try {
    await element.setSinkId(deviceId ?? '');
    return null;
  } catch (error) {
    // NotFoundError: the device was unplugged since it was chosen.
    return error instanceof Error && error.name === 'NotFoundError' ? 'device-missing' : 'device-failed';
  }
}

export class Tones {
  private context: AudioContext | null = null;
  private pattern: { stop(): void } | null = null;
  private ringer: { node: MediaStreamAudioDestinationNode; element: SinkElement } | null = null;
  /**
   * Counts stop() and every new tone: a ring started before a stop() (still waiting for setSinkId)
   * sees the count moved on and does not start, so a call cancelled or answered quickly stops ringing.
   */
  private generation = 0;

  private audio(): AudioContext | null {
    if (typeof AudioContext === 'undefined') return null;
    this.context ??= new AudioContext();
    void this.context.resume().catch(() => {});
    return this.context;
  }

  ringback(): void {
    this.generation += 1;
    const context = this.audio();
    if (context) this.loop(context, RINGBACK, context.destination);
  }

  /** Rings in the configured ring tone on the configured ringer device, until stop(). */
  ring(): void {
    void this.ringWith(currentRinger);
  }

  /**
   * Plays `choice` once (the Konto tab's preview) and says whether it reached the chosen device.
   * Resolves when the tone has been started; stop() ends it early.
   */
  async preview(choice: RingerChoice): Promise<RingerProblem | null> {
    const problem = await this.ringWith(choice, true);
    return problem;
  }

  click(): void {
    const context = this.audio();
    if (!context) return;
    this.beep(context, context.destination, 1200, context.currentTime, 0.04, 0.05, 'sine');
  }

  stop(): void {
    this.generation += 1;
    this.pattern?.stop();
    this.pattern = null;
    this.ringer?.element.pause();
  }

  private async ringWith(choice: RingerChoice, once = false): Promise<RingerProblem | null> {
    this.stop();
    const generation = this.generation;
    const context = this.audio();
    if (!context) return 'no-audio';
    const ringer = this.ringerOutput(context);
    const problem = await routeToDevice(ringer.element, choice.deviceId);
    // stop() (or another ring) came while the device was being set: this ring is over already.
    if (generation !== this.generation) return problem;
    void ringer.element.play().catch(() => {});
    this.loop(context, RING_TONE_PATTERNS[choice.tone], ringer.node, once);
    return problem;
  }

  /** The ringer's own element, fed by a WebAudio stream, so it can sit on another device than calls. */
  private ringerOutput(context: AudioContext): {
    node: MediaStreamAudioDestinationNode;
    element: SinkElement;
  } {
    if (!this.ringer) {
      const node = context.createMediaStreamDestination();
      const element: SinkElement = new Audio();
      element.srcObject = node.stream;
      this.ringer = { node, element };
    }
    return this.ringer;
  }

  private loop(context: AudioContext, pattern: TonePattern, output: AudioNode, once = false): void {
    this.pattern?.stop();
    let cancelled = false;
    const schedule = () => {
      if (cancelled) return;
      let at = context.currentTime;
      for (const [frequency, duration] of pattern.parts) {
        if (frequency > 0) this.beep(context, output, frequency, at, duration, pattern.volume, pattern.wave);
        at += duration;
      }
    };
    schedule();
    const timer = once ? null : setInterval(schedule, pattern.periodS * 1000);
    this.pattern = {
      stop: () => {
        cancelled = true;
        if (timer) clearInterval(timer);
      },
    };
  }

  private beep(
    context: AudioContext,
    output: AudioNode,
    frequency: number,
    at: number,
    duration: number,
    volume: number,
    wave: OscillatorType,
  ): void {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = wave;
    oscillator.frequency.value = frequency;
    gain.gain.value = volume;
    oscillator.connect(gain).connect(output);
    oscillator.start(at);
    oscillator.stop(at + duration);
  }
}
