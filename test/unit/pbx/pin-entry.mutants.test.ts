import { describe, expect, it } from 'vitest';
import {
  awaitingVerdict,
  pinAttemptsOf,
  pinEntryTransition,
  pinOutcomeOf,
  type PinEntryEvent,
  type PinEntryRules,
  type PinEntryState,
} from '../../pbx/ivr/pin-entry';

/**
 * Exact transitions of the PIN state machine, written to kill the mutants Stryker found surviving
 * (`npm run test:mutation`): the timers and their lengths, which actions a hang-up or a closing gate
 * produces, the counts after a late verdict, and the helpers that feed call records.
 */
const rules: PinEntryRules = {
  maxAttempts: 3,
  maxLength: 8,
  firstDigitTimeoutMs: 7_000,
  interDigitTimeoutMs: 3_000,
};

function run(events: PinEntryEvent[], from: PinEntryState = { phase: 'idle' }) {
  let state = from;
  let last = { state, actions: [] as unknown[] };
  for (const event of events) {
    last = pinEntryTransition(state, event, rules);
    state = last.state;
  }
  return last;
}

const start: PinEntryEvent = { type: 'start' };
const key = (digit: string): PinEntryEvent => ({ type: 'digit', digit });
const counts = { wrongCodes: 0, timeouts: 0, accepted: 0 };

describe('PIN entry: exact actions', () => {
  it('prompts with the first-digit timer of the rules', () => {
    expect(run([start])).toEqual({
      state: { phase: 'prompting', ...counts },
      actions: [
        { type: 'play', prompt: 'enter-pin' },
        { type: 'start-timer', kind: 'first-digit', ms: 7_000 },
      ],
    });
  });

  it('stops the prompt on the first key only, and runs the inter-digit timer of the rules', () => {
    expect(run([start, key('4')])).toEqual({
      state: { phase: 'collecting', digits: '4', ...counts },
      actions: [{ type: 'stop-prompt' }, { type: 'start-timer', kind: 'inter-digit', ms: 3_000 }],
    });
    expect(run([start, key('4'), key('7')]).actions).toEqual([
      { type: 'start-timer', kind: 'inter-digit', ms: 3_000 },
    ]);
  });

  it('submits with the timer cancelled', () => {
    expect(run([start, key('4'), key('#')])).toEqual({
      state: { phase: 'verifying', ...counts },
      actions: [{ type: 'cancel-timer' }, { type: 'verify', code: '4' }],
    });
  });

  it('takes only single keypad keys as part of a code', () => {
    expect(run([start, key('X1')]).state).toEqual({ phase: 'prompting', ...counts });
    expect(run([start, key('1X')]).state).toEqual({ phase: 'prompting', ...counts });
    expect(run([start, key('*')]).state).toEqual({ phase: 'collecting', digits: '*', ...counts });
  });

  it('a caller who leaves before the prompt closes the session and nothing else', () => {
    expect(run([{ type: 'left' }])).toEqual({
      state: { phase: 'done', end: 'left', checking: false, ...counts },
      actions: [{ type: 'close-session' }],
    });
    expect(run([{ type: 'timeout' }])).toEqual({ state: { phase: 'idle' }, actions: [] });
  });

  it('a caller who leaves with digits typed has them verified before the session closes', () => {
    expect(run([start, key('1'), key('2'), { type: 'left' }])).toEqual({
      state: { phase: 'done', end: 'left', checking: true, ...counts },
      actions: [{ type: 'cancel-timer' }, { type: 'verify', code: '12' }, { type: 'close-session' }],
    });
    expect(run([start, { type: 'left' }])).toEqual({
      state: { phase: 'done', end: 'left', checking: false, ...counts },
      actions: [{ type: 'cancel-timer' }, { type: 'close-session' }],
    });
  });

  it('a gate closing while digits are typed verifies them and ends with the lock prompt', () => {
    expect(run([start, key('9'), { type: 'gate-closed', why: 'locked' }])).toEqual({
      state: { phase: 'done', end: 'locked', checking: true, ...counts },
      actions: [
        { type: 'stop-prompt' },
        { type: 'cancel-timer' },
        { type: 'verify', code: '9' },
        { type: 'close-session' },
        { type: 'end', prompt: 'locked', why: 'locked' },
      ],
    });
    expect(run([start, { type: 'gate-closed', why: 'quarantined' }]).state).toEqual({
      phase: 'done',
      end: 'quarantined',
      checking: false,
      ...counts,
    });
  });

  it('a gate closing while a code is checked keeps waiting for that verdict', () => {
    expect(run([start, key('1'), key('#'), { type: 'gate-closed', why: 'locked' }]).state).toEqual({
      phase: 'done',
      end: 'locked',
      checking: true,
      ...counts,
    });
  });

  it('a caller who leaves during the check closes the session and still awaits the verdict', () => {
    const left = run([start, key('1'), key('#'), { type: 'left' }]);
    expect(left).toEqual({
      state: { phase: 'done', end: 'left', checking: true, ...counts },
      actions: [{ type: 'close-session' }],
    });
    expect(awaitingVerdict(left.state)).toBe(true);
    const wrong = pinEntryTransition(left.state, { type: 'verdict', verdict: 'wrong' }, rules);
    expect(wrong).toEqual({
      state: { phase: 'done', end: 'left', checking: false, wrongCodes: 1, timeouts: 0, accepted: 0 },
      actions: [],
    });
    expect(awaitingVerdict(wrong.state)).toBe(false);
    const right = pinEntryTransition(left.state, { type: 'verdict', verdict: 'accepted' }, rules);
    expect(right.state).toEqual({
      phase: 'done',
      end: 'left',
      checking: false,
      wrongCodes: 0,
      timeouts: 0,
      accepted: 1,
    });
    // A second verdict, or one nobody waits for, changes nothing.
    expect(pinEntryTransition(wrong.state, { type: 'verdict', verdict: 'wrong' }, rules).state).toBe(
      wrong.state,
    );
    expect(pinEntryTransition(left.state, { type: 'timeout' }, rules).state).toBe(left.state);
  });

  it('the last wrong code ends the call with the timer cancelled and nothing pending', () => {
    const events: PinEntryEvent[] = [start];
    for (const code of ['1', '2', '3'])
      events.push(key(code), key('#'), { type: 'verdict', verdict: 'wrong' });
    expect(run(events)).toEqual({
      state: { phase: 'done', end: 'failed', checking: false, wrongCodes: 3, timeouts: 0, accepted: 0 },
      actions: [
        { type: 'cancel-timer' },
        { type: 'close-session' },
        { type: 'end', prompt: 'pin-failed-goodbye', why: 'failed' },
      ],
    });
  });

  it('a timeout re-prompts with enter-pin and records the timeout first', () => {
    expect(run([start, { type: 'timeout' }])).toEqual({
      state: { phase: 'prompting', wrongCodes: 0, timeouts: 1, accepted: 0 },
      actions: [
        { type: 'record-timeout' },
        { type: 'play', prompt: 'enter-pin' },
        { type: 'start-timer', kind: 'first-digit', ms: 7_000 },
      ],
    });
  });
});

describe('PIN entry: the code that closes the gate', () => {
  it('is counted as wrong and ends the IVR with the prompt of how the gate closed', () => {
    expect(
      run([start, key('1'), key('#'), { type: 'verdict', verdict: 'wrong', closes: 'quarantined' }]),
    ).toEqual({
      state: { phase: 'done', end: 'quarantined', checking: false, wrongCodes: 1, timeouts: 0, accepted: 0 },
      actions: [
        { type: 'stop-prompt' },
        { type: 'cancel-timer' },
        { type: 'close-session' },
        { type: 'end', prompt: 'quarantined', why: 'quarantined' },
      ],
    });
  });
});

describe('PIN entry: what call records get', () => {
  it('counts wrong and accepted codes as attempts, not timeouts', () => {
    expect(pinAttemptsOf({ phase: 'idle' })).toBe(0);
    expect(pinAttemptsOf({ phase: 'accepted', wrongCodes: 2, timeouts: 5, accepted: 1 })).toBe(3);
  });

  it('names the outcome', () => {
    expect(pinOutcomeOf({ phase: 'idle' })).toBe('abandoned');
    expect(pinOutcomeOf({ phase: 'accepted', ...counts, accepted: 1 })).toBe('ok');
    expect(pinOutcomeOf({ phase: 'done', end: 'left', checking: false, ...counts, wrongCodes: 1 })).toBe(
      'failed',
    );
    expect(pinOutcomeOf({ phase: 'done', end: 'locked', checking: false, ...counts })).toBe('locked');
    expect(pinOutcomeOf({ phase: 'done', end: 'left', checking: false, ...counts })).toBe('abandoned');
    expect(pinOutcomeOf({ phase: 'done', end: 'failed', checking: false, ...counts, timeouts: 3 })).toBe(
      'abandoned',
    );
    expect(pinOutcomeOf({ phase: 'prompting', ...counts })).toBe('abandoned');
  });

  it('awaits a verdict only while verifying or when a checked code is still out', () => {
    expect(awaitingVerdict({ phase: 'verifying', ...counts })).toBe(true);
    expect(awaitingVerdict({ phase: 'prompting', ...counts })).toBe(false);
    expect(awaitingVerdict({ phase: 'done', end: 'left', checking: false, ...counts })).toBe(false);
    expect(awaitingVerdict({ phase: 'idle' })).toBe(false);
  });
});
