import { parentPort, workerData } from 'node:worker_threads';
import { TestPhone, typeKeys, type TestCall } from '../../test/support/test-phone';

/**
 * The phones of the IVR capacity benchmark, on their own thread (and so on the second core), so
 * that the PBX's thread carries only the PBX. Each phone calls a paid number from its own
 * PIN-protected extension (the PBX allows one PIN session per extension at a time), hears the PIN
 * prompt and types its PIN and `#` on the keypad (RFC 4733 over DTLS-SRTP). Times are absolute
 * (`performance.timeOrigin + now()`), comparable across threads.
 *
 * All calls are set up at once; `established` is reported when every caller has heard the prompt.
 * When callers type (`type-pins`): each waits until it hears the prompt (its first audio packet),
 * as a person does, then starts at its own moment: call i of n at i/n × `spreadMs` after the
 * command, in a shuffled order — starts evenly spread over the window. `spreadMs` 0 is the worst
 * case: everyone types at once and presses `#` within a few milliseconds.
 */
export interface PhoneWorkerSetup {
  sipWebSocketUrl: string;
  realm: string;
  calls: number;
  /** Extension, password and PIN, one per call. */
  accounts: { extension: string; password: string; pin: string }[];
  destination: string;
}
export type PhoneWorkerCommand = { type: 'type-pins'; spreadMs: number } | { type: 'stop' };
export type PhoneWorkerReport =
  | {
      type: 'established';
      established: number;
      failed: number;
      /** Established calls whose caller heard the PIN prompt before the report. */
      heardPrompt: number;
    }
  | {
      type: 'typed';
      sent: [rtpTimestamp: number, at: number][];
      /** Per call: its Call-ID and when the first packet of its `#` went out. */
      hashSent: [callId: string, at: number][];
      /** Calls that never heard the prompt (typed anyway after PROMPT_WAIT_MS). */
      noPrompt: number;
    }
  | { type: 'stopped' };

const setup = workerData as PhoneWorkerSetup;
const port = parentPort;
if (!port) throw new Error('phone-worker runs as a worker thread');
const post = (report: PhoneWorkerReport) => port.postMessage(report);
const absolute = (at: number) => performance.timeOrigin + at;

/** How long a caller waits to hear the prompt before typing anyway. */
const PROMPT_WAIT_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const sent: [number, number][] = [];
const phones: TestPhone[] = [];
const calls: { call: TestCall; pin: string; keys: number[] }[] = [];

await Promise.all(
  Array.from({ length: setup.calls }, async (_, index) => {
    const account = setup.accounts[index % setup.accounts.length];
    if (!account) return;
    const keys: number[] = [];
    try {
      const phone = await TestPhone.register(
        setup.sipWebSocketUrl,
        setup.realm,
        account.extension,
        account.password,
        undefined,
        {
          onKeySent: (timestamp, at) => {
            sent.push([timestamp, absolute(at)]);
            keys.push(absolute(at));
          },
        },
      );
      phones.push(phone);
      const call = phone.call(setup.destination);
      await call.established;
      calls.push({ call, pin: account.pin, keys });
    } catch {
      // counted below as a call that failed to set up
    }
  }),
);
// Every call set up (all at once): the benchmark goes on when each caller hears the PIN prompt
// (its first audio packet) or has waited PROMPT_WAIT_MS for it.
const prompted = await Promise.all(calls.map(({ call }) => heardPrompt(call)));
post({
  type: 'established',
  established: calls.length,
  failed: setup.calls - calls.length,
  heardPrompt: prompted.filter(Boolean).length,
});

port.on('message', (command: PhoneWorkerCommand) => {
  void (async () => {
    if (command.type === 'type-pins') {
      const startedAt = performance.now();
      let noPrompt = 0;
      const order = shuffled(calls.map((_, index) => index));
      await Promise.all(
        calls.map(async ({ call, pin }, index) => {
          const slot = order[index] ?? index;
          await sleep(startedAt + (slot / Math.max(calls.length, 1)) * command.spreadMs - performance.now());
          if (!(await heardPrompt(call))) noPrompt++;
          await typeKeys(call, `${pin}#`).catch(() => {});
        }),
      );
      post({
        noPrompt,
        type: 'typed',
        sent: [...sent],
        hashSent: calls.flatMap(({ call, keys }) => {
          const at = keys.at(-1);
          return at === undefined ? [] : [[call.session.request.callId, at] as [string, number]];
        }),
      });
    } else {
      await Promise.all(calls.map(({ call }) => call.hangUp().catch(() => {})));
      await Promise.all(phones.map((phone) => phone.stop().catch(() => {})));
      post({ type: 'stopped' });
    }
  })();
});

/** Whether the call's first prompt packet arrived (waits up to PROMPT_WAIT_MS). */
async function heardPrompt(call: TestCall): Promise<boolean> {
  const until = performance.now() + PROMPT_WAIT_MS;
  while (call.media().receivedAudioPackets === 0) {
    if (performance.now() > until) return false;
    await sleep(20);
  }
  return true;
}

/** Fisher–Yates with a fixed seed: the same order every run, no pattern between extension and slot. */
function shuffled<T>(items: T[]): T[] {
  let seed = 0x2545f491;
  const random = () => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed / 2 ** 32;
  };
  const result = [...items];
  for (let index = result.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}
