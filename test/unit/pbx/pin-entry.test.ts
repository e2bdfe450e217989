import { describe, expect, it } from 'vitest';
import { isLocked, lockAfterFailure, DEFAULT_LOCKOUT_RULES } from '../../../test/pbx/ivr/lockout';
import {
  DEFAULT_PIN_RULES,
  pinEntryTransition,
  type PinEntryAction,
  type PinEntryEvent,
  type PinEntryState,
} from '../../../test/pbx/ivr/pin-entry';

function run(events: PinEntryEvent[], rules = DEFAULT_PIN_RULES) {
  let state: PinEntryState = { phase: 'idle' };
  const actions: PinEntryAction[] = [];
  for (const event of [{ type: 'start' } as const, ...events]) {
    const next = pinEntryTransition(state, event, rules);
    state = next.state;
    actions.push(...next.actions);
  }
  return { state, actions };
}
const digits = (text: string): PinEntryEvent[] => [...text].map((digit) => ({ type: 'digit', digit }));
const verifies = (actions: PinEntryAction[]) =>
  actions
    .filter((action): action is Extract<PinEntryAction, { type: 'verify' }> => action.type === 'verify')
    .map((a) => a.code);

describe('PIN entry', () => {
  it('prompts, collects until # and verifies the code', () => {
    const { state, actions } = run(digits('1234#'));
    expect(actions[0]).toEqual({ type: 'play', prompt: 'enter-pin' });
    expect(actions).toContainEqual({ type: 'stop-prompt' });
    expect(verifies(actions)).toEqual(['1234']);
    expect(state).toEqual({ phase: 'verifying', attempts: 0 });
  });

  it('bridges after a correct code', () => {
    const { state, actions } = run([...digits('1234#'), { type: 'verified', ok: true }]);
    expect(state.phase).toBe('accepted');
    expect(actions.slice(-2)).toEqual([{ type: 'play', prompt: 'pin-accepted' }, { type: 'bridge' }]);
  });

  it('asks again after a wrong code and hangs up after the third', () => {
    const wrong = [...digits('9999#'), { type: 'verified', ok: false } as const];
    const afterOne = run(wrong);
    expect(afterOne.state).toEqual({ phase: 'prompting', attempts: 1 });
    expect(afterOne.actions).toContainEqual({ type: 'play', prompt: 'wrong-pin' });
    const afterThree = run([...wrong, ...wrong, ...wrong]);
    expect(afterThree.state).toEqual({ phase: 'failed', attempts: 3 });
    expect(afterThree.actions.slice(-2)).toEqual([
      { type: 'play', prompt: 'pin-failed-goodbye' },
      { type: 'hang-up', outcome: 'failed' },
    ]);
    expect(verifies(afterThree.actions)).toHaveLength(3);
  });

  it('ignores everything after the call failed', () => {
    const wrong = [...digits('1#'), { type: 'verified', ok: false } as const];
    const { state, actions } = run([...wrong, ...wrong, ...wrong, ...digits('1234#')]);
    expect(state.phase).toBe('failed');
    expect(verifies(actions)).toHaveLength(3);
  });

  it('counts silence at the prompt as a wrong attempt', () => {
    const { state, actions } = run([{ type: 'timeout' }]);
    expect(state).toEqual({ phase: 'prompting', attempts: 1 });
    expect(verifies(actions)).toEqual([]);
  });

  it('submits what was typed when the caller stops typing', () => {
    expect(verifies(run([...digits('4711'), { type: 'timeout' }]).actions)).toEqual(['4711']);
  });

  it('submits at the maximum length without waiting for #', () => {
    const rules = { ...DEFAULT_PIN_RULES, maxLength: 4 };
    const { state, actions } = run(digits('12345'), rules);
    expect(verifies(actions)).toEqual(['1234']);
    expect(state.phase).toBe('verifying');
  });

  it('ignores * and a # before any digit', () => {
    expect(verifies(run(digits('#*12*3#')).actions)).toEqual(['123']);
  });

  it('keeps the typed code out of every state', () => {
    const { state } = run(digits('8642#'));
    expect(JSON.stringify(state)).not.toContain('8642');
  });
});

describe('lockout across calls', () => {
  const rules = DEFAULT_LOCKOUT_RULES;
  it('locks after three failed calls within 15 minutes', () => {
    const now = 100 * 60_000;
    expect(lockAfterFailure([now - 10 * 60_000, now - 5 * 60_000], now, rules)).toBeNull();
    expect(lockAfterFailure([now - 10 * 60_000, now - 5 * 60_000, now], now, rules)).toBe(now + rules.lockMs);
    expect(lockAfterFailure([now - 16 * 60_000, now - 5 * 60_000, now], now, rules)).toBeNull();
  });

  it('is locked until the lock ends', () => {
    expect(isLocked(null, 5)).toBe(false);
    expect(isLocked(10, 5)).toBe(true);
    expect(isLocked(10, 10)).toBe(false);
  });
});
