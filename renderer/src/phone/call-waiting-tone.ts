/**
 * The call-waiting tone (Anklopfton, as German exchanges play it): 425 Hz, 200 ms on, 200 ms off,
 * 200 ms on, then 5 s quiet, softly — on the call's audio output (the speaker or headset the call
 * plays on, not the ringer), so the person on the phone hears it and nobody else is disturbed.
 */
const FREQUENCY_HZ = 425;
const BEEP_S = 0.2;
const PERIOD_MS = 5_600;
const VOLUME = 0.06;

type SinkableContext = AudioContext & { setSinkId?(id: string): Promise<void> };

export class CallWaitingTone {
  private context: SinkableContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  /** Starts the tone on this output device ('' or null: the system default). */
  start(outputDeviceId: string | null): void {
    this.stop();
    if (typeof AudioContext === 'undefined') return;
    const context: SinkableContext = new AudioContext();
    this.context = context;
    if (outputDeviceId && context.setSinkId) void context.setSinkId(outputDeviceId).catch(() => {});
    void context.resume().catch(() => {});
    const play = () => {
      const at = context.currentTime;
      this.beep(context, at);
      this.beep(context, at + 2 * BEEP_S);
    };
    play();
    this.timer = setInterval(play, PERIOD_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    void this.context?.close().catch(() => {});
    this.context = null;
  }

  private beep(context: AudioContext, at: number): void {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = FREQUENCY_HZ;
    gain.gain.value = VOLUME;
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + BEEP_S);
  }
}
