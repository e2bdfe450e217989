/**
 * Call progress tones, made with WebAudio (no files): ringback (425 Hz, 1 s on, 4 s off — the German
 * tone), the ring of an incoming call, and a short local click for every keypad press.
 */
export class Tones {
  private context: AudioContext | null = null;
  private pattern: { stop(): void } | null = null;

  private audio(): AudioContext | null {
    if (typeof AudioContext === 'undefined') return null;
    this.context ??= new AudioContext();
    void this.context.resume().catch(() => {});
    return this.context;
  }

  ringback(): void {
    this.loop([[425, 1.0]], 5.0, 0.08);
  }

  ring(): void {
    this.loop(
      [
        [800, 0.4],
        [1000, 0.4],
      ],
      3.0,
      0.15,
    );
  }

  click(): void {
    const context = this.audio();
    if (!context) return;
    this.beep(context, 1200, context.currentTime, 0.04, 0.05);
  }

  stop(): void {
    this.pattern?.stop();
    this.pattern = null;
  }

  private loop(parts: [number, number][], periodS: number, volume: number): void {
    this.stop();
    const context = this.audio();
    if (!context) return;
    let cancelled = false;
    const schedule = () => {
      if (cancelled) return;
      let at = context.currentTime;
      for (const [frequency, duration] of parts) {
        this.beep(context, frequency, at, duration, volume);
        at += duration;
      }
    };
    schedule();
    const timer = setInterval(schedule, periodS * 1000);
    this.pattern = {
      stop: () => {
        cancelled = true;
        clearInterval(timer);
      },
    };
  }

  private beep(context: AudioContext, frequency: number, at: number, duration: number, volume: number): void {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.value = volume;
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + duration);
  }
}
