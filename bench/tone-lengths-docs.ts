import type { ResultFile } from './lib/report';
import { round, type Summary } from './lib/stats';
import type { benchToneLengths } from './tone-lengths';

/**
 * The "Tone lengths" section of docs/benchmarks.md, from bench/results/tone-lengths.json (called by
 * bench/write-docs.ts). Every figure and the choice come from the result file.
 */
export type ToneResult = Awaited<ReturnType<typeof benchToneLengths>>['result'];

const fmt = (summary: Summary) =>
  summary.count === 0
    ? 'no samples'
    : `median ${round(summary.median)} ms (p95 ${round(summary.p95)}, n = ${summary.count})`;
const table = (header: string[], rows: (string | number)[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
const setting = (tone: { durationMs: number; gapMs: number }) => `${tone.durationMs}/${tone.gapMs} ms`;

export function toneLengthsSection(file: ResultFile<ToneResult> | null): string {
  if (!file) return '## Tone lengths\n\nNot measured yet (`npm run bench -- --only=tones`).';
  const { runs, choice, method, appSetting } = file.result;
  const [short, long] = [choice.lost.short, choice.lost.long];
  const shares = (lost: number, keys: number) =>
    `${lost} of ${keys} keys (${round((100 * lost) / Math.max(keys, 1), 2)} %)`;
  const lossy = (durationMs: number) => {
    const picked = runs.filter((run) => run.tone.durationMs === durationMs && run.loss.kind !== 'none');
    return shares(
      picked.reduce((sum, run) => sum + run.lost, 0),
      picked.reduce((sum, run) => sum + run.keys, 0),
    );
  };
  const decided =
    choice.decidedBy === 'lost keys'
      ? `the two settings lost different numbers of keys beyond run-to-run wobble (|a − b| > 2·√(a + b)): ${setting(choice.chosen)} lost fewer, and a lost key in a PIN is a wrong PIN — a retry and a step towards the lock — so it decides before speed.`
      : `their lost keys do not differ beyond run-to-run wobble (|a − b| ≤ 2·√(a + b)), so speed decides: with fast typing the p95 click → detected was ${choice.fastTypingP95Ms.short} ms at ${setting({ durationMs: 40, gapMs: 30 })} and ${choice.fastTypingP95Ms.long} ms at ${setting({ durationMs: 70, gapMs: 50 })} (the slowest of the two paths and both loss conditions) — keys typed faster than one tone and gap wait for every tone before them.`;
  const app = setting(appSetting);
  const applied =
    app === setting(choice.chosen)
      ? `The app's keypad sends ${app} (\`renderer/src/sip/keypad-sender.ts\`), the chosen setting.`
      : `The app's keypad sent ${app} when this ran (\`renderer/src/sip/keypad-sender.ts\`); the numbers choose ${setting(choice.chosen)}.`;
  return `## Tone lengths: 40/30 ms against 70/50 ms

What the keypad passes to Chromium's \`insertDTMF\` (tone length / gap), measured at the test PBX's
RFC 4733 detector (a call to the echo test) and through Kamailio (\`test/kamailio/\`, registrar and
proxy, no media) to a far end — a second phone registered there that answers and decodes the
RFC 4733 events itself. Phones are werift phones (DTLS-SRTP) sending each key as Chromium does for
that length and gap: an event packet every 20 ms frame while the tone lasts, three end packets, the
next key _length + gap_ after the start of this one. ${method.bursts} bursts of ${method.keysPerBurst} keys (a PIN and #) per
condition, ${method.pauseBetweenBurstsMs} ms apart, at ${method.speeds.map((speed) => speed.label).join(' and ')}; the caller's RTP
passes \`bench/lib/relay.ts\` with ${method.losses.map((loss) => loss.label).join(' or ')}. A key is lost when the detector has not
reported it ${method.lostAfterMs} ms after its tone began; _click → detected_ runs from typing the key (the
phone's \`sendDtmf\`, as the app's click handler calls \`insertDTMF\`) to the detector. The first key of a
burst is _isolated_, the others may queue behind earlier tones.

${table(
  [
    'path',
    'tone / gap',
    'typing',
    'RTP loss (dropped)',
    'lost keys',
    'click → detected',
    'isolated key',
    'queued keys',
  ],
  runs.map((run) => [
    run.path,
    setting(run.tone),
    run.speed,
    `${run.loss.label}; ${run.measuredLossPercent} % dropped`,
    `${run.lost} of ${run.keys}`,
    fmt(run.clickToDetectedMs),
    fmt(run.isolatedMs),
    fmt(run.queuedMs),
  ]),
)}

**Choice: ${setting(choice.chosen)}.** Over both paths, both speeds and both loss conditions,
${setting({ durationMs: 40, gapMs: 30 })} lost ${shares(short, choice.keys.short)} and ${setting({ durationMs: 70, gapMs: 50 })} ${shares(long, choice.keys.long)};
${decided} Under burst loss alone, ${setting({ durationMs: 40, gapMs: 30 })} lost ${lossy(40)} and ${setting({ durationMs: 70, gapMs: 50 })} ${lossy(70)}. ${applied}`;
}
