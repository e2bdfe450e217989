import { describe, expect, it } from 'vitest';
import { chooseTone, lossesDiffer, type ToneRunFigures } from '../../../bench/lib/tone-choice';

/**
 * The rule that picks the keypad's tone length from bench/tone-lengths.ts's numbers. What breaks it:
 * letting latency decide before lost keys (the "loses more" case picks the faster setting), or
 * calling any difference in lost keys a difference (the wobble case decides by keys).
 */
const SHORT = { durationMs: 40, gapMs: 30 };
const LONG = { durationMs: 70, gapMs: 50 };

function run(tone: typeof SHORT, intervalMs: number, lost: number, p95: number): ToneRunFigures {
  return { tone, intervalMs, keys: 320, lost, clickToDetectedMs: { p95, count: 320 - lost } };
}

describe('tone choice', () => {
  it('counts a loss difference only beyond twice its Poisson spread', () => {
    expect(lossesDiffer(0, 0)).toBe(false);
    expect(lossesDiffer(1, 3)).toBe(false);
    expect(lossesDiffer(0, 5)).toBe(true);
    expect(lossesDiffer(10, 30)).toBe(true);
  });

  it('takes the setting that loses fewer keys, however slow', () => {
    const choice = chooseTone(
      [run(SHORT, 125, 12, 40), run(SHORT, 50, 14, 90), run(LONG, 125, 1, 45), run(LONG, 50, 2, 700)],
      SHORT,
      LONG,
    );
    expect(choice.chosen).toEqual(LONG);
    expect(choice.decidedBy).toBe('lost keys');
    expect(choice.lost).toEqual({ short: 26, long: 3 });
  });

  it('lets the fastest typing p95 decide when the losses are within the wobble', () => {
    const choice = chooseTone(
      [run(SHORT, 125, 1, 40), run(SHORT, 50, 2, 300), run(LONG, 125, 0, 45), run(LONG, 50, 1, 700)],
      SHORT,
      LONG,
    );
    expect(choice.chosen).toEqual(SHORT);
    expect(choice.decidedBy).toBe('fast typing p95');
    expect(choice.fastTypingP95Ms).toEqual({ short: 300, long: 700 });
  });

  it('refuses to choose without measurements of both settings', () => {
    expect(() => chooseTone([run(SHORT, 125, 0, 40)], SHORT, LONG)).toThrow(/Both settings/);
  });
});
