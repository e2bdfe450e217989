import { readdirSync, readFileSync } from 'node:fs';
import { readMuLawWav, toFrames } from '../pbx/media/prompts';

/**
 * What an attacker hears: the PBX's prompts recognised by their audio, the way an autodialer that
 * recorded them once would. Every 20 ms µ-law frame that occurs in exactly one prompt identifies it
 * (silence and shared frames are ignored), so the ear tells "enter your PIN" from "wrong PIN" from
 * "paid calls are locked" without any help from the PBX. Prompts are read from the resources folder
 * by file name, so prompts added later (a busy or quarantine prompt) are recognised too.
 */
export class PromptFingerprints {
  private readonly frames = new Map<string, { prompt: string; index: number }>();

  constructor(directory: URL = new URL('../../resources/prompts/', import.meta.url)) {
    const seen = new Map<string, number>();
    const candidates: [string, string, number][] = [];
    for (const language of readdirSync(directory)) {
      const folder = new URL(`${language}/`, directory);
      for (const file of readdirSync(folder).filter((name) => name.endsWith('.wav'))) {
        const prompt = file.slice(0, -'.wav'.length);
        toFrames(readMuLawWav(readFileSync(new URL(file, folder)))).forEach((frame, index) => {
          const key = frame.toString('base64');
          seen.set(key, (seen.get(key) ?? 0) + 1);
          candidates.push([key, prompt, index]);
        });
      }
    }
    for (const [key, prompt, index] of candidates) {
      if (seen.get(key) === 1) this.frames.set(key, { prompt, index });
    }
  }

  identify(payload: Buffer): { prompt: string; index: number } | undefined {
    return this.frames.get(payload.toString('base64'));
  }
}

/** One call's hearing: the prompts that started, in order, and a way to wait for the next one. */
export class PromptEar {
  /** Every prompt start heard so far, in order. */
  readonly heard: string[] = [];
  private current: { prompt: string; index: number } | null = null;
  private listeners: (() => void)[] = [];

  constructor(private readonly fingerprints: PromptFingerprints) {}

  feed(payload: Buffer): void {
    const frame = this.fingerprints.identify(payload);
    if (!frame) return;
    const current = this.current;
    if (!current || current.prompt !== frame.prompt || frame.index < current.index) {
      this.heard.push(frame.prompt);
      const listeners = this.listeners;
      this.listeners = [];
      listeners.forEach((wake) => wake());
    }
    this.current = frame;
  }

  /**
   * The first prompt start after the `after`-th one (by default: after those heard so far) that is
   * one of `prompts` (any prompt when `prompts` is empty), or null when `stop` resolves first (the call ended).
   */
  async next(prompts: readonly string[], stop: Promise<unknown>, after = this.heard.length) {
    let stopped = false;
    void stop.then(() => {
      stopped = true;
      const listeners = this.listeners;
      this.listeners = [];
      listeners.forEach((wake) => wake());
    });
    for (let from = after; ;) {
      const found = this.heard.slice(from).find((prompt) => prompts.length === 0 || prompts.includes(prompt));
      if (found) return found;
      if (stopped) return null;
      from = this.heard.length;
      await new Promise<void>((resolve) => this.listeners.push(resolve));
    }
  }
}
