import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
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
import { StunServer } from './lib/stun-server';
import { ISOLATED_KEY_PAUSE_MS } from './lib/isolated-keys';

/**
 * The softphone in Chromium against the test PBX (both on this machine): page load → interactive and
 * → registered, in a fresh profile (a new browser context each run: no HTTP or code cache) and warm
 * (the third load in the same context: V8's code cache in use), with the page's own timeline (DOM
 * ready, tabs, WebSocket opened, registered); click Call → the local description, → the INVITE on
 * the WebSocket, → the first RTP packet of the PIN prompt received by the page (its
 * RTCPeerConnection's stats) — without ICE servers, with a STUN server that answers and with one
 * that never answers; click # → far end answered; click a key → digit detected at the PBX.
 * Then typing at human speed: bursts of 8 keys a second on the in-call keypad of a call to the echo
 * test, through a lossy relay (no loss, 5 % random, 5 % in bursts), with the keys lost and the time
 * from click to detection, isolated keys (the first of a burst) apart from keys queued behind others.
 * And the renderer bundle (gzip). Needs `npm run build`. The PBX is observed from outside
 * (bench/lib/observe.ts); loss happens in the relay (bench/lib/relay.ts), not in the PBX.
 */
const RUNS = Number(process.env['BENCH_RUNS'] ?? 8);
/** Calls with a STUN server configured (one that answers, one that does not). */
const STUN_RUNS = Number(process.env['BENCH_STUN_RUNS'] ?? 6);
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
 * What the page records, in its own clock (`performance.timeOrigin + now()`, absolute ms; the
 * benchmark's clock is the same): its clicks, every RTCPeerConnection it makes and when each
 * finished setLocalDescription, every SIP request it sends on the WebSocket, and when its DOM was
 * ready, the tabs appeared, the WebSocket opened and "registered" appeared. A string, so nothing
 * of the benchmark's own transpiled helpers has to exist in the page.
 */
const PAGE_RECORDER = `
  const at = () => performance.timeOrigin + performance.now();
  const state = (window.bench = { clicks: [], peerConnections: [], localDescriptions: [], sent: [], marks: {} });
  const mark = (name) => { if (!(name in state.marks)) state.marks[name] = at(); };
  document.addEventListener('click', () => state.clicks.push(at()), true);
  document.addEventListener('DOMContentLoaded', () => mark('domReady'));
  const OriginalPeerConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends OriginalPeerConnection {
    constructor(...args) {
      super(...args);
      state.peerConnections.push(this);
    }
    async setLocalDescription(...args) {
      await super.setLocalDescription(...args);
      state.localDescriptions.push(at());
    }
  };
  const OriginalWebSocket = window.WebSocket;
  window.WebSocket = class extends OriginalWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('open', () => mark('webSocketOpen'));
    }
    send(data) {
      if (typeof data === 'string') state.sent.push({ at: at(), text: data });
      return super.send(data);
    }
  };
  // textContent, not innerText: reading it forces no layout, so the recorder does not slow the page.
  const observer = new MutationObserver(() => {
    if (document.querySelector('[role="tablist"]')) mark('tabs');
    if (document.body && document.body.textContent.includes('Angemeldet als 201')) mark('registered');
    if ('registered' in state.marks) observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, characterData: true });
`;

interface PageRecord {
  clicks: number[];
  localDescriptions: number[];
  sent: { at: number; text: string }[];
  marks: Partial<Record<'domReady' | 'tabs' | 'webSocketOpen' | 'registered', number>>;
}

const record = (page: Page): Promise<PageRecord> =>
  page.evaluate(() => {
    const { clicks, localDescriptions, sent, marks } = (window as unknown as { bench: PageRecord }).bench;
    return { clicks, localDescriptions, sent, marks };
  });

/** A German page in a new browser context (a fresh profile) that records what PAGE_RECORDER says. */
async function openTimedPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'de-DE' })).newPage();
  await page.addInitScript({ content: PAGE_RECORDER });
  return page;
}

/** The page's timeline of a load, from navigation start (ms). */
async function loadTimeline(page: Page): Promise<LoadTimeline> {
  const { marks } = await record(page);
  const origin = await page.evaluate(() => performance.timeOrigin);
  const since = (at: number | undefined) => (at === undefined ? NaN : round(at - origin, 1));
  return {
    domReady: since(marks.domReady),
    tabs: since(marks.tabs),
    webSocketOpen: since(marks.webSocketOpen),
    registered: since(marks.registered),
  };
}

interface LoadTimeline {
  domReady: number;
  tabs: number;
  webSocketOpen: number;
  registered: number;
}

/**
 * After a click on "Anrufen": when the page had its local description and sent its INVITE (ms after
 * the click), and which candidates the INVITE's offer carries (sip.js does not trickle).
 */
async function callSetup(page: Page, clickAt: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { localDescriptions, sent } = await record(page);
    const invite = sent.find((message) => message.at >= clickAt && message.text.startsWith('INVITE '));
    const local = localDescriptions.find((at) => at >= clickAt);
    if (invite && local !== undefined)
      return {
        localDescriptionMs: round(local - clickAt, 1),
        inviteSentMs: round(invite.at - clickAt, 1),
        candidates: offerCandidates(invite.text),
      };
    if (Date.now() > deadline) throw new Error('Softphone benchmark: no INVITE within 15 s of the click');
    await sleep(5);
  }
}

/** Counts the offer's candidates by transport and type (`udp host`, `udp srflx`, `tcp host`, …). */
function offerCandidates(invite: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of invite.matchAll(/^a=candidate:\S+ \d+ (\S+) \S+ \S+ \S+ typ (\S+)/gm)) {
    const key = `${(match[1] ?? '').toLowerCase()} ${match[2] ?? ''}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const lastClick = async (page: Page) => (await record(page)).clicks.at(-1) ?? NaN;

/** When the page's newest RTCPeerConnection received its first RTP packet (waits for one). */
async function firstPacketReceived(page: Page): Promise<number> {
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    const at = await page.evaluate(async () => {
      const pc = (
        window as unknown as { bench: { peerConnections: RTCPeerConnection[] } }
      ).bench.peerConnections.at(-1);
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
    freshTimeline: [] as LoadTimeline[],
    freshMainThread: [] as { busy: number; script: number; styleAndLayout: number }[],
    warmInteractive: [] as number[],
    warmRegistered: [] as number[],
    warmTimeline: [] as LoadTimeline[],
    localDescription: [] as number[],
    inviteSent: [] as number[],
    offerCandidates: [] as Record<string, number>[],
    firstPromptPacket: [] as number[],
    farEndAnswered: [] as number[],
    keyToDetect: [] as number[],
  };
  const keyRuns: KeyRun[] = [];
  const iceServerRuns: IceServerRun[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const page = await openTimedPage(browser);
      // The renderer's main thread: how much of the load it was busy (CPU), and with what.
      const devtools = await page.context().newCDPSession(page);
      await devtools.send('Performance.enable', { timeDomain: 'threadTicks' });
      const started = Date.now();
      await page.goto(`${base}#provision=${provision(addresses.sipWebSocketUrl)}`);
      await page.getByRole('tablist').waitFor();
      samples.interactive.push(Date.now() - started);
      await page.getByText('Angemeldet als 201').waitFor();
      samples.registered.push(Date.now() - started);
      samples.freshTimeline.push(await loadTimeline(page));
      const { metrics } = await devtools.send('Performance.getMetrics');
      const metric = (name: string) =>
        round(1000 * (metrics.find((entry) => entry.name === name)?.value ?? NaN), 1);
      samples.freshMainThread.push({
        busy: metric('ThreadTime'),
        script: metric('ScriptDuration'),
        styleAndLayout: metric('RecalcStyleDuration') + metric('LayoutDuration'),
      });
      await devtools.detach();

      await page.getByRole('tab', { name: 'Telefon' }).click();
      await page.getByLabel('Rufnummer').fill('0301234567');
      await page.getByRole('button', { name: 'Anrufen' }).click();
      const callAt = await lastClick(page);
      const setup = await callSetup(page, callAt);
      samples.localDescription.push(setup.localDescriptionMs);
      samples.inviteSent.push(setup.inviteSentMs);
      samples.offerCandidates.push(setup.candidates);
      samples.firstPromptPacket.push((await firstPacketReceived(page)) - callAt);

      const keypad = page.getByTestId('in-call-keypad');
      for (const key of '47110') {
        const before = detections.length;
        // Isolated keys: the previous key's tone (70 ms) and gap (50 ms) are over before the next
        // click, so no key waits behind another (queued keys are timed in "Typing at human speed").
        await sleep(ISOLATED_KEY_PAUSE_MS);
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
      await page.getByRole('button', { name: 'Anrufen' }).waitFor();

      // Warm: the same profile loads the page twice more (Chromium writes V8's code cache on the
      // second load and uses it from the third); the third load is measured.
      for (const measured of [false, true]) {
        const loadStarted = Date.now();
        await page.goto(base);
        await page.getByRole('tablist').waitFor();
        const interactive = Date.now() - loadStarted;
        await page.getByText('Angemeldet als 201').waitFor();
        if (!measured) continue;
        samples.warmInteractive.push(interactive);
        samples.warmRegistered.push(Date.now() - loadStarted);
        samples.warmTimeline.push(await loadTimeline(page));
      }
      await page.context().close();
    }

    // With a STUN server configured: one that answers (as behind NAT) and one that never does.
    const provisioned = `${base}#provision=${provision(addresses.sipWebSocketUrl)}`;
    iceServerRuns.push(await callsWithIceServer(browser, provisioned, { mappedAddress: '192.0.2.1' }));
    iceServerRuns.push(await callsWithIceServer(browser, provisioned, { silent: true }));

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
    /** Fresh profile: a new browser context per run. Playwright's goto → tabs / "registered" seen. */
    pageLoadToInteractiveMs: summarize(samples.interactive),
    pageLoadToRegisteredMs: summarize(samples.registered),
    /** The page's own timeline of the fresh loads, from navigation start. */
    freshTimelineMs: timelineSummary(samples.freshTimeline),
    /** The renderer's main thread during the fresh loads, until registered (CPU ms, DevTools metrics). */
    freshMainThreadMs: {
      busy: summarize(samples.freshMainThread.map((sample) => sample.busy)),
      script: summarize(samples.freshMainThread.map((sample) => sample.script)),
      styleAndLayout: summarize(samples.freshMainThread.map((sample) => sample.styleAndLayout)),
    },
    warm: {
      pageLoadToInteractiveMs: summarize(samples.warmInteractive),
      pageLoadToRegisteredMs: summarize(samples.warmRegistered),
      timelineMs: timelineSummary(samples.warmTimeline),
    },
    callToLocalDescriptionMs: summarize(samples.localDescription),
    callToInviteSentMs: summarize(samples.inviteSent),
    offerCandidates: mergeCounts(samples.offerCandidates),
    callToFirstPromptPacketMs: summarize(samples.firstPromptPacket),
    iceServers: iceServerRuns,
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
      chunks: rendererChunks('dist/renderer'),
    },
  };
  await writeResult('softphone', result);
  return { result };
}

/** Medians of each step of the load timelines. */
function timelineSummary(timelines: readonly LoadTimeline[]) {
  const step = (name: keyof LoadTimeline) => summarize(timelines.map((timeline) => timeline[name]));
  return {
    domReady: step('domReady'),
    tabs: step('tabs'),
    webSocketOpen: step('webSocketOpen'),
    registered: step('registered'),
  };
}

/** Per candidate kind: in how many offers, and how many in all. */
function mergeCounts(offers: readonly Record<string, number>[]) {
  const merged: Record<string, { offers: number; candidates: number }> = {};
  for (const offer of offers)
    for (const [kind, count] of Object.entries(offer)) {
      const entry = (merged[kind] ??= { offers: 0, candidates: 0 });
      entry.offers++;
      entry.candidates += count;
    }
  return { offers: offers.length, byKind: merged };
}

/**
 * The renderer build's chunks (the Electron renderer, dist/renderer): those index.html loads before
 * the first screen (its script, module preloads and stylesheets) and those loaded later (import()).
 */
function rendererChunks(directory: string) {
  const html = readFileSync(join(directory, 'index.html'), 'utf8');
  const inHtml = new Set(
    [...html.matchAll(/(?:src|href)="\.\/assets\/([^"]+)"/g)].map((match) => match[1] ?? ''),
  );
  const chunk = (file: string) => {
    const bytes = readFileSync(join(directory, 'assets', file));
    return {
      file,
      rawKiB: round(bytes.length / 1024),
      gzipKiB: round(gzipSync(bytes).length / 1024),
    };
  };
  const files = readdirSync(join(directory, 'assets')).filter(
    (file) => file.endsWith('.js') || file.endsWith('.css'),
  );
  const firstScreen = files.filter((file) => inHtml.has(file)).map(chunk);
  const later = files.filter((file) => !inHtml.has(file)).map(chunk);
  const total = (chunks: { rawKiB: number; gzipKiB: number }[]) => ({
    rawKiB: round(chunks.reduce((sum, item) => sum + item.rawKiB, 0)),
    gzipKiB: round(chunks.reduce((sum, item) => sum + item.gzipKiB, 0)),
  });
  return { firstScreen: { ...total(firstScreen), files: firstScreen }, later };
}

interface IceServerRun {
  server: 'answering' | 'silent';
  runs: number;
  callToLocalDescriptionMs: ReturnType<typeof summarize>;
  callToInviteSentMs: ReturnType<typeof summarize>;
  callToFirstPromptPacketMs: ReturnType<typeof summarize>;
  offerCandidates: ReturnType<typeof mergeCounts>;
  stunRequests: number;
}

/**
 * Calls to the PIN prompt with a STUN server in the settings (Konto → STUN/TURN-Server): one page,
 * STUN_RUNS calls, each hung up once the prompt's first packet is in. `silent`: the server never
 * answers (a firewall), so gathering ends at the phone's ICE gathering timeout.
 */
async function callsWithIceServer(
  browser: Browser,
  url: string,
  options: { mappedAddress?: string; silent?: boolean },
): Promise<IceServerRun> {
  const stun = await StunServer.start(options);
  const page = await openTimedPage(browser);
  try {
    await page.goto(url);
    await page.getByText('Angemeldet als 201').waitFor();
    await page.getByRole('tab', { name: 'Konto' }).click();
    await page.getByText('Netzwerk', { exact: true }).click(); // the collapsed section
    await page.getByLabel('STUN/TURN-Server (optional)').fill(stun.url);
    await page.getByRole('button', { name: 'Server speichern' }).click();
    await page.getByText('Server gespeichert.').waitFor();
    // Saving restarts the phone; a reload starts it once more, cleanly, with the servers saved (a
    // restart that overlaps the old phone's un-REGISTER can leave the page showing it unregistered).
    await page.reload();
    // A refused REGISTER (the PBX's sign-in throttle after this many sign-ins of 201) is retried by
    // the phone after REFUSED_RETRY_MIN_MS (30 s): wait beyond that, and say what the page showed.
    await page
      .getByText('Angemeldet als 201')
      .waitFor({ timeout: 75_000 })
      .catch(async (error: unknown) => {
        const status = await page.getByTestId('registration-state').textContent();
        throw new Error(
          `Softphone benchmark: not registered with the STUN server set; the page said: ${status}`,
          {
            cause: error,
          },
        );
      });
    await page.getByRole('tab', { name: 'Telefon' }).click();
    const localDescription: number[] = [];
    const inviteSent: number[] = [];
    const firstPacket: number[] = [];
    const candidates: Record<string, number>[] = [];
    for (let run = 0; run < STUN_RUNS; run++) {
      await page.getByLabel('Rufnummer').fill('0301234567');
      await page.getByRole('button', { name: 'Anrufen' }).click();
      const callAt = await lastClick(page);
      const setup = await callSetup(page, callAt);
      localDescription.push(setup.localDescriptionMs);
      inviteSent.push(setup.inviteSentMs);
      candidates.push(setup.candidates);
      firstPacket.push(round((await firstPacketReceived(page)) - callAt, 1));
      await page.getByRole('button', { name: 'Auflegen' }).click();
      await page.getByRole('button', { name: 'Anrufen' }).waitFor();
    }
    const run: IceServerRun = {
      server: options.silent ? 'silent' : 'answering',
      runs: STUN_RUNS,
      callToLocalDescriptionMs: summarize(localDescription),
      callToInviteSentMs: summarize(inviteSent),
      callToFirstPromptPacketMs: summarize(firstPacket),
      offerCandidates: mergeCounts(candidates),
      stunRequests: stun.requests,
    };
    console.log(
      `  STUN ${run.server}: click → INVITE median ${run.callToInviteSentMs.median} ms, → first prompt packet median ${run.callToFirstPromptPacketMs.median} ms`,
    );
    return run;
  } finally {
    await page.context().close();
    await stun.close();
  }
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
