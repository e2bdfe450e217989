import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TONE_DURATION_MS, TONE_GAP_MS } from '../renderer/src/sip/keypad-sender';
import { DtmfDetector } from '../test/pbx/media/rfc4733';
import { PbxServer } from '../test/pbx/server';
import { loadSeed } from '../test/pbx/store/seed';
import { startKamailio, type KamailioUser } from '../test/kamailio/kamailio-process';
import { TestPhone, type TestCall } from '../test/support/test-phone';
import { BURST_5, NO_LOSS, type LossSpec } from './lib/loss';
import { firstSeen, now } from './lib/observe';
import { LossyRelay } from './lib/relay';
import { chooseTone } from './lib/tone-choice';
import { writeResult } from './lib/report';
import { round, summarize, type Summary } from './lib/stats';

/**
 * Tone length and gap of the app's keypad (renderer/src/sip/keypad-sender.ts: what it passes to
 * Chromium's `insertDTMF`), 40/30 ms against 70/50 ms, measured where a key has to arrive:
 *
 * - at the **test PBX**'s RFC 4733 detector (a call to the echo test, the PBX in this process);
 * - through **Kamailio** (test/kamailio/: registrar and proxy, no media) to a **far end** — a
 *   second phone registered there that answers and decodes the RFC 4733 events with its own
 *   detector. Kamailio relays only the signalling; the media goes from phone to far end.
 *
 * The phones are werift phones (real DTLS-SRTP) that send each key as Chromium does for a given
 * length and gap (test/support/werift-phone-media.ts `tone`): an event packet every 20 ms frame while
 * the tone lasts, three end packets, the next key `length + gap` after the start of this one, keys
 * typed faster than that queue. Keys are typed in bursts of eight (a PIN and #) at human speed and
 * faster, with a pause between bursts; RTP from the caller passes bench/lib/relay.ts, with no loss or
 * 5 % lost in bursts (Gilbert–Elliott, mean burst 3). A key is _lost_ when its detector has not
 * reported it 1 s after its tone began; _click → detected_ runs from the moment the key was typed
 * (the phone's `sendDtmf`, as the app's click handler calls `insertDTMF`) to the detector.
 *
 * Every condition (tone × speed × loss) is one call; the calls of a path run at the same time.
 */
export const TONES = [
  { durationMs: 40, gapMs: 30 },
  { durationMs: 70, gapMs: 50 },
] as const;
export const SPEEDS = [
  { label: 'human speed (8 keys/s)', intervalMs: 125 },
  { label: 'fast (20 keys/s)', intervalMs: 50 },
] as const;
const LOSSES: readonly LossSpec[] = [NO_LOSS, BURST_5];
const BURSTS = Number(process.env['BENCH_TONE_BURSTS'] ?? 120);
const KEYS_PER_BURST = 8;
const PAUSE_BETWEEN_BURSTS_MS = 400;
const LOST_AFTER_MS = 1_000;
const KAMAILIO_PORT = 5293;
const PASSWORD = (user: string) => `tone-pass-${user}`;

type Tone = (typeof TONES)[number];
type Speed = (typeof SPEEDS)[number];
type Path = 'test PBX' | 'Kamailio → far end';

interface Condition {
  tone: Tone;
  speed: Speed;
  loss: LossSpec;
}

const CONDITIONS: Condition[] = TONES.flatMap((tone) =>
  SPEEDS.flatMap((speed) => LOSSES.map((loss) => ({ tone, speed, loss }))),
);

export interface ToneRun {
  path: Path;
  tone: Tone;
  speed: string;
  intervalMs: number;
  loss: LossSpec;
  keys: number;
  lost: number;
  /** The share of the caller's RTP packets the relay actually dropped. */
  measuredLossPercent: number;
  clickToDetectedMs: Summary;
  /** The first key of each burst (nothing queued before it). */
  isolatedMs: Summary;
  /** The other keys: typed while earlier tones were still being sent. */
  queuedMs: Summary;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The demo company with one extension per caller (the test PBX's echo test answers each). */
function callerSeed(directory: string, users: readonly string[]): string {
  const seed = loadSeed();
  const path = join(directory, 'tone-seed.json');
  writeFileSync(
    path,
    JSON.stringify({
      ...seed,
      company: {
        ...seed.company,
        dialPlan: { ...seed.company.dialPlan, internalRanges: [{ from: '10000', to: '29999' }] },
        extensions: users.map((number) => ({
          number,
          displayName: `Tones ${number}`,
          language: 'de' as const,
          password: PASSWORD(number),
          products: ['cloudpbx-basic'],
          ivrAuthentication: false,
        })),
      },
    }),
  );
  return path;
}

/**
 * Types BURSTS bursts of eight keys on `call` at the condition's speed and pairs each typed key with
 * its tone's RTP timestamp (the phone sends keys in the order typed).
 */
async function typeBursts(call: TestCall, speed: Speed, sentAt: number[][]): Promise<{ typedAt: number[] }> {
  const typedAt: number[] = [];
  const media = call.media();
  for (let burst = 0; burst < BURSTS; burst++) {
    const start = now();
    for (let index = 0; index < KEYS_PER_BURST; index++) {
      const due = start + index * speed.intervalMs;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      typedAt.push(now());
      if (!media.sendDtmf(String(Math.floor(Math.random() * 10))))
        throw new Error('DTMF could not be sent (no telephone-event negotiated)');
    }
    await media.dtmfSent();
    await sleep(PAUSE_BETWEEN_BURSTS_MS);
  }
  // Every key's tone has begun (dtmfSent): one timestamp per typed key.
  if (sentAt.length !== typedAt.length)
    throw new Error(`${typedAt.length} keys typed but ${sentAt.length} tones sent`);
  return { typedAt };
}

function runOf(
  path: Path,
  condition: Condition,
  typedAt: readonly number[],
  sent: readonly number[][],
  detected: ReadonlyMap<number, number>,
  relay: LossyRelay,
): ToneRun {
  const all: number[] = [];
  const isolated: number[] = [];
  const queued: number[] = [];
  let lost = 0;
  sent.forEach(([timestamp = NaN], index) => {
    const seen = detected.get(timestamp);
    const typed = typedAt[index] ?? NaN;
    if (seen === undefined) {
      lost++;
      return;
    }
    const latency = round(seen - typed, 2);
    all.push(latency);
    (index % KEYS_PER_BURST === 0 ? isolated : queued).push(latency);
  });
  return {
    path,
    tone: condition.tone,
    speed: condition.speed.label,
    intervalMs: condition.speed.intervalMs,
    loss: condition.loss,
    keys: sent.length,
    lost,
    measuredLossPercent: round((100 * relay.stats.rtpDropped) / Math.max(relay.stats.rtpFromPhones, 1), 2),
    clickToDetectedMs: summarize(all),
    isolatedMs: summarize(isolated),
    queuedMs: summarize(queued),
  };
}

/** One call per condition, all at once: phones through a lossy relay to `url`, keys to `target(i)`. */
async function runPath(
  path: Path,
  url: string,
  domain: string,
  callers: readonly string[],
  target: (index: number) => string,
  detected: ReadonlyMap<number, number>,
): Promise<ToneRun[]> {
  return Promise.all(
    CONDITIONS.map(async (condition, index) => {
      const caller = callers[index] ?? '';
      const relay = await LossyRelay.start(url, condition.loss);
      // [RTP timestamp, performance.now() of its first packet] per tone, in the order sent.
      const sent: number[][] = [];
      const phone = await TestPhone.register(relay.url, domain, caller, PASSWORD(caller), undefined, {
        tone: condition.tone,
        onKeySent: (timestamp, at) => sent.push([timestamp, performance.timeOrigin + at]),
      });
      try {
        const call = phone.call(target(index));
        await call.established;
        await sleep(800); // DTLS-SRTP up on both sides
        const { typedAt } = await typeBursts(call, condition.speed, sent);
        const lastTone = Math.max(...sent.map(([, at = 0]) => at));
        await sleep(Math.max(0, lastTone + LOST_AFTER_MS - now()));
        const run = runOf(path, condition, typedAt, sent, detected, relay);
        await call.hangUp();
        console.log(
          `  ${path}, ${condition.tone.durationMs}/${condition.tone.gapMs} ms, ${condition.speed.label}, ${condition.loss.label}: ${run.lost} of ${run.keys} lost, click → detected median ${run.clickToDetectedMs.median} ms, p95 ${run.clickToDetectedMs.p95} ms`,
        );
        return run;
      } finally {
        await phone.stop();
        await relay.close();
      }
    }),
  );
}

/** The test PBX in this process; its own RFC 4733 detector is observed (bench/lib/observe.ts). */
async function atTestPbx(): Promise<ToneRun[]> {
  const callers = CONDITIONS.map((_, index) => String(10_000 + index));
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-bench-tones-'));
  const pbx = new PbxServer({
    port: 0,
    databasePath: join(directory, 'pbx.sqlite'),
    seedPath: callerSeed(directory, callers),
  });
  const addresses = await pbx.start();
  const { detected, stop } = firstSeen(pbx);
  try {
    return await runPath(
      'test PBX',
      addresses.sipWebSocketUrl,
      addresses.realm,
      callers,
      () => '*43',
      detected,
    );
  } finally {
    stop();
    await pbx.stop();
  }
}

/** Kamailio as registrar and proxy; each caller calls its own far end, which decodes the keys. */
async function throughKamailio(): Promise<ToneRun[]> {
  const callers = CONDITIONS.map((_, index) => String(10_000 + index));
  const farEnds = CONDITIONS.map((_, index) => String(20_000 + index));
  const users: KamailioUser[] = [...callers, ...farEnds].map((user) => ({
    sipUser: user,
    authUser: user,
    password: PASSWORD(user),
  }));
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-bench-tones-kamailio-'));
  const kamailio = await startKamailio({
    port: KAMAILIO_PORT,
    logPath: join(directory, 'kamailio.log'),
    users,
  });
  const domain = '127.0.0.1';
  const detected = new Map<number, number>();
  const phones: TestPhone[] = [];
  try {
    for (const farEnd of farEnds) {
      // Each far end decodes RFC 4733 with its own detector: the first packet of a key reports it.
      const detector = new DtmfDetector();
      phones.push(
        await TestPhone.register(
          kamailio.sipWebSocketUrl,
          domain,
          farEnd,
          PASSWORD(farEnd),
          (invitation) => void invitation.accept(),
          {
            onRtp: ({ timestamp, payload }) => {
              if (payload.length !== 4) return; // µ-law frames are 160 bytes, events 4
              if (detector.receive(timestamp, payload) !== null && !detected.has(timestamp))
                detected.set(timestamp, now());
            },
          },
        ),
      );
    }
    return await runPath(
      'Kamailio → far end',
      kamailio.sipWebSocketUrl,
      domain,
      callers,
      (index) => farEnds[index] ?? '',
      detected,
    );
  } finally {
    for (const phone of phones) await phone.stop();
    await kamailio.stop();
  }
}

export async function benchToneLengths() {
  console.log(
    `Tone lengths: ${TONES.map((tone) => `${tone.durationMs}/${tone.gapMs} ms`).join(' vs ')}, ${BURSTS} bursts of ${KEYS_PER_BURST} keys per condition …`,
  );
  // BENCH_TONE_PATHS=pbx or =kamailio runs one path (a smoke run); the choice needs both.
  const paths = process.env['BENCH_TONE_PATHS'] ?? 'pbx,kamailio';
  const runs = [
    ...(paths.includes('pbx') ? await atTestPbx() : []),
    ...(paths.includes('kamailio') ? await throughKamailio() : []),
  ];
  const choice = chooseTone(runs, TONES[0], TONES[1]);
  const result = {
    method: {
      bursts: BURSTS,
      keysPerBurst: KEYS_PER_BURST,
      pauseBetweenBurstsMs: PAUSE_BETWEEN_BURSTS_MS,
      lostAfterMs: LOST_AFTER_MS,
      speeds: SPEEDS,
      losses: LOSSES,
    },
    /** What the app's keypad passed to insertDTMF when this ran. */
    appSetting: { durationMs: TONE_DURATION_MS, gapMs: TONE_GAP_MS },
    runs,
    choice,
  };
  await writeResult('tone-lengths', result);
  return { result };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { result } = await benchToneLengths();
  console.log(JSON.stringify(result.choice, null, 2));
  process.exit(0);
}
