import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PIN_RULES,
  pinEntryTransition,
  type PinEntryEvent,
  type PinEntryState,
} from '../../../test/pbx/ivr/pin-entry';
import { closedSignal, pinSignals, type SignalFacts } from '../../../test/pbx/ivr/pin-signals';
import type { IvrSignal } from '../../../shared/ivr-signal/ivr-signal';

const NO_FACTS: SignalFacts = { closed: null, wrongCodesLeftBeforeLock: null };

/** Runs the PIN-entry machine over `events`, collecting what the phone is told at each step. */
function told(events: PinEntryEvent[], facts: SignalFacts = NO_FACTS): IvrSignal[] {
  let state: PinEntryState = { phase: 'idle' };
  const signals: IvrSignal[] = [];
  for (const event of events) {
    const next = pinEntryTransition(state, event, DEFAULT_PIN_RULES);
    signals.push(...pinSignals(state, next.state, next.actions, DEFAULT_PIN_RULES, facts));
    state = next.state;
  }
  return signals;
}
const keys = (text: string): PinEntryEvent[] => [...text].map((digit) => ({ type: 'digit', digit }));
const max = DEFAULT_PIN_RULES.maxAttempts;

// Breaks when pin-signals.ts numbers attempts without the timeouts, tells a code checked after the
// caller left, or says "wrong code" for a call that only timed out.
describe('PIN signals: what the phone is told for each step', () => {
  it('numbers attempts across timeouts and wrong codes alike', () => {
    expect(
      told([{ type: 'start' }, { type: 'timeout' }, ...keys('1#'), { type: 'verdict', verdict: 'wrong' }]),
    ).toEqual([
      { phase: 'prompt', attempt: 1, attempts: max },
      { phase: 'prompt', attempt: 2, attempts: max, after: 'timeout' },
      { phase: 'checking', attempt: 2 },
      { phase: 'wrong-code', attempt: 2, attemptsLeft: max - 2 },
      { phase: 'prompt', attempt: 3, attempts: max, after: 'wrong-code' },
    ]);
  });

  it('says failed without a wrong code when every prompt timed out', () => {
    const signals = told([{ type: 'start' }, ...Array<PinEntryEvent>(max).fill({ type: 'timeout' })]);
    expect(signals.at(-1)).toEqual({ phase: 'failed', wrongCodes: 0, timeouts: max });
    expect(signals.some((signal) => signal.phase === 'wrong-code')).toBe(false);
  });

  it('tells nobody about keys verified after the caller left', () => {
    expect(told([{ type: 'start' }, ...keys('12'), { type: 'left' }])).toEqual([
      { phase: 'prompt', attempt: 1, attempts: max },
    ]);
  });

  it('says locked with its end and scope, and nothing when the end is not known', () => {
    const until = Date.UTC(2026, 11, 2, 1);
    const facts: SignalFacts = { closed: { kind: 'source-blocked', until }, wrongCodesLeftBeforeLock: null };
    expect(told([{ type: 'start' }, { type: 'gate-closed', why: 'source-blocked' }], facts).at(-1)).toEqual({
      phase: 'locked',
      until: '2026-12-02T01:00:00.000Z',
      scope: 'source',
    });
    expect(told([{ type: 'start' }, { type: 'gate-closed', why: 'locked' }])).toEqual([
      { phase: 'prompt', attempt: 1, attempts: max },
    ]);
    expect(told([{ type: 'start' }, ...keys('1#'), { type: 'verdict', verdict: 'busy' }]).at(-1)).toEqual({
      phase: 'busy',
    });
  });

  it('maps every closed gate to its signal', () => {
    expect(closedSignal({ kind: 'locked', until: 0 })).toEqual({
      phase: 'locked',
      until: '1970-01-01T00:00:00.000Z',
      scope: 'extension',
    });
    expect(closedSignal({ kind: 'quarantined', since: 0 })).toEqual({ phase: 'quarantined' });
    expect(closedSignal({ kind: 'busy' })).toEqual({ phase: 'busy' });
  });
});
