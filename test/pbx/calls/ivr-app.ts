import type { PromptName } from '../media/prompts';

export type IvrAppName = 'voicemail' | 'echo-test';

/** What an IVR application needs of its call. */
export interface IvrAppSide {
  answer(): void;
  /** False when the media failed or the call ended meanwhile. */
  mediaReady(): Promise<boolean>;
  play(prompt: PromptName): Promise<boolean>;
  /** A prompt is playing (the echo test does not echo over it). */
  playing(): boolean;
  sendAudio(payload: Buffer): void;
  /** The application is done: the call ends as completed. */
  done(): void;
}

/**
 * The PBX's own applications: voicemail (says the box is empty, then hangs up) and the echo test
 * (a prompt, then the caller's audio back to the caller until they hang up).
 */
export class IvrApp {
  private running = false;

  constructor(
    private readonly app: IvrAppName,
    private readonly side: IvrAppSide,
  ) {}

  async run(): Promise<void> {
    this.running = true;
    this.side.answer();
    if (!(await this.side.mediaReady())) return;
    const completed = await this.side.play(this.app === 'voicemail' ? 'voicemail-empty' : 'echo-test');
    if (this.app === 'voicemail' && completed && this.running) this.side.done();
  }

  /** The caller's audio: echoed back (echo test, not over a prompt). */
  audio(payload: Buffer): void {
    if (this.running && this.app === 'echo-test' && !this.side.playing()) this.side.sendAudio(payload);
  }

  /** The call ended: nothing more is played or echoed. */
  stop(): void {
    this.running = false;
  }
}
