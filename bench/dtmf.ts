import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PbxServer } from '../test/pbx/server';
import { TestPhone, typeKeys } from '../test/support/test-phone';
import type { PhoneWorkerCommand, PhoneWorkerReport, PhoneWorkerSetup } from './lib/phone-worker';
import { profileInProcess, profiling, summariseProfile, type ProfileSummary } from './lib/profile';
import { histogram, writeChart, writeResult } from './lib/report';
import { round, summarize } from './lib/stats';

/**
 * Key press → digit detected at the PBX, over real DTLS-SRTP on loopback, RFC 4733 sent the way
 * Chromium sends it; with 0 % and 5 % RTP loss injected at the phone. Then: how many concurrent
 * IVR calls keep the detection p95 under 100 ms. PBX and phones share this process (and its core),
 * so capacity figures are conservative.
 */
const DIGITS = Number(process.env['BENCH_DIGITS'] ?? (profiling() ? 20 : 1000));

/** `node --expose-gc` (npm run bench) makes memory readings comparable; without it they are noisier. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Absolute time in ms, comparable between this thread and the phones' worker thread. */
const now = () => performance.timeOrigin + performance.now();

async function startPbx(detected: Map<number, number>) {
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
  const pbx = new PbxServer({
    port: 0,
    databasePath: join(directory, 'pbx.sqlite'),
    onDtmfDetected: (_callId, timestamp) => {
      if (!detected.has(timestamp)) detected.set(timestamp, now());
    },
  });
  return { pbx, addresses: await pbx.start() };
}

async function latency(lossRate: number) {
  const detected = new Map<number, number>();
  const sent = new Map<number, number>();
  const { pbx, addresses } = await startPbx(detected);
  const phone = await TestPhone.register(
    addresses.sipWebSocketUrl,
    addresses.realm,
    '202',
    'demo-pass-202',
    undefined,
    {
      lossRate,
      onKeySent: (timestamp, at) => sent.set(timestamp, performance.timeOrigin + at),
    },
  );
  const call = phone.call('*43'); // echo test: answered by the PBX's media endpoint, no PIN
  await call.established;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const keys = Array.from({ length: DIGITS }, () => String(Math.floor(Math.random() * 10))).join('');
  for (let start = 0; start < keys.length; start += 50) await typeKeys(call, keys.slice(start, start + 50));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const latencies = [...sent].flatMap(([timestamp, at]) => {
    const seen = detected.get(timestamp);
    return seen === undefined ? [] : [seen - at];
  });
  await call.hangUp();
  await phone.stop();
  await pbx.stop();
  return {
    lossRate,
    sent: sent.size,
    detected: latencies.length,
    lost: sent.size - latencies.length,
    latencyMs: summarize(latencies),
    latencies,
  };
}

/** The demo's PIN-protected extensions: every capacity call goes through the PIN IVR. */
const PIN_ACCOUNTS = [
  { extension: '201', password: 'demo-pass-201', pin: '471108' },
  { extension: '204', password: 'demo-pass-204', pin: '258025' },
];
const PAID_NUMBER = '0301234567';

interface CapacityStep {
  calls: number;
  failedToSetUp: number;
  p95Ms: number;
  medianMs: number;
  lost: number;
  /** Growth of the PBX thread's heap and buffers after a garbage collection, per call. */
  pbxMemoryPerCallKiB: number;
  /** Calls whose PIN the PBX accepted and put through to the far end. */
  reachedFarEnd: number;
  /** From the last key to the last call reaching the far end (includes the 2.5 s "connecting" prompt). */
  lastReachedFarEndAfterS: number;
}

const pbxMemory = () => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
};

function nextReport<T extends PhoneWorkerReport['type']>(
  worker: Worker,
  type: T,
): Promise<Extract<PhoneWorkerReport, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (report: PhoneWorkerReport) => {
      if (report.type !== type) return;
      worker.off('message', onMessage);
      resolve(report as Extract<PhoneWorkerReport, { type: T }>);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}

/**
 * `calls` concurrent PIN-IVR calls: the PBX (this thread) answers each with the PIN prompt; the
 * phones (a worker thread) type PIN and `#`. Detection latency of every key, from the phone handing
 * its first RTP packet to the network to the PBX's detector reporting it.
 */
async function capacityStep(calls: number): Promise<CapacityStep> {
  const detected = new Map<number, number>();
  const { pbx, addresses } = await startPbx(detected);
  collectGarbage();
  const before = pbxMemory();
  const setup: PhoneWorkerSetup = {
    sipWebSocketUrl: addresses.sipWebSocketUrl,
    realm: addresses.realm,
    calls,
    accounts: PIN_ACCOUNTS,
    destination: PAID_NUMBER,
  };
  // tsx's --import hook does not reach worker threads (privatenumber/tsx#354): register it there.
  const script = new URL('./lib/phone-worker.ts', import.meta.url).href;
  const worker = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(script)}); })`,
    { eval: true, workerData: setup },
  );
  try {
    const { failed } = await nextReport(worker, 'established');
    await new Promise((resolve) => setTimeout(resolve, 1000)); // every caller hears the PIN prompt
    collectGarbage();
    const during = pbxMemory();
    worker.postMessage({ type: 'type-pins' } satisfies PhoneWorkerCommand);
    const { sent } = await nextReport(worker, 'typed');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const latencies = sent.flatMap(([timestamp, at]) => {
      const seen = detected.get(timestamp);
      return seen === undefined ? [] : [seen - at];
    });
    const summary = summarize(latencies);
    // Each accepted PIN (scrypt, on libuv's thread pool) plays "connecting" and rings the far end.
    const typedAt = Date.now() - 500;
    const established = calls - failed;
    const waitUntil = Date.now() + 60_000;
    while (pbx.farEndCalls.length < established && Date.now() < waitUntil) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const lastReached = Math.max(...pbx.farEndCalls.map((call) => call.startedAt), typedAt);
    worker.postMessage({ type: 'stop' } satisfies PhoneWorkerCommand);
    await nextReport(worker, 'stopped');
    return {
      calls,
      failedToSetUp: failed,
      p95Ms: round(summary.p95),
      medianMs: round(summary.median),
      lost: sent.length - latencies.length,
      pbxMemoryPerCallKiB: round((during - before) / Math.max(calls - failed, 1) / 1024, 1),
      reachedFarEnd: pbx.farEndCalls.length,
      lastReachedFarEndAfterS: round((lastReached - typedAt) / 1000, 1),
    };
  } finally {
    await worker.terminate();
    await pbx.stop();
  }
}

const withinTarget = (step: CapacityStep) =>
  step.p95Ms < 100 &&
  step.failedToSetUp <= step.calls * 0.01 &&
  step.reachedFarEnd === step.calls - step.failedToSetUp;

async function capacity() {
  const steps: CapacityStep[] = [];
  let profile: (ProfileSummary & { measured: string }) | null = null;
  for (const calls of [8, 16, 32, 64, 96, 128, 160, 192, 256, 320, 384, 448, 512]) {
    const { result: step, profile: stepProfile } = profiling()
      ? await profileInProcess(() => capacityStep(calls))
      : { result: await capacityStep(calls), profile: null };
    steps.push(step);
    if (stepProfile && withinTarget(step))
      profile = { measured: `${calls} concurrent PIN-IVR calls`, ...summariseProfile(stepProfile) };
    console.log(
      `  ${calls} concurrent PIN-IVR calls: DTMF p95 ${step.p95Ms} ms, median ${step.medianMs} ms, lost ${step.lost}, failed to set up ${step.failedToSetUp}, PIN accepted ${step.reachedFarEnd} (last after ${step.lastReachedFarEndAfterS} s)`,
    );
    if (!withinTarget(step)) break;
  }
  if (profile) writeResult('profile-ivr', profile);
  return steps;
}

export async function benchDtmf() {
  console.log(`DTMF: ${DIGITS} digits at 0 % and 5 % RTP loss …`);
  const clean = await latency(0);
  const lossy = await latency(0.05);
  const steps = await capacity();
  const mostCalls = steps.filter(withinTarget).at(-1)?.calls ?? 0;
  const result = {
    digits: DIGITS,
    loss0: { ...clean, latencies: undefined },
    loss5: { ...lossy, latencies: undefined },
    capacity: { steps, mostCallsWithP95Under100Ms: mostCalls, rampEndedAt: steps.at(-1)?.calls ?? 0 },
  };
  writeResult('dtmf', result);
  const charts = {
    clean: writeChart(
      'dtmf-latency-0',
      histogram('Key → digit detected at the PBX, 0 % loss', clean.latencies, 'ms'),
    ),
    lossy: writeChart(
      'dtmf-latency-5',
      histogram('Key → digit detected at the PBX, 5 % RTP loss', lossy.latencies, 'ms'),
    ),
  };
  return { result, charts };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { result } = await benchDtmf();
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}
