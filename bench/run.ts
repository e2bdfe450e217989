import { writeFileSync } from 'node:fs';
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

console.log('Softphone in Chromium …');
const softphone = (await benchSoftphone()).result;
console.log('Registrar …');
const registrar = await benchRegistrar();
console.log('DTMF …');
const dtmf = await benchDtmf();
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
| click a key → digit detected at the PBX | ${fmt(softphone.keyClickToDigitDetectedMs)} |
| renderer bundle | ${softphone.bundle.gzipKiB} KiB gzip (${softphone.bundle.rawKiB} KiB raw) |

![Softphone timings](${softphoneChart})

## DTMF at the PBX (werift phone → PBX over DTLS-SRTP, RFC 4733 as Chromium sends it)
| RTP loss | Digits sent | Lost | First packet → detected |
|---|---|---|---|
| 0 % | ${dtmf.result.loss0.sent} | ${dtmf.result.loss0.lost} | ${fmt(dtmf.result.loss0.latencyMs)} |
| 5 % | ${dtmf.result.loss5.sent} | ${dtmf.result.loss5.lost} | ${fmt(dtmf.result.loss5.latencyMs)} |

![Latency at 0 % loss](${dtmf.charts.clean}) ![Latency at 5 % loss](${dtmf.charts.lossy})

Most concurrent PIN-IVR calls with DTMF detection p95 < 100 ms: **${dtmf.result.capacity.mostCallsWithP95Under100Ms}** (the ramp stops at 128;
phones and PBX share this process, so the PBX alone carries more).

| Calls | p95 | median | lost | memory per call |
|---|---|---|---|---|
${dtmf.result.capacity.steps.map((step) => `| ${step.calls} | ${step.p95Ms} ms | ${step.medianMs} ms | ${step.lost} | ${step.rssPerCallMiB} MiB (PBX and phone) |`).join('\n')}

![IVR capacity](${capacityChart})

## Registrar (PBX in its own process, digest auth)
- Registrations per second (64 clients at a time, new connection each): **${registrar.result.registrationsPerSecond}**
- Most concurrently registered WebSocket clients with < 1 % errors: **${registrar.result.mostClientsUnder1PercentErrors}** (the ramp stops at 8,000)
- PBX memory per registered client: about ${registrar.result.memoryPerClientKiB} KiB (RSS, garbage collection makes this noisy)

![Registrar](${registrar.chart})

## PIN guessing under the lockout policy
An autodialer gets ${round(guessing.guessesPerHour, 1)} guesses per hour; a random 4-digit PIN takes on average
${round(guessing.expectedDays, 1)} days (see docs/security.md).

## Not measured yet
- the registrar side by side with Debian's kamailio (digest auth on both);
- a profile of where the time goes, and fixes of the biggest costs.
`;
writeFileSync('docs/benchmarks.md', markdown);
console.log('Wrote docs/benchmarks.md');
process.exit(0);
