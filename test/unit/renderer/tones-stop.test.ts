import { afterEach, describe, expect, it, vi } from 'vitest';
import { Tones } from '../../../renderer/src/sip/tones';

/**
 * The ring waits for setSinkId before it plays; a stop() in that wait (the caller cancels, the
 * call is answered at once) must end it. Breaks when ringWith starts the tone without checking that
 * no stop() came during the wait.
 */
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** A WebAudio stand-in counting the oscillators started, and an <audio> whose setSinkId waits. */
function fakeAudio() {
  const sinks: (() => void)[] = [];
  const played = { elements: 0, oscillators: 0 };
  const param = { value: 0 };
  const node = () => ({ connect: <T>(next: T) => next, disconnect: () => {} });
  class FakeContext {
    currentTime = 0;
    destination = node();
    resume = async () => {};
    createMediaStreamDestination = () => ({ ...node(), stream: {} });
    createGain = () => ({ ...node(), gain: { ...param } });
    createOscillator = () => ({
      ...node(),
      type: 'sine',
      frequency: { ...param },
      start: () => void (played.oscillators += 1),
      stop: () => {},
    });
  }
  class FakeAudio {
    srcObject: unknown = null;
    setSinkId = () => new Promise<void>((resolve) => sinks.push(resolve));
    play = async () => void (played.elements += 1);
    pause = () => {};
  }
  vi.stubGlobal('AudioContext', FakeContext);
  vi.stubGlobal('Audio', FakeAudio);
  return { sinks, played };
}

async function settle() {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}

describe('ring tone and stop()', () => {
  it('does not start when stop() came while the ringer device was being set', async () => {
    vi.useFakeTimers();
    const { sinks, played } = fakeAudio();
    const tones = new Tones();
    tones.ring();
    await settle();
    expect(sinks).toHaveLength(1);
    tones.stop();
    sinks[0]?.();
    await settle();
    vi.advanceTimersByTime(30_000);
    expect(played).toEqual({ elements: 0, oscillators: 0 });
  });

  it('rings when nothing stopped it, and a later stop() ends the loop', async () => {
    vi.useFakeTimers();
    const { sinks, played } = fakeAudio();
    const tones = new Tones();
    tones.ring();
    await settle();
    sinks[0]?.();
    await settle();
    expect(played.elements).toBe(1);
    const first = played.oscillators;
    expect(first).toBeGreaterThan(0);
    vi.advanceTimersByTime(3_000);
    expect(played.oscillators).toBeGreaterThan(first);
    tones.stop();
    const stopped = played.oscillators;
    vi.advanceTimersByTime(30_000);
    expect(played.oscillators).toBe(stopped);
  });
});
