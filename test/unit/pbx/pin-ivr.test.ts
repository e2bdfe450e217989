import { describe, expect, it, vi } from 'vitest';
import { PinIvr, type PinIvrCall } from '../../../test/pbx/calls/pin-ivr';
import { DEFAULT_PIN_RULES } from '../../../test/pbx/ivr/pin-entry';
import type { GateClosed, PinGatePort, PinSession, PinVerdict } from '../../../test/pbx/ivr/pin-gate-port';
import type { IvrSignal } from '../../../shared/ivr-signal/ivr-signal';

/** A PIN gate in memory: verdicts are resolved by the test, so a code can be "in flight". */
class FakeGate implements PinGatePort {
  readonly listeners = new Set<(extension: string, why: GateClosed) => void>();
  readonly pending: { code: string; resolve: (verdict: PinVerdict) => void }[] = [];
  readonly calls: string[] = [];

  open(extension: string, source: string, callId: string): PinSession {
    return {
      extension,
      source,
      callId,
      verify: (code) => {
        this.calls.push('verify');
        return new Promise((resolve) => this.pending.push({ code, resolve }));
      },
      recordTimeout: () => this.calls.push('timeout'),
      close: (pendingCode) => this.calls.push(pendingCode ? `close:${pendingCode}` : 'close'),
    };
  }

  onClosed(listener: (extension: string, why: GateClosed) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  decide(verdict: PinVerdict): string {
    const next = this.pending.shift();
    if (!next) throw new Error('no code in flight');
    next.resolve(verdict);
    return next.code;
  }
}

function setUp() {
  const gate = new FakeGate();
  const heard: string[] = [];
  const signals: IvrSignal[] = [];
  const call: PinIvrCall = {
    play: (prompt) => heard.push(prompt),
    stopPrompt: () => {},
    bridge: () => heard.push('bridge'),
    end: (prompt, why) => heard.push(`end:${prompt}:${why}`),
    signal: (signal) => signals.push(signal),
  };
  const ivr = new PinIvr(gate.open('204', '127.0.0.1', 'call-1'), gate, DEFAULT_PIN_RULES, call, () => {});
  ivr.start();
  return { gate, heard, ivr, signals };
}
const flush = () => new Promise((resolve) => setImmediate(resolve));
const type = (ivr: PinIvr, keys: string) => [...keys].forEach((key) => ivr.key(key));
const WRONG: PinVerdict = { kind: 'wrong', wrongCodesLeftBeforeLock: 5 };

describe('PIN IVR over the gate', () => {
  it('sends every submitted code to the gate and follows its verdict', async () => {
    const { gate, heard, ivr } = setUp();
    type(ivr, '1*A#');
    expect(gate.decide(WRONG)).toBe('1*A');
    await flush();
    expect(heard).toEqual(['enter-pin', 'wrong-pin']);
    type(ivr, '258025#');
    gate.decide({ kind: 'accepted' });
    await flush();
    expect(heard.at(-1)).toBe('bridge');
    expect(gate.calls.at(-1)).toBe('close');
    expect(ivr.pinOutcome).toBe('ok');
    expect(ivr.pinAttempts).toBe(2);
  });

  it('waits for the verdict of a code in flight when the caller hangs up, and counts it', async () => {
    const { gate, ivr } = setUp();
    type(ivr, '1111#');
    let left = false;
    const leaving = ivr.leave().then(() => (left = true));
    expect(gate.calls).toEqual(['verify', 'close']);
    await flush();
    expect(left).toBe(false);
    gate.decide(WRONG);
    await leaving;
    expect(ivr.pinOutcome).toBe('failed');
    expect(ivr.pinAttempts).toBe(1);
  });

  it('verifies keys typed without # when the caller hangs up', async () => {
    const { gate, ivr } = setUp();
    type(ivr, '42');
    const leaving = ivr.leave();
    expect(gate.decide(WRONG)).toBe('42');
    await leaving;
    expect(gate.calls).toEqual(['verify', 'close']);
    expect(ivr.pinOutcome).toBe('failed');
  });

  it('ends the call with the lock prompt when another call locks the extension, and stops listening', async () => {
    const { gate, heard, ivr } = setUp();
    expect(gate.listeners.size).toBe(1);
    for (const listener of gate.listeners) listener('299', { kind: 'locked', until: 1 });
    expect(heard).toEqual(['enter-pin']);
    for (const listener of gate.listeners) listener('204', { kind: 'locked', until: 1 });
    expect(heard).toEqual(['enter-pin', 'end:locked:locked']);
    expect(gate.listeners.size).toBe(0);
    await ivr.leave();
    expect(ivr.pinOutcome).toBe('locked');
  });

  it('ends the call with the lock prompt after the wrong code that used up the budget', async () => {
    const { gate, heard, ivr } = setUp();
    type(ivr, '1#');
    gate.decide({ kind: 'wrong', wrongCodesLeftBeforeLock: 0 });
    await flush();
    expect(heard).toEqual(['enter-pin', 'end:locked:locked']);
    expect(ivr.pinAttempts).toBe(1);
  });

  // Issue #10 leftover: the locking code used to come back as a closed verdict, so the call record
  // said `locked` with one attempt short. Breaks when pin-ivr.ts or pin-entry.ts drops the count of
  // a wrong verdict that `closes` the gate.
  it('counts the code that locked the extension: the only code of the call makes it failed, not locked', async () => {
    const { gate, heard, ivr, signals } = setUp();
    type(ivr, '1#');
    gate.decide({ kind: 'wrong', wrongCodesLeftBeforeLock: 0, closes: { kind: 'quarantined', since: 5 } });
    await flush();
    await ivr.leave();
    expect(heard).toEqual(['enter-pin', 'end:quarantined:quarantined']);
    expect(ivr.pinOutcome).toBe('failed');
    expect(ivr.pinAttempts).toBe(1);
    expect(signals.slice(-2)).toEqual([
      { phase: 'wrong-code', attempt: 1, attemptsLeft: 0, wrongCodesLeftBeforeLock: 0 },
      { phase: 'quarantined' },
    ]);
  });

  it('counts the locking code also when the gate tells the lock before the verdict', async () => {
    const { gate, heard, ivr, signals } = setUp();
    type(ivr, '1#');
    for (const listener of gate.listeners) listener('204', { kind: 'locked', until: Date.UTC(2026, 11, 2) });
    gate.decide({ kind: 'wrong', wrongCodesLeftBeforeLock: 0, closes: { kind: 'locked', until: 1 } });
    await ivr.leave();
    expect(heard).toEqual(['enter-pin', 'end:locked:locked']);
    expect(ivr.pinOutcome).toBe('failed');
    expect(ivr.pinAttempts).toBe(1);
    expect(signals.at(-1)).toEqual({
      phase: 'locked',
      until: '2026-12-02T00:00:00.000Z',
      scope: 'extension',
    });
  });

  // Issue #12: what the phone is told at each step. Breaks when pin-signals.ts maps a step wrongly
  // or pin-ivr.ts stops sending them.
  it('tells the phone each phase: prompt, checking, wrong code, prompt 2 of 3, checking, accepted', async () => {
    const { gate, ivr, signals } = setUp();
    type(ivr, '1111#');
    gate.decide({ kind: 'wrong', wrongCodesLeftBeforeLock: 3 });
    await flush();
    type(ivr, '258025#');
    gate.decide({ kind: 'accepted' });
    await flush();
    expect(signals).toEqual([
      { phase: 'prompt', attempt: 1, attempts: 3 },
      { phase: 'checking', attempt: 1 },
      { phase: 'wrong-code', attempt: 1, attemptsLeft: 2, wrongCodesLeftBeforeLock: 3 },
      { phase: 'prompt', attempt: 2, attempts: 3, after: 'wrong-code' },
      { phase: 'checking', attempt: 2 },
      { phase: 'accepted' },
    ]);
    expect(JSON.stringify(signals)).not.toMatch(/1111|258025/);
  });

  it('tells the phone the third wrong code and that the call failed', async () => {
    const { gate, heard, ivr, signals } = setUp();
    for (const code of ['1#', '2#', '3#']) {
      type(ivr, code);
      gate.decide(WRONG);
      await flush();
    }
    expect(heard.at(-1)).toBe('end:pin-failed-goodbye:failed');
    expect(signals.slice(-3)).toEqual([
      { phase: 'checking', attempt: 3 },
      { phase: 'wrong-code', attempt: 3, attemptsLeft: 0, wrongCodesLeftBeforeLock: 5 },
      { phase: 'failed', wrongCodes: 3, timeouts: 0 },
    ]);
  });

  it('never bridges when the gate fails', async () => {
    const gate = new FakeGate();
    const heard: string[] = [];
    const session = gate.open('204', '127.0.0.1', 'call-2');
    const failing: PinSession = { ...session, verify: () => Promise.reject(new Error('disk full')) };
    const ivr = new PinIvr(
      failing,
      gate,
      DEFAULT_PIN_RULES,
      {
        play: (prompt) => heard.push(prompt),
        stopPrompt: () => {},
        bridge: () => heard.push('bridge'),
        end: (prompt) => heard.push(`end:${prompt}`),
        signal: () => {},
      },
      () => {},
    );
    ivr.start();
    type(ivr, '258025#');
    await flush();
    expect(heard).toEqual(['enter-pin', 'end:locked']);
  });

  it('records a silent prompt as a timeout with the gate, never as a code', () => {
    vi.useFakeTimers();
    try {
      const gate = new FakeGate();
      const heard: string[] = [];
      const rules = { ...DEFAULT_PIN_RULES, firstDigitTimeoutMs: 1_000 };
      const ivr = new PinIvr(
        gate.open('204', '127.0.0.1', 'call-3'),
        gate,
        rules,
        {
          play: (prompt) => heard.push(prompt),
          stopPrompt: () => {},
          bridge: () => heard.push('bridge'),
          end: (prompt) => heard.push(`end:${prompt}`),
          signal: () => {},
        },
        () => {},
      );
      ivr.start();
      vi.advanceTimersByTime(999);
      expect(gate.calls).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(gate.calls).toEqual(['timeout']);
      vi.advanceTimersByTime(2_000);
      expect(gate.calls).toEqual(['timeout', 'timeout', 'timeout', 'close']);
      expect(heard).toEqual(['enter-pin', 'enter-pin', 'enter-pin', 'end:pin-failed-goodbye']);
      expect(ivr.timeouts).toBe(3);
      expect(ivr.pinAttempts).toBe(0);
      expect(ivr.pinOutcome).toBe('abandoned');
      vi.advanceTimersByTime(60_000);
      expect(gate.calls).toHaveLength(4);
    } finally {
      vi.useRealTimers();
    }
  });
});
