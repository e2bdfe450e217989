import { describe, expect, it, vi } from 'vitest';
import { PinIvr, type PinIvrCall } from '../../../test/pbx/calls/pin-ivr';
import { DEFAULT_PIN_RULES } from '../../../test/pbx/ivr/pin-entry';
import type { GateClosed, PinGatePort, PinSession, PinVerdict } from '../../../test/pbx/ivr/pin-gate-port';

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
  const call: PinIvrCall = {
    play: (prompt) => heard.push(prompt),
    stopPrompt: () => {},
    bridge: () => heard.push('bridge'),
    end: (prompt, why) => heard.push(`end:${prompt}:${why}`),
  };
  const ivr = new PinIvr(gate.open('204', '127.0.0.1', 'call-1'), gate, DEFAULT_PIN_RULES, call, () => {});
  ivr.start();
  return { gate, heard, ivr };
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
    expect(heard.at(-1)).toBe('end:locked:locked');
    expect(ivr.pinAttempts).toBe(1);
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
