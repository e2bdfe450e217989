import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from '@playwright/test';
import { preview } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from '../scripts/chromium.mjs';
import { TONE_DURATION_MS, TONE_GAP_MS } from '../renderer/src/sip/keypad-sender';
import { PbxServer } from '../test/pbx/server';
import { connectingPromptMs } from './dtmf';
import { BURST_5, NO_LOSS, RANDOM_5, type LossSpec } from './lib/loss';
import { observeDtmfDetections } from './lib/observe';
import { LossyRelay } from './lib/relay';
import { writeResult } from './lib/report';
import { round, summarize } from './lib/stats';

/**
 * The softphone in Chromium against the test PBX (both on this machine): page load → interactive and
 * → registered; click Call → the first RTP packet of the PIN prompt received by the page (its
 * RTCPeerConnection's stats); click # → far end answered; click a key → digit detected at the PBX.
 * Then typing at human speed: bursts of 8 keys a second on the in-call keypad of a call to the echo
 * test, through a lossy relay (no loss, 5 % random, 5 % in bursts), with the keys lost and the time
 * from click to detection, isolated keys (the first of a burst) apart from keys queued behind others.
 * And the renderer bundle (gzip). Needs `npm run build`. The PBX is observed from outside
 * (bench/lib/observe.ts); loss happens in the relay (bench/lib/relay.ts), not in the PBX.
 */
const RUNS = Number(process.env['BENCH_RUNS'] ?? 8);
/** Bursts of KEYS_PER_BURST keys at each loss condition. */
const BURSTS = Number(process.env['BENCH_BURSTS'] ?? 20);
const KEYS_PER_BURST = 8;
const KEYS_PER_SECOND = 8;
/** A key not detected this long after its last packet crossed the relay counts as lost. */
const LOST_AFTER_MS = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `done` until it holds; a benchmark that waits forever helps nobody, so it gives up loudly. */
async function waitFor(what: string, done: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`Softphone benchmark: no ${what} within ${timeoutMs} ms`);
    await sleep(2);
  }
}

/**
 * A German page that remembers its clicks (absolute times, as `performance.timeOrigin + now()`
 * everywhere in the benchmark) and every RTCPeerConnection it makes, for getStats.
 */
async function openTimedPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'de-DE' })).newPage();
  await page.addInitScript(() => {
    const state = window as unknown as { clicks: number[]; peerConnections: RTCPeerConnection[] };
    state.clicks = [];
    state.peerConnections = [];
    document.addEventListener(
      'click',
      () => state.clicks.push(performance.timeOrigin + performance.now()),
      true,
    );
    const Original = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Original {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        state.peerConnections.push(this);
      }
    };
  });
  return page;
}

const lastClick = (page: Page) =>
  page.evaluate(() => (window as unknown as { clicks: number[] }).clicks.at(-1) ?? NaN);

/** When the page's newest RTCPeerConnection received its first RTP packet (waits for one). */
async function firstPacketReceived(page: Page): Promise<number> {
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    const at = await page.evaluate(async () => {
      const pc = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections.at(-1);
      if (!pc) return null;
      const stats = await pc.getStats();
      let received: number | null = null;
      stats.forEach(
        (report: {
          type: string;
          kind?: string;
          packetsReceived?: number;
          lastPacketReceivedTimestamp?: number;
        }) => {
          const packets = report.packetsReceived ?? 0;
          if (report.type !== 'inbound-rtp' || report.kind !== 'audio' || packets === 0) return;
          // Stats give the last packet's arrival (epoch ms); the prompt comes every 20 ms, so the
          // first arrived (packets − 1) × 20 ms before it. Polling late costs nothing this way.
          const last = report.lastPacketReceivedTimestamp ?? performance.timeOrigin + performance.now();
          received = last - (packets - 1) * 20;
        },
      );
      return received;
    });
    if (at !== null) return at;
    await sleep(5);
  }
  throw new Error('Softphone benchmark: the page received no RTP within 15 s');
}

export async function benchSoftphone() {
  const detections: number[] = [];
  const detectedByTimestamp = new Map<number, number>();
  const pbx = new PbxServer({
    port: 0,
    databasePath: join(mkdtempSync(join(tmpdir(), 'tollgate-bench-sp-')), 'pbx.sqlite'),
    farEndRingMs: 0,
  });
  const addresses = await pbx.start();
  const stopObserving = observeDtmfDetections(pbx, (timestamp, at) => {
    detections.push(at);
    if (!detectedByTimestamp.has(timestamp)) detectedByTimestamp.set(timestamp, at);
  });
  const relay = await LossyRelay.start(addresses.sipWebSocketUrl);
  const server = await preview({
    preview: { port: 4390, strictPort: false, host: '127.0.0.1' },
    logLevel: 'silent',
  });
  const base = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:4390/';
  const browser = await chromium.launch({ executablePath: chromiumPath() ?? undefined, args: CHROMIUM_ARGS });
  const provision = (sipWebSocketUrl: string) =>
    Buffer.from(
      JSON.stringify({
        account: {
          sipWebSocketUrl,
          sipDomain: addresses.realm,
          policyApiUrl: addresses.apiUrl,
          extension: '201',
          authUsername: '',
          displayName: 'Bench',
        },
        password: 'demo-pass-201',
      }),
    ).toString('base64url');
  const samples = {
    interactive: [] as number[],
    registered: [] as number[],
    firstPromptPacket: [] as number[],
    farEndAnswered: [] as number[],
    keyToDetect: [] as number[],
  };
  const keyRuns: KeyRun[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const page = await openTimedPage(browser);
      const started = Date.now();
      await page.goto(`${base}#provision=${provision(addresses.sipWebSocketUrl)}`);
      await page.getByRole('tablist').waitFor();
      samples.interactive.push(Date.now() - started);
      await page.getByText('Angemeldet als 201').waitFor();
      samples.registered.push(Date.now() - started);

      await page.getByRole('tab', { name: 'Telefon' }).click();
      await page.getByLabel('Rufnummer').fill('0301234567');
      await page.getByRole('button', { name: 'Anrufen' }).click();
      const callAt = await lastClick(page);
      samples.firstPromptPacket.push((await firstPacketReceived(page)) - callAt);

      const keypad = page.getByTestId('in-call-keypad');
      for (const key of '47110') {
        const before = detections.length;
        await keypad.getByRole('button', { name: key, exact: true }).click();
        const clickAt = await lastClick(page);
        await waitFor(`detection of key ${key}`, () => detections.length > before);
        samples.keyToDetect.push((detections[before] ?? clickAt) - clickAt);
      }
      await keypad.getByRole('button', { name: '8', exact: true }).click();
      const answeredBefore = pbx.farEndCalls.filter((call) => call.answeredAt !== null).length;
      await keypad.getByRole('button', { name: /\(#\)/ }).click();
      const hashAt = await lastClick(page);
      while (pbx.farEndCalls.filter((call) => call.answeredAt !== null).length === answeredBefore)
        await sleep(5);
      samples.farEndAnswered.push(performance.timeOrigin + performance.now() - hashAt);
      await page.getByRole('button', { name: 'Auflegen' }).click();
      await page.context().close();
    }

    // Typing at human speed on one call to the echo test (no PIN involved), through the relay.
    const page = await openTimedPage(browser);
    await page.goto(`${base}#provision=${provision(relay.url)}`);
    await page.getByText('Angemeldet als 201').waitFor();
    await page.getByRole('tab', { name: 'Telefon' }).click();
    await page.getByLabel('Rufnummer').fill('*43');
    await page.getByRole('button', { name: 'Anrufen' }).click();
    await page.getByRole('button', { name: 'Tastatur', exact: true }).click(); // opens once answered
    await page.getByTestId('in-call-keypad').waitFor();
    await firstPacketReceived(page);
    await sleep(500); // media up both ways
    for (const loss of [NO_LOSS, RANDOM_5, BURST_5]) {
      relay.setLoss(loss);
      const dropped = relay.stats.rtpDropped;
      const forwarded = relay.stats.rtpFromPhones;
      const run: KeyRun = { loss, sent: 0, lost: 0, isolated: [], queued: [], clickToWire: [] };
      for (let burst = 0; burst < BURSTS; burst++) {
        const onWireBefore = relay.keysOnTheWire.length;
        // The page clicks the keys itself, on a schedule, so Playwright's round trips don't pace them.
        const clicks = await page.evaluate(
          async ({ count, interval }) => {
            const buttons = [
              ...document.querySelectorAll<HTMLButtonElement>('[data-testid="in-call-keypad"] button'),
            ].filter((button) => /^[0-9]$/.test(button.getAttribute('aria-label') ?? ''));
            const times: number[] = [];
            const start = performance.now();
            for (let index = 0; index < count; index++) {
              const due = start + index * interval;
              while (performance.now() < due) await new Promise((resolve) => setTimeout(resolve, 1));
              buttons[Math.floor(Math.random() * buttons.length)]?.click();
              times.push(performance.timeOrigin + performance.now());
            }
            return times;
          },
          { count: KEYS_PER_BURST, interval: 1000 / KEYS_PER_SECOND },
        );
        // Every key reaches the relay (loss comes after it); then it is detected or counted lost.
        const until = Date.now() + 5_000;
        while (relay.keysOnTheWire.length < onWireBefore + clicks.length && Date.now() < until)
          await sleep(10);
        const wire = relay.keysOnTheWire.slice(onWireBefore, onWireBefore + clicks.length);
        const settled = () =>
          wire.every(
            (key) =>
              detectedByTimestamp.has(key.rtpTimestamp) ||
              performance.timeOrigin + performance.now() - key.at > LOST_AFTER_MS,
          );
        while (!settled()) await sleep(20);
        clicks.forEach((clickAt, index) => {
          run.sent++;
          const key = wire[index];
          const detectedAt = key ? detectedByTimestamp.get(key.rtpTimestamp) : undefined;
          if (!key || detectedAt === undefined) {
            run.lost++;
            return;
          }
          run.clickToWire.push(round(key.at - clickAt, 1));
          (index === 0 ? run.isolated : run.queued).push(round(detectedAt - clickAt, 1));
        });
        await sleep(300);
      }
      run.measuredLossPercent = round(
        (100 * (relay.stats.rtpDropped - dropped)) / Math.max(relay.stats.rtpFromPhones - forwarded, 1),
        2,
      );
      keyRuns.push(run);
      console.log(
        `  ${run.sent} keys at 8/s, ${loss.label}: ${run.lost} lost; isolated median ${round(summarize(run.isolated).median)} ms, queued median ${round(summarize(run.queued).median)} ms`,
      );
    }
    relay.setLoss(NO_LOSS);
    await page.getByRole('button', { name: 'Auflegen' }).click();
    await page.context().close();
  } finally {
    stopObserving();
    await browser.close();
    await server.close();
    await relay.close();
    await pbx.stop();
  }
  const bundle = readdirSync('dist/renderer/assets')
    .filter((file) => file.endsWith('.js') || file.endsWith('.css'))
    .map((file) => readFileSync(join('dist/renderer/assets', file)));
  const result = {
    runs: RUNS,
    pageLoadToInteractiveMs: summarize(samples.interactive),
    pageLoadToRegisteredMs: summarize(samples.registered),
    callToFirstPromptPacketMs: summarize(samples.firstPromptPacket),
    connectingPromptMs: connectingPromptMs(),
    hashToFarEndAnsweredMs: summarize(samples.farEndAnswered),
    keyClickToDigitDetectedMs: summarize(samples.keyToDetect),
    typing: {
      toneMs: TONE_DURATION_MS,
      gapMs: TONE_GAP_MS,
      bursts: BURSTS,
      keysPerSecond: KEYS_PER_SECOND,
      keysPerBurst: KEYS_PER_BURST,
      lostAfterMs: LOST_AFTER_MS,
      runs: keyRuns.map((run) => ({
        loss: run.loss,
        measuredLossPercent: run.measuredLossPercent ?? null,
        sent: run.sent,
        lost: run.lost,
        isolatedMs: summarize(run.isolated),
        queuedMs: summarize(run.queued),
        clickToWireMs: summarize(run.clickToWire),
        latencies: [...run.isolated, ...run.queued],
      })),
    },
    bundle: {
      rawKiB: round(bundle.reduce((total, file) => total + file.length, 0) / 1024),
      gzipKiB: round(bundle.reduce((total, file) => total + gzipSync(file).length, 0) / 1024),
    },
  };
  await writeResult('softphone', result);
  return { result };
}

interface KeyRun {
  loss: LossSpec;
  sent: number;
  lost: number;
  /** Click → detected for the first key of each burst (nothing queued before it). */
  isolated: number[];
  /** Click → detected for keys clicked while earlier keys were still being sent. */
  queued: number[];
  /** Click → the key's first packet at the relay: the browser's own tone scheduling. */
  clickToWire: number[];
  measuredLossPercent?: number;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify((await benchSoftphone()).result, null, 2));
  process.exit(0);
}
