import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { format, resolveConfig } from 'prettier';
import { calibrate, type Calibration } from './calibration';
import { profiling } from './profile';

/** The machine a result was measured on, written next to every result. */
export function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

let currentCalibration: Calibration | null = null;

/** The calibration of this run (bench/lib/calibration.ts), written next to every result. */
export function setCalibration(value: Calibration): void {
  currentCalibration = value;
}
export const calibration = (): Calibration | null => currentCalibration;

/** What every result file holds besides its result: when, on what, and how fast that machine was. */
export interface ResultFile<T> {
  measuredAt: string;
  machine: ReturnType<typeof machine>;
  calibration: Calibration | null;
  result: T;
}

export async function writeResult(name: string, result: unknown): Promise<void> {
  // Under the profiler only the profiles are kept: its overhead would skew the timings.
  if (profiling() && !name.startsWith('profile-')) return;
  // A benchmark run on its own (not through bench/run.ts) measures the calibration here: every
  // result file records it.
  currentCalibration ??= await calibrate();
  mkdirSync('bench/results', { recursive: true });
  const file: ResultFile<unknown> = {
    measuredAt: new Date().toISOString(),
    machine: machine(),
    calibration: currentCalibration,
    result,
  };
  await writeFormatted(`bench/results/${name}.json`, JSON.stringify(file, null, 2));
}

/** Writes a generated file as `npm run lint` (prettier --check .) expects it. */
export async function writeFormatted(path: string, text: string): Promise<void> {
  const options = (await resolveConfig(path)) ?? {};
  writeFileSync(path, await format(text, { ...options, filepath: path }));
}

/** A horizontal bar chart as SVG (no chart library needed for a few bars). */
export function barChart(title: string, bars: { label: string; value: number }[], unit: string): string {
  const width = 640;
  const rowHeight = 28;
  const left = 220;
  const max = Math.max(...bars.map((bar) => bar.value), 1);
  const rows = bars
    .map((bar, index) => {
      const y = 40 + index * rowHeight;
      const length = ((width - left - 80) * bar.value) / max;
      return (
        `<text x="${left - 8}" y="${y + 17}" text-anchor="end" font-size="13">${escape(bar.label)}</text>` +
        `<rect x="${left}" y="${y + 4}" width="${length.toFixed(1)}" height="18" fill="#0b5cad"/>` +
        `<text x="${left + length + 6}" y="${y + 17}" font-size="13">${bar.value} ${escape(unit)}</text>`
      );
    })
    .join('');
  const height = 50 + bars.length * rowHeight;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><text x="10" y="22" font-size="15" font-weight="bold">${escape(title)}</text>${rows}</svg>\n`;
}

/** A histogram of values (e.g. latencies) as SVG. */
export function histogram(title: string, values: readonly number[], unit: string, buckets = 20): string {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const size = (max - min) / buckets || 1;
  const counts = Array.from({ length: buckets }, () => 0);
  for (const value of values) {
    const index = Math.min(buckets - 1, Math.floor((value - min) / size));
    counts[index] = (counts[index] ?? 0) + 1;
  }
  const width = 640;
  const height = 220;
  const top = Math.max(...counts, 1);
  const barWidth = (width - 60) / buckets;
  const bars = counts
    .map((count, index) => {
      const h = (150 * count) / top;
      return `<rect x="${40 + index * barWidth}" y="${180 - h}" width="${barWidth - 2}" height="${h}" fill="#0b5cad"/>`;
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">` +
    `<text x="10" y="20" font-size="15" font-weight="bold">${escape(title)}</text>${bars}` +
    `<text x="40" y="200" font-size="12">${min.toFixed(1)} ${escape(unit)}</text>` +
    `<text x="${width - 20}" y="200" font-size="12" text-anchor="end">${max.toFixed(1)} ${escape(unit)}</text></svg>\n`
  );
}

export function writeChart(name: string, svg: string): string {
  mkdirSync('docs/benchmarks', { recursive: true });
  writeFileSync(`docs/benchmarks/${name}.svg`, svg);
  return `benchmarks/${name}.svg`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
