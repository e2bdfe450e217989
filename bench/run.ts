import { benchDtmf } from './dtmf';
import { calibrate } from './lib/calibration';
import { profiling } from './lib/profile';
import { setCalibration } from './lib/report';
import { benchRegistrar } from './registrar';
import { benchSoftphone } from './softphone';
import { benchToneLengths } from './tone-lengths';
import { writeDocs } from './write-docs';

/**
 * `npm run bench`: a calibration of the machine, every benchmark, then docs/benchmarks.md from the
 * result files (bench/write-docs.ts). Needs `npm run build` (the script does it).
 *
 * `--only=registrar,dtmf,softphone,tones` runs those; the docs take the others from bench/results/ of an
 * earlier run (each result file says when and on what it was measured). Sizes can be reduced for a
 * smoke run: BENCH_RUNS, BENCH_BURSTS (softphone), BENCH_DIGITS, BENCH_RAMPS, BENCH_MAX_CALLS,
 * BENCH_FIRST_STEP, BENCH_ALL_AT_ONCE_MAX_CALLS (dtmf),
 * BENCH_CAPACITY_BUDGET_S (dtmf), BENCH_REG_WINDOW_MS, BENCH_REG_WARM_UP_MS, BENCH_REG_MAX_CLIENTS
 * (registrar), BENCH_TONE_BURSTS, BENCH_TONE_PATHS=pbx|kamailio (tones).
 */
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wanted = (name: string) => !only || only.includes(name);
const startedAt = Date.now();

console.log('Calibration …');
const calibration = await calibrate();
setCalibration(calibration);
console.log(
  `  one scrypt hash (PBX parameters) ${calibration.scryptHashMs} ms, one REGISTER parse ${calibration.registerParseUs} µs`,
);

if (profiling()) {
  // `npm run bench:profile`: profile the PBX under the registrar and IVR loads
  // (bench/results/profile-*.json); timings under the profiler are not kept.
  // `--only=registrar` or `--only=dtmf` profiles just that load.
  if (wanted('registrar')) {
    console.log('Profiling the PBX: registrar …');
    await benchRegistrar();
  }
  if (wanted('dtmf')) {
    console.log('Profiling the PBX: PIN-IVR calls …');
    await benchDtmf();
  }
} else {
  const parts = [
    ['softphone', 'Softphone in Chromium', benchSoftphone],
    ['registrar', 'Registrar', benchRegistrar],
    ['dtmf', 'DTMF and PIN-IVR capacity', benchDtmf],
    ['tones', 'Tone lengths 40/30 vs 70/50 ms (test PBX, Kamailio)', benchToneLengths],
  ] as const;
  for (const [name, title, bench] of parts) {
    if (!wanted(name)) continue;
    console.log(`${title} …`);
    const partStartedAt = Date.now();
    await bench();
    console.log(`  (${name}: ${Math.round((Date.now() - partStartedAt) / 1000)} s)`);
  }
}
await writeDocs();
console.log(`Done in ${Math.round((Date.now() - startedAt) / 1000)} s.`);
process.exit(0);
