import { parentPort, workerData } from 'node:worker_threads';
import { TestPhone, typeKeys, type TestCall } from '../../test/support/test-phone';

/**
 * The phones of the IVR capacity benchmark, on their own thread (and so on the second core), so
 * that the PBX's thread carries only the PBX. Each phone calls a paid number from its own
 * PIN-protected extension (the PBX allows one PIN session per extension at a time), hears the PIN prompt and types its PIN and `#` on the keypad (RFC 4733 over
 * DTLS-SRTP). Times are absolute (`performance.timeOrigin + now()`), comparable across threads.
 */
export interface PhoneWorkerSetup {
  sipWebSocketUrl: string;
  realm: string;
  calls: number;
  /** Extension, password and PIN, one per call. */
  accounts: { extension: string; password: string; pin: string }[];
  destination: string;
}
export type PhoneWorkerCommand = { type: 'type-pins' } | { type: 'stop' };
export type PhoneWorkerReport =
  | { type: 'established'; established: number; failed: number }
  | {
      type: 'typed';
      sent: [rtpTimestamp: number, at: number][];
      /** Per call: its Call-ID and when the first packet of its `#` went out. */
      hashSent: [callId: string, at: number][];
    }
  | { type: 'stopped' };

const setup = workerData as PhoneWorkerSetup;
const port = parentPort;
if (!port) throw new Error('phone-worker runs as a worker thread');
const post = (report: PhoneWorkerReport) => port.postMessage(report);
const absolute = (at: number) => performance.timeOrigin + at;

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
post({ type: 'established', established: calls.length, failed: setup.calls - calls.length });

port.on('message', (command: PhoneWorkerCommand) => {
  void (async () => {
    if (command.type === 'type-pins') {
      await Promise.all(calls.map(({ call, pin }) => typeKeys(call, `${pin}#`).catch(() => {})));
      post({
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
