import { existsSync, readFileSync } from 'node:fs';
import type { benchDtmf } from './dtmf';
import type { ProfileEntry, ProfileSummary } from './lib/profile';
import { barChart, histogram, writeChart, writeFormatted, type ResultFile } from './lib/report';
import { round, type Summary } from './lib/stats';
import type { benchRegistrar } from './registrar';
import type { benchSoftphone } from './softphone';
import { softphoneSpeedSection } from './softphone-docs';
import { registrarVerdict } from './registrar-docs';
import { toneLengthsSection, type ToneResult } from './tone-lengths-docs';
import { ISOLATED_KEY_PAUSE_MS } from './lib/isolated-keys';

/**
 * Writes docs/benchmarks.md and its charts from bench/results/*.json — every figure in the page
 * comes from a result file written by the benchmarks; nothing is typed here but words.
 * `npm run bench` calls it at the end; `npm run bench:docs` runs it alone.
 */
type SoftphoneResult = Awaited<ReturnType<typeof benchSoftphone>>['result'];
type DtmfResult = Awaited<ReturnType<typeof benchDtmf>>['result'];
type RegistrarResult = Awaited<ReturnType<typeof benchRegistrar>>['result'];

function read<T>(name: string): ResultFile<T> | null {
  const path = `bench/results/${name}.json`;
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ResultFile<T>) : null;
}

const chartName = (loss: { kind: string; rate: number }) =>
  loss.kind === 'none' ? 'no-loss' : `${loss.kind}-${round(loss.rate * 100)}`;
const ms = (value: number) => `${round(value)} ms`;
const fmt = (summary: Summary, unit = 'ms') =>
  summary.count === 0
    ? 'no samples'
    : `median ${round(summary.median)} ${unit} (p5 ${round(summary.p5)}, p95 ${round(summary.p95)}, n = ${summary.count})`;
const seconds = (milliseconds: number) => `${round(milliseconds / 1000, 2)} s`;
const table = (header: string[], rows: (string | number)[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

function calibrationRow(name: string, file: ResultFile<unknown> | null): (string | number)[] {
  if (!file) return [name, 'not run', '–', '–', '–'];
  const { machine, calibration } = file;
  return [
    `\`bench/results/${name}.json\``,
    file.measuredAt.slice(0, 16).replace('T', ' '),
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}`,
    calibration ? `${calibration.scryptHashMs} ms` : '–',
    calibration ? `${calibration.registerParseUs} µs` : '–',
  ];
}

function softphoneSection(file: ResultFile<SoftphoneResult> | null): string {
  if (!file) return '## Softphone\n\nNot measured yet (`npm run bench -- --only=softphone`).';
  const softphone = file.result;
  const chart = writeChart(
    'softphone',
    barChart(
      'Softphone timings (medians)',
      [
        { label: 'load → interactive', value: round(softphone.pageLoadToInteractiveMs.median) },
        { label: 'load → registered', value: round(softphone.pageLoadToRegisteredMs.median) },
        { label: 'Call → first prompt packet', value: round(softphone.callToFirstPromptPacketMs.median) },
        { label: '# → far end answered', value: round(softphone.hashToFarEndAnsweredMs.median) },
        { label: 'key → digit at PBX', value: round(softphone.keyClickToDigitDetectedMs.median) },
      ],
      'ms',
    ),
  );
  const typing = softphone.typing;
  const charts = typing.runs.map((run) =>
    writeChart(
      `softphone-keys-${chartName(run.loss)}`,
      histogram(
        `Click → digit detected at the PBX (Chromium, 8 keys/s), ${run.loss.label}`,
        run.latencies,
        'ms',
      ),
    ),
  );
  return `## Softphone (Chromium, browser host, test PBX on loopback, ${softphone.runs} runs)

${table(
  ['What', 'Result'],
  [
    ['page load → interactive (tabs shown)', fmt(softphone.pageLoadToInteractiveMs)],
    ['page load → registered', fmt(softphone.pageLoadToRegisteredMs)],
    [
      "click Call → first RTP packet of the PIN prompt received by the page (its RTCPeerConnection's stats)",
      fmt(softphone.callToFirstPromptPacketMs),
    ],
    [
      `click # → far end answered (includes the ${seconds(softphone.connectingPromptMs)} "connecting" prompt; the far end answers at once)`,
      fmt(softphone.hashToFarEndAnsweredMs),
    ],
    [
      `click a key (the page's click event) → digit detected at the PBX, one key at a time (${ISOLATED_KEY_PAUSE_MS} ms after the previous key was detected, so none queues), during the PIN prompt`,
      fmt(softphone.keyClickToDigitDetectedMs),
    ],
    ['renderer bundle', `${softphone.bundle.gzipKiB} KiB gzip (${softphone.bundle.rawKiB} KiB raw)`],
  ],
)}

![Softphone timings](${chart})

${softphoneSpeedSection(file)}

### Typing at human speed

${typing.bursts} bursts of ${typing.keysPerBurst} keys at ${typing.keysPerSecond} keys a second on the in-call keypad of a call to the
echo test; the page clicks the keys itself on that schedule. The app's tones are ${typing.toneMs} ms with ${typing.gapMs} ms gaps, and
Chromium sends a key only when the one before it is done, so keys typed this fast queue: the first
key of a burst is *isolated* (nothing before it), the others are *queued*. RTP from the app is
dropped on its way to the PBX by a relay between the two (\`bench/lib/relay.ts\`), at random or in
bursts (Gilbert–Elliott, the mean burst given); the relay also timestamps each key's first packet,
so *click → on the wire* is the browser's own scheduling. A key not detected ${typing.lostAfterMs} ms after its first
packet passed the relay is lost.

${table(
  [
    'RTP loss',
    'dropped (measured)',
    'keys',
    'lost',
    'isolated key: click → detected',
    'queued key: click → detected',
    'click → on the wire',
  ],
  typing.runs.map((run) => [
    run.loss.label,
    `${run.measuredLossPercent ?? '–'} %`,
    run.sent,
    run.lost,
    fmt(run.isolatedMs),
    fmt(run.queuedMs),
    fmt(run.clickToWireMs),
  ]),
)}

${charts.map((path, index) => `![${typing.runs[index]?.loss.label ?? ''}](${path})`).join(' ')}`;
}

function dtmfSection(file: ResultFile<DtmfResult> | null): string {
  if (!file) return '## DTMF at the PBX\n\nNot measured yet (`npm run bench -- --only=dtmf`).';
  const dtmf = file.result;
  const charts = dtmf.latency.map((run) =>
    writeChart(
      `dtmf-latency-${chartName(run.loss)}`,
      histogram(`First packet → digit detected at the PBX, ${run.loss.label}`, run.latencies, 'ms'),
    ),
  );
  const capacity = dtmf.capacity;
  const mostCalls = capacity.ramps.map((ramp) => ramp.mostCalls);
  const median =
    capacity.ramps.find((ramp) => ramp.mostCalls === capacity.medianMostCalls) ?? capacity.ramps[0];
  const capacityChart = median
    ? writeChart(
        'ivr-capacity',
        barChart(
          '# → far end ringing p95 beyond the prompt, by concurrent PIN calls',
          median.steps.map((step) => ({
            label: `${step.calls} calls`,
            value: step.ringingBeyondPromptMs.p95,
          })),
          'ms',
        ),
      )
    : null;
  const firstMiss = median?.steps.find((step) => step.missed.length > 0);
  return `## DTMF at the PBX (werift phone → PBX over DTLS-SRTP on loopback, RFC 4733 as Chromium sends it)

From the phone handing a key's first RTP packet to its sender to the PBX's detector reporting it
(both in this process, one clock): encryption, the relay, UDP, decryption, de-duplication. One call
per loss condition, all at the same time; the Chromium figures above add the browser's own tone
scheduling.

${table(
  ['RTP loss', 'dropped (measured)', 'digits sent', 'lost', 'first packet → detected'],
  dtmf.latency.map((run) => [
    run.loss.label,
    `${run.measuredLossPercent} %`,
    run.sent,
    run.lost,
    fmt(run.latencyMs),
  ]),
)}

${charts.map((path, index) => `![${dtmf.latency[index]?.loss.label ?? ''}](${path})`).join(' ')}

### PIN-IVR capacity, end to end

Most concurrent PIN calls within the target: **${capacity.medianMostCalls}** (median of ${capacity.ramps.length} ramps: ${mostCalls.join(', ')}).
The first ramp starts at ${capacity.ramps[0]?.startedAt ?? capacity.steps[0]} calls (from the lowest step if it misses there); the others start two
steps below its result (and from the bottom again if their first step misses).${
    capacity.rampsSkippedForTime > 0
      ? ` ${capacity.rampsSkippedForTime} of ${capacity.rampsPlanned} ramps were skipped: the ramps had taken longer than ${capacity.timeBudgetS} s.`
      : ''
  }

${
  capacity.typingWindowMs
    ? `How the callers type (the concurrency model): all N calls of a step are **set up at once** (N
INVITEs and N DTLS handshakes together — not spread), and the step goes on when every caller has heard
the PIN prompt. **Only the typing is spread**: the moments the callers start typing are spread evenly
over one IVR visit of ${seconds(capacity.typingWindowMs)} — the "enter PIN" prompt (${seconds(capacity.enterPinPromptMs)}) plus PIN and \`#\` at one key
per ${capacity.keySpacingMs} ms — as when N callers are in the IVR at any time. The worst case, every caller typing at
the same moment, is measured apart below.

`
    : ''
}Every call comes from its own PIN-protected extension (the PBX allows one PIN session per extension)
and goes to a paid number: the PBX answers with the PIN prompt, the phone types its PIN and \`#\`
(RFC 4733 over DTLS-SRTP), the PBX checks it (scrypt), plays "connecting" (${seconds(capacity.connectingPromptMs)}, the length of
the prompt file) and rings the far end. A step is within the target when DTMF detection p95 < ${capacity.targets.dtmfP95Ms} ms
**and** \`#\` (its first packet at the phone) → the far end ringing has a p95 under ${capacity.targets.ringingBeyondPromptP95Ms} ms beyond the
prompt, no digit is lost, every right PIN is accepted and under ${capacity.targets.setUpFailuresPercent} % of calls fail to set up. The PBX
runs on this process's main thread, the phones on a worker thread. Memory per call is the growth of
the PBX thread's heap and buffers after a garbage collection, with every caller in the PIN prompt.
*PIN-check queue* is what the checks would wait if they did nothing but queue for the CPU: libuv's
thread pool has ${capacity.threadPoolSize} threads, the machine ${file.machine.cores} cores, so ${capacity.parallelHashes} hashes run at once —
⌈calls / ${capacity.parallelHashes}⌉ × one scrypt hash of this run's calibration (measured alone; the PBX's thread and the
phones' thread share the same cores).

${capacity.ramps
  .map(
    (ramp, index) =>
      `Ramp ${index + 1} (from ${ramp.startedAt} calls): ${ramp.mostCalls} calls${ramp.limitedBy.length ? `; stopped by ${ramp.limitedBy.join('; ')}` : ''}.`,
  )
  .join('\n')}

${
  median
    ? `The ramp with the median result, step by step:

${table(
  [
    'calls',
    'DTMF p95',
    'DTMF median',
    'digits lost',
    'failed to set up',
    'PIN accepted',
    '# → PIN accepted (median / p95)',
    '# → ringing beyond the prompt (median / p95)',
    'PIN-check queue',
    'PBX memory per call',
  ],
  median.steps.map((step) => [
    step.calls,
    ms(step.dtmfP95Ms),
    ms(step.dtmfMedianMs),
    step.digitsLost,
    step.failedToSetUp,
    step.reachedFarEnd,
    step.hashToPinAcceptedMs
      ? `${step.hashToPinAcceptedMs.median} / ${step.hashToPinAcceptedMs.p95} ms`
      : '–',
    `${step.ringingBeyondPromptMs.median} / ${step.ringingBeyondPromptMs.p95} ms`,
    `${step.pinCheckQueueEstimateMs} ms`,
    `${step.pbxMemoryPerCallKiB} KiB`,
  ]),
)}`
    : ''
}

${firstMiss ? limitParagraph(file, firstMiss) : 'No ramp reached a step beyond the target (the ramp ends at its last step).'}

${machineAndSrtp(file)}

${scryptBudget(file)}

${capacityChart ? `![IVR capacity](${capacityChart})` : ''}

${allAtOnceSection(capacity.allAtOnce ?? null, capacity.targets)}`;
}

type CapacityStepResult = DtmfResult['capacity']['ramps'][number]['steps'][number];

/**
 * What limits the IVR capacity, decided from this run's figures and the IVR profile
 * (bench/results/profile-ivr.json): the machine's load, the PIN checks' queue, the PBX's thread.
 */
function limitParagraph(file: ResultFile<DtmfResult>, step: CapacityStepResult): string {
  const { capacity } = file.result;
  const cores = file.machine.cores;
  const accepted = step.hashToPinAcceptedMs?.p95;
  const queue = step.pinCheckQueueEstimateMs;
  const profile = read<ProfileSummary & { measured?: string }>('profile-ivr')?.result ?? null;
  const load = step.loadAverageAtStart;
  const facts = `At ${step.calls} calls the step missed ${step.missed.join('; ')}. \`#\` → PIN accepted (the PBX's
\`pin-accepted\` event) had a p95 of ${accepted === undefined ? '– (not emitted)' : ms(accepted)}; the PIN checks alone, had all ${step.calls} queued for
libuv's ${capacity.threadPoolSize} threads at once, would wait ${ms(queue)} (⌈calls / ${capacity.parallelHashes}⌉ × one scrypt hash). The machine's
1-minute load average at the step's start was ${load ?? '–'} on ${cores} cores.`;
  const pbxThread = profile
    ? `The profile of the PBX's thread (${profile.measured ?? 'IVR load'}) has it busy ${profile.busyPercent} % of the time: ${profile.byArea
        .slice(0, 4)
        .map((area) => `${area.name} ${area.selfPercent} %`)
        .join(', ')} (self time).`
    : 'No IVR profile was recorded (`npm run bench:profile`).';
  let cause: string;
  if (load !== undefined && load > cores)
    cause = `**Cause: the machine was not quiet** — more runnable work than cores (load ${load} > ${cores}) when the step began; the step's figures are the machine's, not the PBX's, and the run should be repeated on a quiet machine.`;
  else if (accepted !== undefined && accepted <= queue * 1.5)
    cause = `**Cause: the PIN checks** — \`#\` → PIN accepted is within 1.5 × the scrypt queue estimate: the hashes (never weakened) take the time.`;
  else if (profile && profile.busyPercent >= 80)
    cause = `**Cause: the PBX's thread is saturated** (busy ${profile.busyPercent} %), mostly in ${profile.byArea[0]?.name ?? '–'}; every event on it (DTMF, the PIN result, ringing) waits its turn.`;
  else
    cause = `**Cause: the ${cores} cores are shared** — the PBX's thread had spare time${profile ? ` (busy ${profile.busyPercent} %)` : ''} and \`#\` → PIN accepted took ${accepted === undefined ? '–' : `${round(accepted / Math.max(queue, 1), 1)} ×`} the PIN checks' queue, so neither alone explains it: the PBX's thread, the phones' thread (the simulated callers' own SRTP and DTLS, about as much media work as the PBX's) and libuv's hash threads compete for ${cores} cores, which a profile of the PBX's thread alone does not split.`;
  return `What limits it: ${facts}\n${pbxThread}\n${cause}`;
}

const ratio = (perPacketUs: Record<string, number>): string => {
  const cm = perPacketUs['SRTP_AES128_CM_HMAC_SHA1_80'];
  const gcm = perPacketUs['SRTP_AEAD_AES_128_GCM'];
  return cm && gcm ? ` (AES-CM / GCM = ${round(cm / gcm, 2)})` : '';
};

/** Whether the machine was quiet, and the SRTP profile the calls negotiated with its cost per packet. */
function machineAndSrtp(file: ResultFile<DtmfResult>): string {
  const { machineLoad, srtp } = file.result;
  const lines: string[] = [];
  if (machineLoad)
    lines.push(
      `Machine load (os.loadavg: 1, 5, 15 min) at the run's start: ${machineLoad.atStart.join(', ')}; at its end: ${machineLoad.atEnd.join(', ')} — on ${file.machine.cores} cores (above ${file.machine.cores}: other work was competing).`,
    );
  if (srtp) {
    const negotiated = Object.entries(srtp.negotiated)
      .map(([name, count]) => `${name} ${count}`)
      .join(', ');
    const cost = Object.entries(srtp.cost.perPacketUs)
      .map(([name, us]) => `${name} ${us} µs`)
      .join(', ');
    lines.push(
      `SRTP: the PBX offers ${srtp.offered.length === 1 ? 'only ' : ''}SRTP_AES128_CM_HMAC_SHA1_80 (the profile Chromium negotiates and every WebRTC endpoint must implement); this run's media connections by negotiated profile: ${negotiated || '–'}. werift's SRTP per 20 ms PCMU packet (encrypt + decrypt, median of ${srtp.cost.rounds} alternating rounds of ${srtp.cost.packetsPerRound}): ${cost}${ratio(srtp.cost.perPacketUs)}. AES-CM is offered because it is what browsers negotiate, so the benchmark's callers cost what real ones do — not because it is cheaper: Node sets up a GCM cipher per packet (its IV is fixed at set-up) in about the time AES-CM spends on its HMAC-SHA1.`,
    );
  }
  return lines.join('\n\n');
}

/** What the PIN checks alone cost at the issue's target, from the calibration and the typing window. */
function scryptBudget(file: ResultFile<DtmfResult>): string {
  const { capacity } = file.result;
  const target = capacity.targets.mostCalls;
  const hashMs = file.calibration?.scryptHashMs;
  if (!target || !capacity.typingWindowMs || !hashMs) return '';
  const cores = round(((target / capacity.typingWindowMs) * 1000 * hashMs) / 1000, 2);
  return `The target is at least ${target} concurrent PIN calls. Their PIN checks alone: ${target} scrypt hashes
(${ms(hashMs)} each, this run's calibration, never weakened) within one IVR visit of ${seconds(capacity.typingWindowMs)} keep
${cores} of the machine's ${file.machine.cores} cores hashing, before the PBX's own thread (the media of every call) and the
phones' thread (the simulated callers' media, on the same machine) get any.`;
}

/** The worst case of the IVR capacity: every caller types at the same moment. */
function allAtOnceSection(
  worst: DtmfResult['capacity']['allAtOnce'] | null,
  targets: DtmfResult['capacity']['targets'],
): string {
  if (!worst) return '';
  return `#### Worst case: every caller types at the same moment

All callers start typing together, so every \`#\` — and every PIN check (one scrypt hash each) —
arrives within a few milliseconds. Same targets (DTMF p95 < ${targets.dtmfP95Ms} ms, \`#\` → ringing p95 <
${targets.ringingBeyondPromptP95Ms} ms beyond the prompt, nothing lost, every right PIN accepted); one ramp, up to ${worst.maxCalls} calls.
Most concurrent PIN calls within the target: **${worst.mostCalls}**${worst.limitedBy.length ? `; stopped by ${worst.limitedBy.join('; ')}` : ''}.

${table(
  [
    'calls',
    'DTMF p95',
    'digits lost',
    'PIN accepted',
    '# → PIN accepted (median / p95)',
    '# → ringing beyond the prompt (median / p95)',
    'PIN-check queue',
  ],
  worst.steps.map((step) => [
    step.calls,
    ms(step.dtmfP95Ms),
    step.digitsLost,
    `${step.reachedFarEnd} of ${step.calls - step.failedToSetUp}`,
    step.hashToPinAcceptedMs
      ? `${step.hashToPinAcceptedMs.median} / ${step.hashToPinAcceptedMs.p95} ms`
      : '–',
    `${step.ringingBeyondPromptMs.median} / ${step.ringingBeyondPromptMs.p95} ms`,
    `${step.pinCheckQueueEstimateMs} ms`,
  ]),
)}`;
}

function registrarSection(file: ResultFile<RegistrarResult> | null): string {
  if (!file) return '## Registrar\n\nNot measured yet (`npm run bench -- --only=registrar`).';
  const registrar = file.result;
  const { method } = registrar;
  const entries = [registrar.tollgate, registrar.kamailio, registrar.kamailioOneWorker].flatMap((entry) =>
    entry ? [entry] : [],
  );
  const windows = (values: readonly number[]) => values.join(', ');
  const chart = writeChart(
    'registrar-throughput',
    barChart(
      'Registrations per second (median window)',
      entries.flatMap((entry) => [
        { label: `${entry.name}: connect + register`, value: entry.connectRegister.perSecond },
        { label: `${entry.name}: re-register`, value: entry.reregister.perSecond },
      ]),
      '/s',
    ),
  );
  const ratio = (kind: 'connectRegister' | 'reregister', what: string) => {
    const entry = registrar.ratio[kind];
    return entry.ratio !== null
      ? `Tollgate / kamailio, ${what}: **${entry.ratio} ×** (median window to median window; both registrars' windows were stable).`
      : `Tollgate / kamailio, ${what}: not given (medians ${registrar.tollgate[kind].perSecond} and ${registrar.kamailio?.[kind].perSecond ?? '–'} /s) — ${entry.withheld.join('; ')}.`;
  };
  const config = registrar.kamailioConfig;
  return `## Registrar (each in its own process, SIP over WebSocket, digest auth, same load in the same run)

Two figures per registrar, each the median of ${method.windows} windows of ${seconds(method.windowMs)} after a ${seconds(method.warmUpMs)} warm-up, with
${method.clientsAtOnce} clients at a time:

- **connect + challenge + register per second**: each client opens a new WebSocket, sends REGISTER,
  answers the 401 challenge (digest MD5, qop=auth), gets the 200, and closes — the cost of a phone
  (re)connecting.
- **re-registrations per second over open connections**: ${method.clientsAtOnce} clients stay connected and re-REGISTER
  one after another, reusing their nonce with the next nonce count (a registrar that wants a new
  nonce challenges again; the client answers and that is counted) — what a registrar does most of
  the day.

A median counts as stable when every window is within ±${method.stableWithinPercent} % of it and under ${method.errorLimitPercent} % of attempts
failed; a ratio is given only between stable medians.

${table(
  [
    '',
    'connect + challenge + register /s (windows)',
    'stable',
    're-registrations /s (windows)',
    'challenged',
    'stable',
    `most clients with < ${method.errorLimitPercent} % errors`,
    'memory per client',
  ],
  entries.map((entry) => [
    entry.name,
    `${entry.connectRegister.perSecond} (${windows(entry.connectRegister.windows)})`,
    entry.connectRegister.stable ? 'yes' : `no: ${entry.connectRegister.reasons.join('; ')}`,
    `${entry.reregister.perSecond} (${windows(entry.reregister.windows)})`,
    entry.reregister.challenged,
    entry.reregister.stable ? 'yes' : `no: ${entry.reregister.reasons.join('; ')}`,
    entry.concurrency.length === 0 ? 'not ramped' : entry.mostClientsUnder1PercentErrors,
    entry.concurrency.length === 0 ? '–' : `${entry.memoryPerClientKiB ?? '–'} KiB`,
  ]),
)}

${ratio('connectRegister', 'connect + challenge + register')}
${ratio('reregister', 're-registrations over open connections')}

${registrarVerdict(registrar, read<ProfileSummary>('profile-registrar'))}

One extension per client (${method.extensions} extensions, as on a real PBX: a phone or two per extension). The
concurrency ramp stops at ${entries[0]?.concurrencyRampEndsAt ?? '–'} clients. Memory is PSS (shared pages divided among the processes
sharing them) summed over the registrar's processes, growth over its idle baseline. kamailio runs
\`bench/kamailio/kamailio.cfg\` with ${config.sharedMemoryMiB} MiB shared and ${config.privateMemoryMiB} MiB private memory per process (\`-m\`, \`-M\`),
${config.tcpChildren} TCP workers and room for ${config.tcpMaxConnections} connections; Tollgate's registrar is one Node process.

![Registrar](${chart})`;
}

function profileTable(summary: ProfileSummary, rows = 8): string {
  const line = (entry: ProfileEntry) => [
    `\`${entry.name.replace(/\|/g, '\\|')}\``,
    `${entry.selfPercent} %`,
    `${entry.totalPercent} %`,
  ];
  return `PBX busy ${summary.busyPercent} % of ${round(summary.durationMs / 1000)} s. Where: ${summary.byArea
    .slice(0, 6)
    .map((area) => `${area.name} ${area.selfPercent} %`)
    .join(', ')}.

${table(['Function', 'self', 'total'], summary.byFunction.slice(0, rows).map(line))}`;
}

function profileSection(): string {
  const registrar = read<ProfileSummary>('profile-registrar');
  const ivr = read<ProfileSummary & { measured?: string }>('profile-ivr');
  if (!registrar && !ivr) return '';
  return `## Where the time goes

\`npm run bench:profile\` runs the registrar and the PIN-IVR loads again under V8's sampling profiler
(the PBX's process or thread only) and writes \`bench/results/profile-*.json\`; the tables below are
read from there. Percentages are of the PBX's busy time: *self* in the function itself, *total*
with everything it calls.

${registrar ? `### Registrar under load (profiled ${registrar.measuredAt.slice(0, 10)})\n\n${profileTable(registrar.result)}` : ''}

${ivr ? `### PIN-IVR calls (${ivr.result.measured ?? 'the largest load within the target'}, profiled ${ivr.measuredAt.slice(0, 10)})\n\n${profileTable(ivr.result)}` : ''}

What earlier profiles led to (the commits say what was measured before and after): sip.js 0.21.2's
generated parser decoded its whole rule table on every parse, and werift read each RTP header bit by
formatting the byte as a string — both patched in \`patches/\` (commits 24b034a and 9704cd6, each
with a unit test that fails without it); the registrar indexes bindings by connection and Contact
instead of scanning them, sweeps nonces at most once a second and caches prepared statements
(24b034a); a strict scanner in front of sip.js's grammar parses what phones send all day (5a7db61,
differential test against the grammar) and a right digest answer no longer asks the database
whether its user exists (0eb8db1). The calibration column at the top shows what one REGISTER parse costs now.`;
}

export async function writeDocs(): Promise<void> {
  const softphone = read<SoftphoneResult>('softphone');
  const dtmf = read<DtmfResult>('dtmf');
  const registrar = read<RegistrarResult>('registrar');
  const tones = read<ToneResult>('tone-lengths');
  const markdown = `# Benchmarks

Generated by \`npm run bench\` (or \`npm run bench:docs\`) from \`bench/results/*.json\` — do not edit by
hand. Medians and spread, never single timings; no test asserts a time. Everything runs on one
machine: PBX, load generator and browser share its cores.

Each result file records the machine and a **calibration** measured in the same run: one scrypt hash
with the PBX's parameters (one PIN check) and one REGISTER parsed with sip.js's grammar (what the
PBX does for every SIP message), medians of repeated runs. Results from different machines, or from
a busy and a quiet one, compare through these.

${table(
  ['result', 'measured (UTC)', 'machine', 'one scrypt hash', 'one REGISTER parse'],
  (['softphone', 'dtmf', 'registrar', 'tone-lengths'] as const).map((name) =>
    calibrationRow(name, read(name)),
  ),
)}

${softphoneSection(softphone)}

${dtmfSection(dtmf)}

${registrarSection(registrar)}

${toneLengthsSection(tones)}

The PIN-guessing model under the lockout policy is in docs/security.md, with its own generator.

${profileSection()}
`;
  // Formatted as `npm run lint` checks it (prettier --check .), so a regenerated page passes.
  await writeFormatted('docs/benchmarks.md', markdown.replace(/\n{3,}/g, '\n\n'));
  console.log('Wrote docs/benchmarks.md');
}

if (import.meta.url === `file://${process.argv[1]}`) await writeDocs();
