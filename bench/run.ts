import { readFileSync, writeFileSync } from 'node:fs';
import { simulateGuessing } from '../test/pbx/ivr/guessing';
import { DEFAULT_LOCKOUT_RULES } from '../test/pbx/ivr/lockout';
import { DEFAULT_PIN_RULES } from '../test/pbx/ivr/pin-entry';
import { benchDtmf } from './dtmf';
import { barChart, machine, writeChart, writeResult } from './lib/report';
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
const previous = <T>(name: string): T =>
  (JSON.parse(readFileSync(`bench/results/${name}.json`, 'utf8')) as { result: T }).result;

console.log('Softphone in Chromium …');
const softphone = wanted('softphone')
  ? (await benchSoftphone()).result
  : previous<Awaited<ReturnType<typeof benchSoftphone>>['result']>('softphone');
console.log('Registrar …');
const registrar = wanted('registrar')
  ? await benchRegistrar()
  : {
      result: previous<Awaited<ReturnType<typeof benchRegistrar>>['result']>('registrar'),
      chart: 'benchmarks/registrar-throughput.svg',
    };
console.log('DTMF …');
const dtmf = wanted('dtmf')
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
| click a key (the page's click event) → digit detected at the PBX | ${fmt(softphone.keyClickToDigitDetectedMs)} |
| renderer bundle | ${softphone.bundle.gzipKiB} KiB gzip (${softphone.bundle.rawKiB} KiB raw) |

![Softphone timings](${softphoneChart})

## DTMF at the PBX (werift phone → PBX over DTLS-SRTP on loopback, RFC 4733 as Chromium sends it)
Measured from the phone handing a key's first RTP packet to its sender to the PBX's detector reporting
it (both in one process, one clock): encryption, UDP, decryption, de-duplication. The Chromium row
above adds the browser's own tone scheduling.

| RTP loss | Digits sent | Lost | First packet → detected |
|---|---|---|---|
| 0 % | ${dtmf.result.loss0.sent} | ${dtmf.result.loss0.lost} | ${fmt(dtmf.result.loss0.latencyMs)} |
| 5 % | ${dtmf.result.loss5.sent} | ${dtmf.result.loss5.lost} | ${fmt(dtmf.result.loss5.latencyMs)} |

![Latency at 0 % loss](${dtmf.charts.clean}) ![Latency at 5 % loss](${dtmf.charts.lossy})

Most concurrent IVR calls with DTMF detection p95 < 100 ms: **${dtmf.result.capacity.mostCallsWithP95Under100Ms}** — the ramp stops at 128, so the
limit was not reached. Each call is answered by the PBX's own media endpoint (the echo-test application:
the same werift endpoint and RFC 4733 detector as the PIN IVR, echoing audio instead of playing a
prompt) while its phone types ten keys. Phones and PBX share this process and its two cores, so the
PBX alone carries more. Memory per call is the growth of the process after a garbage collection,
divided by the calls, for the PBX's and the phone's side together.

| Calls | p95 | median | lost | memory per call (PBX + phone) |
|---|---|---|---|---|
${dtmf.result.capacity.steps.map((step) => `| ${step.calls} | ${step.p95Ms} ms | ${step.medianMs} ms | ${step.lost} | ${step.rssPerCallMiB} MiB |`).join('\n')}

![IVR capacity](${capacityChart})

## Registrar (each in its own process, SIP over WebSocket, digest auth, same load in the same run)
| | Registrations per second | Most clients with < 1 % errors | Memory per client |
|---|---|---|---|
${[registrar.result.tollgate, registrar.result.kamailio]
  .flatMap((entry) =>
    entry
      ? [
          `| ${entry.name} | ${entry.registrationsPerSecond} | ${entry.mostClientsUnder1PercentErrors} | ${entry.memoryPerClientKiB ?? '–'} KiB |`,
        ]
      : [],
  )
  .join('\n')}

${
  registrar.result.ratio
    ? `Ratio Tollgate / kamailio: **${registrar.result.ratio.registrationsPerSecond}** × the registrations per second.`
    : 'kamailio was not installed for this run (apt-get install kamailio kamailio-websocket-modules), so there is no ratio.'
} The concurrency ramp stops at 8,000 clients (the machine allows 20,000 open files per process).
Memory is PSS (shared pages divided among the processes sharing them) summed over kamailio's workers.
kamailio runs the config in \`bench/kamailio/kamailio.cfg\`: 2 TCP workers, 256 MiB shared memory, no
tuning; it refuses connections above about 800 concurrent WebSocket clients there, so its memory per
client is not comparable. Tollgate's registrar keeps every binding in one Node process.

![Registrar](${registrar.chart})

## PIN guessing under the lockout policy
An autodialer gets ${round(guessing.guessesPerHour, 1)} guesses per hour; a random 4-digit PIN takes on average
${round(guessing.expectedDays, 1)} days (see docs/security.md).

## Where the time goes
- **Key → digit at the PBX** is spent almost entirely in Chromium: the PBX needs under a millisecond
  from the first RTP packet (table above), while the browser paces RFC 4733 tones at about duration +
  2 × gap, so a key waits for the previous key's slot. Tones were shortened from 100 ms (gap 70 ms) to
  70 ms (gap 50 ms), still well above the 40 ms that RFC 4733 and ITU-T Q.24 receivers need: the median
  fell from 215 ms to 152 ms and the p95 from 231 ms to 166 ms (same benchmark, same machine).
- **# → far end answered** is the PBX's 2.5 s "connecting" prompt by design; the far end answers at once.
- **Registrar**: Tollgate's registrar reaches about half of kamailio's registrations per second, on one
  Node thread that does the digest hashing and the WebSocket framing in JavaScript.

## Not done yet
- a CPU profile of the registrar and of the media path under load, and fixes of what it shows.
`;
writeFileSync('docs/benchmarks.md', markdown);
console.log('Wrote docs/benchmarks.md');
process.exit(0);
