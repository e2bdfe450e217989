import { readFileSync, writeFileSync } from 'node:fs';
import { simulateGuessing } from '../test/pbx/ivr/guessing';
import { DEFAULT_LOCKOUT_RULES } from '../test/pbx/ivr/lockout';
import { DEFAULT_PIN_RULES } from '../test/pbx/ivr/pin-entry';
import { benchDtmf } from './dtmf';
import type { ProfileEntry, ProfileSummary } from './lib/profile';
import { profiling } from './lib/profile';
import { barChart, histogram, machine, writeChart, writeResult } from './lib/report';
import { round, type Summary } from './lib/stats';
import { benchRegistrar } from './registrar';
import { benchSoftphone } from './softphone';

/** `npm run bench`: every benchmark, then docs/benchmarks.md. Takes several minutes; needs `npm run build`. */
const fmt = (summary: Summary, unit = 'ms') =>
  `median ${round(summary.median)} ${unit} (p5 ${round(summary.p5)}, p95 ${round(summary.p95)}, n = ${summary.count})`;

// `--only registrar,dtmf,softphone`: run those, take the others from bench/results/ of an earlier run.
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wanted = (name: string) => !only || only.includes(name);

// `npm run bench:profile`: profile the PBX under the registrar and IVR loads (bench/results/profile-*.json),
// then write the docs from the results of the last plain run — the profiler's overhead skews timings.
if (profiling()) {
  console.log('Profiling the PBX: registrar …');
  await benchRegistrar();
  console.log('Profiling the PBX: PIN-IVR calls …');
  await benchDtmf();
}
const fromEarlierRun = (name: string) => profiling() || !wanted(name);
const previous = <T>(name: string): T =>
  (JSON.parse(readFileSync(`bench/results/${name}.json`, 'utf8')) as { result: T }).result;

console.log('Softphone in Chromium …');
const softphoneRun = fromEarlierRun('softphone') ? null : await benchSoftphone();
const softphone =
  softphoneRun?.result ?? previous<Awaited<ReturnType<typeof benchSoftphone>>['result']>('softphone');
for (const run of softphoneRun?.keyLatencies ?? []) {
  writeChart(
    `softphone-keys-${run.lossRate * 100}`,
    histogram(
      `Key click → digit detected at the PBX (Chromium), ${run.lossRate * 100} % RTP loss`,
      run.latencies,
      'ms',
    ),
  );
}
console.log('Registrar …');
const registrar = !fromEarlierRun('registrar')
  ? await benchRegistrar()
  : {
      result: previous<Awaited<ReturnType<typeof benchRegistrar>>['result']>('registrar'),
      chart: 'benchmarks/registrar-throughput.svg',
    };
console.log('DTMF …');
const dtmf = !fromEarlierRun('dtmf')
  ? await benchDtmf()
  : {
      result: previous<Awaited<ReturnType<typeof benchDtmf>>['result']>('dtmf'),
      charts: { clean: 'benchmarks/dtmf-latency-0.svg', lossy: 'benchmarks/dtmf-latency-5.svg' },
    };
const guessing = simulateGuessing(DEFAULT_PIN_RULES, DEFAULT_LOCKOUT_RULES, {
  digits: 4,
  secondsPerFailedCall: 20,
  horizonHours: 720,
});
writeResult('pin-guessing', guessing);

const softphoneChart = writeChart(
  'softphone',
  barChart(
    'Softphone timings (medians)',
    [
      { label: 'load → interactive', value: round(softphone.pageLoadToInteractiveMs.median) },
      { label: 'load → registered', value: round(softphone.pageLoadToRegisteredMs.median) },
      { label: 'Call → prompt audio', value: round(softphone.callToPromptAudioMs.median) },
      { label: '# → far end answered', value: round(softphone.hashToFarEndAnsweredMs.median) },
      { label: 'key → digit at PBX', value: round(softphone.keyClickToDigitDetectedMs.median) },
    ],
    'ms',
  ),
);
const capacityChart = writeChart(
  'ivr-capacity',
  barChart(
    'DTMF detection p95 by concurrent PIN-IVR calls',
    dtmf.result.capacity.steps.map((step) => ({ label: `${step.calls} calls`, value: step.p95Ms })),
    'ms',
  ),
);
const registrarBefore = previous<
  ProfileSummary & {
    measured: string;
    registrationsPerSecond: number;
    afterFixesSameMethod: number;
    method: string;
  }
>('profile-registrar-before');
const registrarAfter = previous<ProfileSummary>('profile-registrar');
const ivrBefore = previous<ProfileSummary & { measured: string }>('profile-ivr-before');
const ivrAfter = previous<ProfileSummary & { measured?: string }>('profile-ivr');

/** The top functions of a profile summary as a Markdown table. */
function profileTable(summary: ProfileSummary, rows = 8): string {
  const line = (entry: ProfileEntry) =>
    `| \`${entry.name.replace(/\|/g, '\\|')}\` | ${entry.selfPercent} % | ${entry.totalPercent} % |`;
  return [
    `PBX busy ${summary.busyPercent} % of ${round(summary.durationMs / 1000)} s. Where: ${summary.byArea
      .slice(0, 6)
      .map((area) => `${area.name} ${area.selfPercent} %`)
      .join(', ')}.`,
    '',
    '| Function | self | total |',
    '|---|---|---|',
    ...summary.byFunction.slice(0, rows).map(line),
  ].join('\n');
}

const host = machine();
const markdown = `# Benchmarks

Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench\` on ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB,
Node ${host.node}. Raw results: \`bench/results/*.json\`. Medians and spread, never single timings; no test asserts
a time. Everything runs on one machine: PBX, load generator and browser share its ${host.cores} cores.

## Softphone (Chromium, browser host, test PBX on loopback, ${softphone.runs} runs)
| What | Result |
|---|---|
| page load → interactive (tabs shown) | ${fmt(softphone.pageLoadToInteractiveMs)} |
| page load → registered | ${fmt(softphone.pageLoadToRegisteredMs)} |
| click Call → PIN prompt audio playing | ${fmt(softphone.callToPromptAudioMs)} |
| click # → far end answered (includes the 2.5 s "connecting" prompt) | ${fmt(softphone.hashToFarEndAnsweredMs)} |
| click a key (the page's click event) → digit detected at the PBX, during the PIN prompt | ${fmt(softphone.keyClickToDigitDetectedMs)} |
| renderer bundle | ${softphone.bundle.gzipKiB} KiB gzip (${softphone.bundle.rawKiB} KiB raw) |

![Softphone timings](${softphoneChart})

Keys clicked one after another on the in-call keypad of a call to the echo test, each waiting for the
PBX to detect it; RTP from the app dropped at the PBX as it arrives, at random, at the given rate. A
key not detected within 1 s counts as lost.

| RTP loss | Keys clicked | Lost | click → digit detected at the PBX |
|---|---|---|---|
${(softphone.keys ?? []).map((run) => `| ${run.lossRate * 100} % | ${run.sent} | ${run.lost} | ${fmt(run.clickToDetectedMs)} |`).join('\n')}

![Chromium, 0 % loss](benchmarks/softphone-keys-0.svg) ![Chromium, 5 % loss](benchmarks/softphone-keys-5.svg)

## DTMF at the PBX (werift phone → PBX over DTLS-SRTP on loopback, RFC 4733 as Chromium sends it)
Measured from the phone handing a key's first RTP packet to its sender to the PBX's detector reporting
it (one call, both in one process, one clock): encryption, UDP, decryption, de-duplication. The Chromium row
above adds the browser's own tone scheduling.

| RTP loss | Digits sent | Lost | First packet → detected |
|---|---|---|---|
| 0 % | ${dtmf.result.loss0.sent} | ${dtmf.result.loss0.lost} | ${fmt(dtmf.result.loss0.latencyMs)} |
| 5 % | ${dtmf.result.loss5.sent} | ${dtmf.result.loss5.lost} | ${fmt(dtmf.result.loss5.latencyMs)} |

![Latency at 0 % loss](${dtmf.charts.clean}) ![Latency at 5 % loss](${dtmf.charts.lossy})

Most concurrent PIN-IVR calls with DTMF detection p95 < 100 ms: **${dtmf.result.capacity.mostCallsWithP95Under100Ms}** (the ramp ended at ${dtmf.result.capacity.rampEndedAt}).
Every call goes from a PIN-protected extension (201 or 204) to a paid number: the PBX answers with
the PIN prompt, the phone types its PIN and \`#\` (RFC 4733 over DTLS-SRTP), the PBX checks it (scrypt)
and plays "connecting" before ringing the far end. The PBX runs on this process's main thread, the
phones on a worker thread (the other core); a step counts when its p95 stays under 100 ms, under 1 %
of calls fail to set up and every PIN is accepted. Memory per call is the growth of the PBX thread's
heap and buffers after a garbage collection, with every caller in the PIN prompt.

| Calls | p95 | median | lost | failed to set up | PIN accepted | last call at the far end after the keys | PBX memory per call |
|---|---|---|---|---|---|---|---|
${dtmf.result.capacity.steps.map((step) => `| ${step.calls} | ${step.p95Ms} ms | ${step.medianMs} ms | ${step.lost} | ${step.failedToSetUp} | ${step.reachedFarEnd} | ${step.lastReachedFarEndAfterS} s | ${step.pbxMemoryPerCallKiB} KiB |`).join('\n')}

The last column includes the 2.5 s "connecting" prompt; beyond that it is the PIN checks queueing
for libuv's four threads (scrypt, N = 16384, about 50 ms each) — by design, since a PIN hash that is
cheap to check is cheap to crack.

![IVR capacity](${capacityChart})

## Registrar (each in its own process, SIP over WebSocket, digest auth, same load in the same run)
| | Registrations per second: median of five 3 s windows (lowest–highest) | Most clients with < 1 % errors | Memory per client |
|---|---|---|---|
${[registrar.result.tollgate, registrar.result.kamailio]
  .flatMap((entry) =>
    entry
      ? [
          `| ${entry.name} | ${entry.registrationsPerSecond} (${Math.min(...(entry.registrationsPerSecondWindows ?? []))}–${Math.max(...(entry.registrationsPerSecondWindows ?? []))}) | ${entry.mostClientsUnder1PercentErrors} | ${entry.memoryPerClientKiB ?? '–'} KiB |`,
        ]
      : [],
  )
  .join('\n')}

${
  registrar.result.ratio
    ? `Ratio Tollgate / kamailio: **${registrar.result.ratio.registrationsPerSecondAgainstBestWindow}** × the registrations per second — Tollgate's median window against
kamailio's best one. kamailio answers this load in bursts of about a thousand registrations a second and
then stops answering for longer than the clients' 10 s timeout (its windows: ${registrar.result.kamailio?.registrationsPerSecondWindows.join(', ')};
${registrar.result.kamailio?.failedDuringThroughput} registrations timed out), so its median would say nothing; with more workers or tuning it
would do better, which is why its best window is the reference.`
    : 'kamailio was not installed for this run (apt-get install kamailio kamailio-websocket-modules), so there is no ratio.'
} One extension per client (10000–29999, as on a real PBX: a phone or two per extension). The concurrency
ramp stops at 16,000 clients (the machine allows 20,000 open files per process).
Memory is PSS (shared pages divided among the processes sharing them) summed over kamailio's workers.
kamailio runs the config in \`bench/kamailio/kamailio.cfg\`: 2 TCP workers, 256 MiB shared memory, no
tuning; it refuses WebSocket connections above a few thousand concurrent clients there, so its memory
per client is not comparable. Tollgate's registrar keeps every binding in one Node process.

![Registrar](${registrar.chart})

## PIN guessing under the lockout policy
An autodialer gets ${round(guessing.guessesPerHour, 1)} guesses per hour; a random 4-digit PIN takes on average
${round(guessing.expectedDays, 1)} days (see docs/security.md).

## Where the time goes

\`npm run bench:profile\` runs the registrar and the PIN-IVR loads again under V8's sampling profiler
(the PBX's process or thread only) and writes \`bench/results/profile-*.json\`; the tables below are
read from there. Percentages are of the PBX's busy time: *self* in the function itself, *total*
with everything it calls.

### Registrar under load

Before the fixes (${registrarBefore.measured}):

${profileTable(registrarBefore)}

After them (${registrar.result.tollgate.registrationsPerSecond} registrations/s in the run above):

${profileTable(registrarAfter)}

- **sip.js decoded its whole grammar on every parse.** sip.js 0.21.2's generated parser keeps its
  rule table as strings and decoded all of it (about 230 rules, a \`split('')\` each) inside every
  \`Grammar.parse\` call — once per header: 840 µs for one REGISTER, 48 % of the PBX's time in
  \`peg$decode\` alone. \`patches/sip.js+0.21.2.patch\` (applied by patch-package on install)
  decodes it once: 108 µs per REGISTER, 7.7× less; the softphone bundles the same patched parser.
- **The registrar scanned every binding** when a socket closed (11 % at 16,000 clients) and for each
  Contact lookup; it now keeps indexes by connection and by Contact address.
- **The nonce table was swept on every request**; now at most once a second. Prepared SQL statements
  are compiled once instead of on every query.
- Together: ${registrarBefore.registrationsPerSecond} → ${registrarBefore.afterFixesSameMethod} registrations per second measured the same way (${registrarBefore.method});
  ${registrar.result.tollgate.registrationsPerSecond} with the warm-up and the median of five windows used above. What is left is the
  grammar itself (a PEG interpreter, about a third of the time), garbage collection and the socket
  writes.

### PIN-IVR calls (media path)

Before the fix (${ivrBefore.measured}):

${profileTable(ivrBefore)}

After it (${ivrAfter.measured ?? 'the largest load within the target'}):

${profileTable(ivrAfter)}

- **werift read every RTP header bit by formatting the byte as a binary string** (\`getBit\`: a
  \`toString(2)\`, two arrays and a \`parseInt\` per field, six fields a packet); at 50 packets a
  second per call it was the PBX's single most expensive JavaScript function besides garbage
  collection. \`patches/werift+0.24.4.patch\` reads the bits arithmetically (checked equal on every
  byte, start and length; \`test/unit/pbx/werift-rtp.test.ts\`).
- What remains is the media path itself: SRTP (node's AES), UDP sends, werift's packet handling,
  the DTLS handshakes' X25519 in tweetnacl and garbage collection. The PBX thread is about half busy
  at 256 calls; the rest of the machine runs the phones (as many DTLS-SRTP endpoints as the PBX) and
  the scrypt checks, so the PBX alone carries more. The two profiles were taken at different loads
  (the profiled ramp stops earlier): compare the functions, not the totals.

### Softphone

- **Key → digit at the PBX** is spent almost entirely in Chromium: the PBX needs under a millisecond
  from the first RTP packet (table above), while the browser paces RFC 4733 tones at about duration +
  2 × gap, so a key waits for the previous key's slot. Tones were shortened from 100 ms (gap 70 ms) to
  70 ms (gap 50 ms), still well above the 40 ms that RFC 4733 and ITU-T Q.24 receivers need: the median
  fell from 215 ms to 152 ms and the p95 from 231 ms to 166 ms (same benchmark, same machine).
- **# → far end answered** is the PBX's 2.5 s "connecting" prompt by design; the far end answers at once.
`;
writeFileSync('docs/benchmarks.md', markdown);
console.log('Wrote docs/benchmarks.md');
process.exit(0);
