import { round } from './stats';

/**
 * Choosing the keypad's tone length and gap from bench/tone-lengths.ts's runs. Pure, so that the
 * rule is tested apart from the measurement (test/unit/bench/tone-choice.test.ts).
 */
export interface ToneSetting {
  durationMs: number;
  gapMs: number;
}

/** What the choice reads of a run. */
export interface ToneRunFigures {
  tone: ToneSetting;
  intervalMs: number;
  keys: number;
  lost: number;
  clickToDetectedMs: { p95: number; count: number };
}

/**
 * Two loss counts differ only when the difference is beyond twice its Poisson spread
 * (|a − b| > 2·√(a + b)); closer than that, a run-to-run wobble could reverse it.
 */
export function lossesDiffer(a: number, b: number): boolean {
  return Math.abs(a - b) > 2 * Math.sqrt(a + b);
}

/**
 * The choice between a shorter and a longer setting: a lost key in a PIN is a wrong PIN (a retry,
 * and a step towards the lock), so lost keys decide first — summed over every run (both paths, both
 * speeds, both loss conditions); if the two settings' losses do not differ (lossesDiffer), the
 * worst p95 click → detected of the fastest typing decides (queued keys wait for every tone before
 * them); a tie there goes to the shorter setting.
 */
export function chooseTone(runs: readonly ToneRunFigures[], short: ToneSetting, long: ToneSetting) {
  const same = (a: ToneSetting, b: ToneSetting) => a.durationMs === b.durationMs && a.gapMs === b.gapMs;
  const of = (tone: ToneSetting) => runs.filter((run) => same(run.tone, tone));
  const lostOf = (tone: ToneSetting) => of(tone).reduce((sum, run) => sum + run.lost, 0);
  const keysOf = (tone: ToneSetting) => of(tone).reduce((sum, run) => sum + run.keys, 0);
  const fastest = Math.min(...runs.map((run) => run.intervalMs));
  const fastP95 = (tone: ToneSetting) =>
    round(
      Math.max(
        ...of(tone)
          .filter((run) => run.intervalMs === fastest && run.clickToDetectedMs.count > 0)
          .map((run) => run.clickToDetectedMs.p95),
      ),
      1,
    );
  const lost = { short: lostOf(short), long: lostOf(long) };
  const keys = { short: keysOf(short), long: keysOf(long) };
  if (keys.short === 0 || keys.long === 0) throw new Error('Both settings need measured keys to choose');
  const p95 = { short: fastP95(short), long: fastP95(long) };
  const differ = lossesDiffer(lost.short, lost.long);
  const chosen = differ ? (lost.short < lost.long ? short : long) : p95.short <= p95.long ? short : long;
  return {
    chosen,
    decidedBy: differ ? ('lost keys' as const) : ('fast typing p95' as const),
    lost,
    keys,
    fastTypingP95Ms: p95,
  };
}
