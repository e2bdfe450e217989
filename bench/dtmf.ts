import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PbxServer } from '../test/pbx/server';
import { TestPhone, typeKeys } from '../test/support/test-phone';
import { histogram, writeChart, writeResult } from './lib/report';
import { round, summarize } from './lib/stats';

/**
 * Key press → digit detected at the PBX, over real DTLS-SRTP on loopback, RFC 4733 sent the way
 * Chromium sends it; with 0 % and 5 % RTP loss injected at the phone. Then: how many concurrent
 * IVR calls keep the detection p95 under 100 ms. PBX and phones share this process (and its core),
 * so capacity figures are conservative.
 */
const DIGITS = Number(process.env['BENCH_DIGITS'] ?? 1000);

/** `node --expose-gc` (npm run bench) makes memory readings comparable; without it they are noisier. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function startPbx(detected: Map<number, number>) {
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
  const pbx = new PbxServer({
    port: 0,
    databasePath: join(directory, 'pbx.sqlite'),
    onDtmfDetected: (_callId, timestamp) => {
      if (!detected.has(timestamp)) detected.set(timestamp, performance.now());
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
      onKeySent: (timestamp, at) => sent.set(timestamp, at),
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

async function capacity() {
  const steps: { calls: number; p95Ms: number; medianMs: number; lost: number; rssPerCallMiB: number }[] = [];
  for (const calls of [4, 8, 16, 32, 48, 64, 96, 128]) {
    const detected = new Map<number, number>();
    const sent = new Map<number, number>();
    const { pbx, addresses } = await startPbx(detected);
    collectGarbage();
    const before = process.memoryUsage().rss;
    const phones = await Promise.all(
      Array.from({ length: calls }, (_, index) =>
        TestPhone.register(
          addresses.sipWebSocketUrl,
          addresses.realm,
          index % 2 ? '202' : '203',
          index % 2 ? 'demo-pass-202' : 'demo-pass-203',
          undefined,
          {
            onKeySent: (timestamp, at) => sent.set(timestamp, at),
          },
        ),
      ),
    );
    const active = phones.map((phone) => phone.call('*43'));
    await Promise.all(active.map((call) => call.established));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    collectGarbage();
    const rss = process.memoryUsage().rss;
    await Promise.all(active.map((call) => typeKeys(call, '1234567890')));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const latencies = [...sent].flatMap(([timestamp, at]) => {
      const seen = detected.get(timestamp);
      return seen === undefined ? [] : [seen - at];
    });
    const summary = summarize(latencies);
    steps.push({
      calls,
      p95Ms: round(summary.p95),
      medianMs: round(summary.median),
      lost: sent.size - latencies.length,
      rssPerCallMiB: round((rss - before) / calls / 2 ** 20, 2),
    });
    await Promise.all(active.map((call) => call.hangUp().catch(() => {})));
    await Promise.all(phones.map((phone) => phone.stop()));
    await pbx.stop();
    console.log(
      `  ${calls} concurrent IVR calls: DTMF p95 ${round(summary.p95)} ms, lost ${sent.size - latencies.length}`,
    );
    if (summary.p95 >= 100) break;
  }
  return steps;
}

export async function benchDtmf() {
  console.log(`DTMF: ${DIGITS} digits at 0 % and 5 % RTP loss …`);
  const clean = await latency(0);
  const lossy = await latency(0.05);
  const steps = await capacity();
  const withinTarget = steps.filter((step) => step.p95Ms < 100).at(-1)?.calls ?? 0;
  const result = {
    digits: DIGITS,
    loss0: { ...clean, latencies: undefined },
    loss5: { ...lossy, latencies: undefined },
    capacity: { steps, mostCallsWithP95Under100Ms: withinTarget },
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
