import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from '@playwright/test';
import { preview } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from '../scripts/chromium.mjs';
import { PbxServer } from '../test/pbx/server';
import { writeResult } from './lib/report';
import { round, summarize } from './lib/stats';

/**
 * The softphone in Chromium against the test PBX (both on this machine): page load → interactive and
 * → registered; click Call → first audio packet of the PIN prompt; click # → far end answered;
 * click a key → digit detected at the PBX, over 1,000 keys at 0 % and at 5 % RTP loss (dropped at
 * the PBX as it arrives from the app), with the keys lost. And the renderer bundle (gzip). Needs
 * `npm run build`.
 */
const RUNS = Number(process.env['BENCH_RUNS'] ?? 8);
/** Keys typed in one call for the key → digit distribution, at each loss rate. */
const KEYS = Number(process.env['BENCH_KEYS'] ?? 1000);
/** A key not detected within this time counts as lost. */
const LOST_AFTER_MS = 1000;

/**
 * A German page that remembers when it was last clicked: a key's time is taken in the page, at its
 * click event, so Playwright's own work is not counted.
 */
async function openTimedPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'de-DE' })).newPage();
  await page.addInitScript(() => {
    document.addEventListener(
      'click',
      () => ((window as unknown as { lastClickAt: number }).lastClickAt = Date.now()),
      true,
    );
  });
  return page;
}

export async function benchSoftphone() {
  const detectedAt: number[] = [];
  let inboundLossRate = 0;
  const pbx = new PbxServer({
    port: 0,
    databasePath: join(mkdtempSync(join(tmpdir(), 'tollgate-bench-sp-')), 'pbx.sqlite'),
    farEndRingMs: 0,
    onDtmfDetected: () => detectedAt.push(Date.now()),
    dropInboundRtp: () => inboundLossRate > 0 && Math.random() < inboundLossRate,
  });
  const addresses = await pbx.start();
  const server = await preview({
    preview: { port: 4390, strictPort: false, host: '127.0.0.1' },
    logLevel: 'silent',
  });
  const base = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:4390/';
  const browser = await chromium.launch({ executablePath: chromiumPath() ?? undefined, args: CHROMIUM_ARGS });
  const provision = Buffer.from(
    JSON.stringify({
      account: {
        sipWebSocketUrl: addresses.sipWebSocketUrl,
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
    promptAudio: [] as number[],
    farEndAnswered: [] as number[],
    keyToDetect: [] as number[],
  };
  const keyRuns: { lossRate: number; sent: number; lost: number; latencies: number[] }[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const page = await openTimedPage(browser);
      const started = Date.now();
      await page.goto(`${base}?provision=${provision}`);
      await page.getByRole('tablist').waitFor();
      samples.interactive.push(Date.now() - started);
      await page.getByText('Angemeldet als 201').waitFor();
      samples.registered.push(Date.now() - started);

      await page.getByRole('tab', { name: 'Telefon' }).click();
      await page.getByLabel('Rufnummer').fill('0301234567');
      const callAt = Date.now();
      await page.getByRole('button', { name: 'Anrufen' }).click();
      await page.waitForFunction(
        () => {
          const audio = document.querySelector(
            'audio[data-testid="remote-audio"]',
          ) as HTMLAudioElement | null;
          const stream = audio?.srcObject as MediaStream | null;
          return Boolean(
            stream && stream.getAudioTracks().length > 0 && audio && !audio.paused && audio.currentTime > 0,
          );
        },
        undefined,
        { polling: 10 },
      );
      samples.promptAudio.push(Date.now() - callAt);

      const keypad = page.getByTestId('in-call-keypad');
      for (const key of '47110') {
        const before = detectedAt.length;
        await keypad.getByRole('button', { name: key, exact: true }).click();
        while (detectedAt.length === before) await new Promise((resolve) => setTimeout(resolve, 2));
        const clickAt = await page.evaluate(() => (window as unknown as { lastClickAt: number }).lastClickAt);
        samples.keyToDetect.push((detectedAt[before] ?? clickAt) - clickAt);
      }
      await keypad.getByRole('button', { name: '8', exact: true }).click();
      const hashAt = Date.now();
      await keypad.getByRole('button', { name: /\(#\)/ }).click();
      const answeredBefore = pbx.farEndCalls.filter((call) => call.answeredAt !== null).length;
      while (pbx.farEndCalls.filter((call) => call.answeredAt !== null).length === answeredBefore) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      samples.farEndAnswered.push(Date.now() - hashAt);
      await page.getByRole('button', { name: 'Auflegen' }).click();
      await page.context().close();
    }

    // Many keys in one call to the echo test (no PIN involved), with RTP from the app to the PBX
    // dropped at 0 % and at 5 %.
    const page = await openTimedPage(browser);
    await page.goto(`${base}?provision=${provision}`);
    await page.getByText('Angemeldet als 201').waitFor();
    await page.getByRole('tab', { name: 'Telefon' }).click();
    await page.getByLabel('Rufnummer').fill('*43');
    await page.getByRole('button', { name: 'Anrufen' }).click();
    await page.getByRole('button', { name: 'Tastatur', exact: true }).click(); // opens once answered
    const keypad = page.getByTestId('in-call-keypad');
    await keypad.waitFor();
    await page.waitForTimeout(1000); // media up
    const buttons = [...'0123456789'].map((key) => keypad.getByRole('button', { name: key, exact: true }));
    for (const lossRate of [0, 0.05]) {
      inboundLossRate = lossRate;
      const run = { lossRate, sent: 0, lost: 0, latencies: [] as number[] };
      for (let index = 0; index < KEYS; index++) {
        const before = detectedAt.length;
        await buttons[Math.floor(Math.random() * 10)]?.click();
        run.sent++;
        const clickAt = await page.evaluate(() => (window as unknown as { lastClickAt: number }).lastClickAt);
        while (detectedAt.length === before && Date.now() - clickAt < LOST_AFTER_MS) {
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        const seen = detectedAt[before];
        if (seen === undefined) {
          run.lost++;
          await page.waitForTimeout(300); // a late detection must not count for the next key
        } else run.latencies.push(seen - clickAt);
      }
      keyRuns.push(run);
      console.log(`  ${KEYS} keys at ${lossRate * 100} % RTP loss: ${run.lost} lost`);
    }
    inboundLossRate = 0;
    await page.getByRole('button', { name: 'Auflegen' }).click();
    await page.context().close();
  } finally {
    await browser.close();
    await server.close();
    await pbx.stop();
  }
  const bundle = readdirSync('dist/renderer/assets')
    .filter((file) => file.endsWith('.js') || file.endsWith('.css'))
    .map((file) => readFileSync(join('dist/renderer/assets', file)));
  const result = {
    runs: RUNS,
    pageLoadToInteractiveMs: summarize(samples.interactive),
    pageLoadToRegisteredMs: summarize(samples.registered),
    callToPromptAudioMs: summarize(samples.promptAudio),
    hashToFarEndAnsweredMs: summarize(samples.farEndAnswered),
    keyClickToDigitDetectedMs: summarize(samples.keyToDetect),
    keys: keyRuns.map((run) => ({
      lossRate: run.lossRate,
      sent: run.sent,
      lost: run.lost,
      clickToDetectedMs: summarize(run.latencies),
    })),
    bundle: {
      rawKiB: round(bundle.reduce((total, file) => total + file.length, 0) / 1024),
      gzipKiB: round(bundle.reduce((total, file) => total + gzipSync(file).length, 0) / 1024),
    },
  };
  writeResult('softphone', result);
  return {
    result,
    keyLatencies: keyRuns.map((run) => ({ lossRate: run.lossRate, latencies: run.latencies })),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify((await benchSoftphone()).result, null, 2));
  process.exit(0);
}
