import { describe, expect, it } from 'vitest';
import { gilbertElliott, lossModel, RANDOM_5 } from '../../../bench/lib/loss';

/** A small deterministic generator (mulberry32), so the statistics below are the same every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function run(model: () => boolean, packets: number) {
  let lost = 0;
  let bursts = 0;
  let previous = false;
  for (let index = 0; index < packets; index++) {
    const dropped = model();
    if (dropped) lost++;
    if (dropped && !previous) bursts++;
    previous = dropped;
  }
  return { rate: lost / packets, meanBurst: lost / Math.max(bursts, 1) };
}

describe('loss models for the benchmarks', () => {
  // Breaks if the transition probabilities are swapped or mis-derived (e.g. p = rate): rate or
  // burst length then land far outside these bounds.
  it('Gilbert–Elliott loses the given share in bursts of the given mean length', () => {
    const { rate, meanBurst } = run(gilbertElliott(0.05, 3, seeded(1)), 200_000);
    expect(rate).toBeGreaterThan(0.045);
    expect(rate).toBeLessThan(0.055);
    expect(meanBurst).toBeGreaterThan(2.7);
    expect(meanBurst).toBeLessThan(3.3);
  });

  it('random loss is independent: bursts average about one packet', () => {
    const { rate, meanBurst } = run(lossModel(RANDOM_5, seeded(2)), 200_000);
    expect(rate).toBeGreaterThan(0.045);
    expect(rate).toBeLessThan(0.055);
    expect(meanBurst).toBeLessThan(1.2);
  });
});
