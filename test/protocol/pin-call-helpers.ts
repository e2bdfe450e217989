import type { EventEmitter } from 'node:events';
import type { LogFields } from '../pbx/log';
import { type TestCall, typeKeys } from '../support/test-phone';

/** The PBX's own events the PIN tests wait for (issue #10); fields never carry a code or digit. */
const WATCHED = [
  'pin-session-opened',
  'pin-wrong-code',
  'pin-timeout',
  'pin-accepted',
  'pin-refused',
  'extension-locked',
  'extension-quarantined',
  'extension-unlocked',
  'call-ended',
  'media-timeout',
  // IVR signals to the phone (issue #12): phase and seq only.
  'ivr-signal',
  'ivr-signal-refused',
  'connected-identity-refused',
] as const;
export type WatchedEvent = (typeof WATCHED)[number];

/**
 * Records the PBX's log events from the moment it is made, so a test can wait for one that may
 * already have happened (no race between an action and subscribing) — never for a fixed time.
 */
export class PbxEventLog {
  readonly seen: { name: WatchedEvent; fields: LogFields }[] = [];
  private readonly detach: (() => void)[] = [];
  private wake: (() => void)[] = [];

  constructor(events: EventEmitter) {
    for (const name of WATCHED) {
      const listener = (fields: LogFields) => {
        this.seen.push({ name, fields });
        const waiting = this.wake;
        this.wake = [];
        waiting.forEach((resolve) => resolve());
      };
      events.on(name, listener);
      this.detach.push(() => events.off(name, listener));
    }
  }

  count(name: WatchedEvent, match: Partial<LogFields> = {}): number {
    return this.matching(name, match).length;
  }

  matching(name: WatchedEvent, match: Partial<LogFields> = {}): LogFields[] {
    return this.seen
      .filter((event) => event.name === name)
      .map((event) => event.fields)
      .filter((fields) => Object.entries(match).every(([key, value]) => fields[key] === value));
  }

  /** Resolves once `count` events like this have been seen; generous bound for loaded CI machines. */
  async waitFor(
    name: WatchedEvent,
    match: Partial<LogFields> = {},
    count = 1,
    timeoutMs = 30_000,
  ): Promise<LogFields> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.matching(name, match);
      if (found.length >= count) return found[count - 1] as LogFields;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `Timed out waiting for ${count} × ${name} ${JSON.stringify(match)} (saw ${found.length})`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  stop(): void {
    this.detach.forEach((off) => off());
  }
}

export async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const callIdOf = (call: TestCall) => call.session.request.callId;

/** Waits until the PBX's prompt audio reaches the phone. */
export const promptStarted = (call: TestCall) =>
  until(() => call.media().receivedAudioPackets > 5, 'prompt audio');

/**
 * Types one code and waits for the PBX's verdict on it (the gate logs one event per decided code),
 * so the next code is typed at the prompt, not while this one is still being checked.
 */
export async function typeCode(log: PbxEventLog, call: TestCall, keys: string): Promise<void> {
  const callId = callIdOf(call);
  const decided = () =>
    log.count('pin-wrong-code', { callId }) +
    log.count('pin-accepted', { callId }) +
    log.count('pin-refused', { callId });
  const before = decided();
  await typeKeys(call, keys);
  await until(() => decided() > before, 'the verdict on the code');
}
