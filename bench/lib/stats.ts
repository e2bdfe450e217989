/** Medians and spread, never single timings. */
export interface Summary {
  count: number;
  median: number;
  p5: number;
  p95: number;
  min: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))] ?? NaN;
  return {
    count: sorted.length,
    median: at(0.5),
    p5: at(0.05),
    p95: at(0.95),
    min: sorted[0] ?? NaN,
    max: sorted.at(-1) ?? NaN,
  };
}

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;
