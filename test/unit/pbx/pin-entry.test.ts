import { describe, expect, it } from 'vitest';
import {
  awaitingVerdict,
  closedPrompt,
  DEFAULT_PIN_RULES,
  pinAttemptsOf,
  pinEntryTransition,
  pinOutcomeOf,
  type PinEntryAction,
  type PinEntryEvent,
  type PinEntryState,
} from '../../../test/pbx/ivr/pin-entry';

function run(events: PinEntryEvent[], rules = DEFAULT_PIN_RULES, from: PinEntryState = { phase: 'idle' }) {
  let state = from;
  const actions: PinEntryAction[] = [];
  for (const event of from.phase === 'idle' ? [{ type: 'start' } as const, ...events] : events) {
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
const types = (actions: PinEntryAction[]) => actions.map((action) => action.type);
const wrong: PinEntryEvent = { type: 'verdict', verdict: 'wrong' };
const accepted: PinEntryEvent = { type: 'verdict', verdict: 'accepted' };
const NONE = { wrongCodes: 0, timeouts: 0, accepted: 0 };

describe('PIN entry', () => {
  it('prompts, collects until # and asks the gate about the code', () => {
    const { state, actions } = run(digits('1234#'));
    expect(actions[0]).toEqual({ type: 'play', prompt: 'enter-pin' });
    expect(actions).toContainEqual({ type: 'stop-prompt' });
    expect(verifies(actions)).toEqual(['1234']);
    expect(state).toEqual({ phase: 'verifying', ...NONE });
  });

  it('leaves the IVR and bridges after the gate accepts the code', () => {
    const { state, actions } = run([...digits('1234#'), accepted]);
    expect(state).toEqual({ phase: 'accepted', ...NONE, accepted: 1 });
    expect(actions.slice(-2)).toEqual([{ type: 'close-session' }, { type: 'bridge' }]);
    expect(pinOutcomeOf(state)).toBe('ok');
    expect(pinAttemptsOf(state)).toBe(1);
  });

  it('asks again after a wrong code and ends the call after the third', () => {
    const one = [...digits('9999#'), wrong];
    const afterOne = run(one);
    expect(afterOne.state).toEqual({ phase: 'prompting', ...NONE, wrongCodes: 1 });
    expect(afterOne.actions).toContainEqual({ type: 'play', prompt: 'wrong-pin' });
    const afterThree = run([...one, ...one, ...one]);
    expect(afterThree.state).toMatchObject({ phase: 'done', end: 'failed', wrongCodes: 3 });
    expect(afterThree.actions.slice(-2)).toEqual([
      { type: 'close-session' },
      { type: 'end', prompt: 'pin-failed-goodbye', why: 'failed' },
    ]);
    expect(verifies(afterThree.actions)).toHaveLength(3);
    expect(pinOutcomeOf(afterThree.state)).toBe('failed');
    expect(pinAttemptsOf(afterThree.state)).toBe(3);
  });

  it('ignores every key after the call failed', () => {
    const one = [...digits('1#'), wrong];
    const { state, actions } = run([...one, ...one, ...one, ...digits('1234#')]);
    expect(state.phase).toBe('done');
    expect(verifies(actions)).toHaveLength(3);
  });

  it('records silence at the prompt as a timeout, never as a wrong code', () => {
    const { state, actions } = run([{ type: 'timeout' }]);
    expect(state).toEqual({ phase: 'prompting', ...NONE, timeouts: 1 });
    expect(types(actions)).toContain('record-timeout');
    expect(actions).toContainEqual({ type: 'play', prompt: 'enter-pin' });
    expect(verifies(actions)).toEqual([]);
    expect(pinAttemptsOf(state)).toBe(0);
  });

  it('ends a silent call after its attempts, as abandoned, with no wrong code', () => {
    const { state, actions } = run([{ type: 'timeout' }, { type: 'timeout' }, { type: 'timeout' }]);
    expect(state).toMatchObject({ phase: 'done', end: 'failed', wrongCodes: 0, timeouts: 3 });
    expect(types(actions).filter((type) => type === 'record-timeout')).toHaveLength(3);
    expect(pinOutcomeOf(state)).toBe('abandoned');
  });

  it('lets timeouts and wrong codes share the per-call attempts', () => {
    const { state } = run([{ type: 'timeout' }, ...digits('1#'), wrong, { type: 'timeout' }]);
    expect(state).toMatchObject({ phase: 'done', end: 'failed', wrongCodes: 1, timeouts: 2 });
  });

  it('submits what was typed when the caller stops typing', () => {
    const { actions } = run([...digits('4711'), { type: 'timeout' }]);
    expect(verifies(actions)).toEqual(['4711']);
    expect(types(actions)).not.toContain('record-timeout');
  });

  it('submits at the maximum length without waiting for #', () => {
    const rules = { ...DEFAULT_PIN_RULES, maxLength: 4 };
    const { state, actions } = run(digits('12345'), rules);
    expect(verifies(actions)).toEqual(['1234']);
    expect(state.phase).toBe('verifying');
  });

  it('keeps * and A–D as part of the code and ignores a # before any key', () => {
    expect(verifies(run(digits('#*12*3#')).actions)).toEqual(['*12*3']);
    expect(verifies(run(digits('1A2B3C4D#')).actions)).toEqual(['1A2B3C4D']);
    expect(verifies(run(digits('12x3#')).actions)).toEqual(['123']);
  });

  it('keeps the typed code out of every state', () => {
    for (const events of [
      digits('8642#'),
      [...digits('8642#'), wrong],
      [...digits('8642'), { type: 'left' } as const],
    ]) {
      expect(JSON.stringify(run(events).state)).not.toContain('8642');
    }
  });
});

describe('PIN entry and the gate', () => {
  it('ends the call with the lock prompt when the gate refuses a code', () => {
    const { state, actions } = run([...digits('1234#'), { type: 'verdict', verdict: 'locked' }]);
    expect(state).toMatchObject({ phase: 'done', end: 'locked', checking: false });
    expect(actions.slice(-2)).toEqual([
      { type: 'close-session' },
      { type: 'end', prompt: 'locked', why: 'locked' },
    ]);
    expect(pinOutcomeOf(state)).toBe('locked');
  });

  it.each([
    ['locked', 'locked'],
    ['source-blocked', 'locked'],
    ['quarantined', 'quarantined'],
    ['busy', 'pin-busy'],
  ] as const)('a gate closed as %s plays %s', (why, prompt) => {
    expect(closedPrompt(why)).toBe(prompt);
  });

  it('ends the call at the prompt when the gate closes elsewhere', () => {
    const { state, actions } = run([{ type: 'gate-closed', why: 'quarantined' }]);
    expect(state).toMatchObject({ phase: 'done', end: 'quarantined' });
    expect(types(actions).slice(-4)).toEqual(['stop-prompt', 'cancel-timer', 'close-session', 'end']);
  });

  it('counts the verdict of a code in flight when the gate closes meanwhile', () => {
    const closing = run([...digits('1#'), { type: 'gate-closed', why: 'locked' }]);
    expect(closing.state).toMatchObject({ phase: 'done', end: 'locked', checking: true });
    expect(awaitingVerdict(closing.state)).toBe(true);
    const { state, actions } = run([wrong], DEFAULT_PIN_RULES, closing.state);
    expect(state).toMatchObject({ wrongCodes: 1, checking: false });
    expect(actions).toEqual([]);
    expect(pinOutcomeOf(state)).toBe('failed');
  });

  it('passes keys typed before the gate closed on to the gate, before closing the session', () => {
    const { actions } = run([...digits('55'), { type: 'gate-closed', why: 'locked' }]);
    expect(verifies(actions)).toEqual(['55']);
    expect(types(actions).indexOf('verify')).toBeLessThan(types(actions).indexOf('close-session'));
  });
});

describe('PIN entry when the caller leaves', () => {
  it('closes the session when the caller leaves at the prompt, abandoned', () => {
    const { state, actions } = run([{ type: 'left' }]);
    expect(types(actions)).toEqual(expect.arrayContaining(['close-session']));
    expect(verifies(actions)).toEqual([]);
    expect(pinOutcomeOf(state)).toBe('abandoned');
    expect(awaitingVerdict(state)).toBe(false);
  });

  it('closes the session when the call ends before the prompt', () => {
    const left = pinEntryTransition({ phase: 'idle' }, { type: 'left' });
    expect(left.actions).toEqual([{ type: 'close-session' }]);
  });

  it('sends keys typed without # to the gate, then closes the session, and counts the verdict', () => {
    const leaving = run([...digits('1234'), { type: 'left' }]);
    expect(verifies(leaving.actions)).toEqual(['1234']);
    expect(types(leaving.actions).slice(-2)).toEqual(['verify', 'close-session']);
    expect(awaitingVerdict(leaving.state)).toBe(true);
    const { state } = run([wrong], DEFAULT_PIN_RULES, leaving.state);
    expect(state).toMatchObject({ phase: 'done', end: 'left', wrongCodes: 1, checking: false });
    expect(pinOutcomeOf(state)).toBe('failed');
  });

  it('counts a code still being checked when the caller hangs up, and plays nothing after', () => {
    const leaving = run([...digits('1#'), wrong, ...digits('2#'), { type: 'left' }]);
    expect(leaving.state).toMatchObject({ phase: 'done', end: 'left', wrongCodes: 1, checking: true });
    const { state, actions } = run(
      [wrong, { type: 'timeout' }, ...digits('3#')],
      DEFAULT_PIN_RULES,
      leaving.state,
    );
    expect(actions).toEqual([]);
    expect(state).toMatchObject({ wrongCodes: 2, checking: false });
    expect(pinAttemptsOf(state)).toBe(2);
    expect(pinOutcomeOf(state)).toBe('failed');
  });

  it('says failed for a call left after one wrong code', () => {
    const { state } = run([...digits('1#'), wrong, { type: 'left' }]);
    expect(pinOutcomeOf(state)).toBe('failed');
    expect(pinAttemptsOf(state)).toBe(1);
  });
});

describe('PIN entry, the edges', () => {
  const rules = { maxAttempts: 2, maxLength: 4, firstDigitTimeoutMs: 111, interDigitTimeoutMs: 22 };

  it('runs the timers the rules say', () => {
    const { actions } = run(digits('1'), rules);
    expect(actions).toEqual([
      { type: 'play', prompt: 'enter-pin' },
      { type: 'start-timer', kind: 'first-digit', ms: 111 },
      { type: 'stop-prompt' },
      { type: 'start-timer', kind: 'inter-digit', ms: 22 },
    ]);
  });

  it('counts * and letters towards the maximum length', () => {
    const { state, actions } = run(digits('1*B9'), rules);
    expect(verifies(actions)).toEqual(['1*B9']);
    expect(state.phase).toBe('verifying');
  });

  it('stops the prompt only on the first key', () => {
    const { actions } = run(digits('12#'), rules);
    expect(types(actions).filter((type) => type === 'stop-prompt')).toHaveLength(1);
    const lone = run(digits('#'), rules);
    expect(types(lone.actions)).not.toContain('stop-prompt');
    expect(lone.state.phase).toBe('prompting');
  });

  it('ends a call after its own attempts, whatever the gate budget', () => {
    const { state } = run([...digits('1#'), wrong, ...digits('2#'), wrong], rules);
    expect(state).toMatchObject({ phase: 'done', end: 'failed', wrongCodes: 2 });
  });

  it('ignores events that do not belong to a phase', () => {
    const prompting = run([], rules).state;
    for (const event of [{ type: 'start' }, wrong, accepted] as PinEntryEvent[]) {
      expect(pinEntryTransition(prompting, event, rules)).toEqual({ state: prompting, actions: [] });
    }
    const verifying = run(digits('1#'), rules).state;
    for (const event of [{ type: 'start' }, { type: 'timeout' }, ...digits('5#')] as PinEntryEvent[]) {
      expect(pinEntryTransition(verifying, event, rules)).toEqual({ state: verifying, actions: [] });
    }
    const bridged = run([...digits('1#'), accepted], rules).state;
    for (const event of [
      { type: 'left' },
      { type: 'gate-closed', why: 'locked' },
      wrong,
    ] as PinEntryEvent[]) {
      expect(pinEntryTransition(bridged, event, rules)).toEqual({ state: bridged, actions: [] });
    }
    const done = run([{ type: 'left' }], rules).state;
    for (const event of [wrong, accepted, { type: 'gate-closed', why: 'locked' }] as PinEntryEvent[]) {
      expect(pinEntryTransition(done, event, rules)).toEqual({ state: done, actions: [] });
    }
    const idle: PinEntryState = { phase: 'idle' };
    for (const event of [...digits('1'), { type: 'timeout' }, wrong] as PinEntryEvent[]) {
      expect(pinEntryTransition(idle, event, rules)).toEqual({ state: idle, actions: [] });
    }
  });

  it.each([
    ['quarantined', 'quarantined'],
    ['busy', 'pin-busy'],
    ['source-blocked', 'locked'],
  ] as const)('ends with the matching prompt when a code is answered %s', (verdict, prompt) => {
    const { state, actions } = run([...digits('1#'), { type: 'verdict', verdict }], rules);
    expect(actions.at(-1)).toEqual({ type: 'end', prompt, why: verdict });
    expect(state).toMatchObject({ phase: 'done', end: verdict, wrongCodes: 0 });
    // Another PIN entry in progress (or a gate that failed closed) is not a lock: its own outcome.
    expect(pinOutcomeOf(state)).toBe(verdict === 'busy' ? 'busy' : 'locked');
  });

  it('says abandoned for a right code whose caller left before the bridge', () => {
    const leaving = run([...digits('1#'), { type: 'left' }], rules);
    const { state } = run([accepted], rules, leaving.state);
    expect(state).toMatchObject({ accepted: 1, checking: false });
    expect(pinOutcomeOf(state)).toBe('abandoned');
    expect(pinAttemptsOf(state)).toBe(1);
    expect(pinOutcomeOf({ phase: 'idle' })).toBe('abandoned');
    expect(pinAttemptsOf({ phase: 'idle' })).toBe(0);
  });

  it('closes the session exactly once, however the IVR ends', () => {
    for (const events of [
      [...digits('1#'), accepted],
      [...digits('1#'), wrong, ...digits('2#'), wrong],
      [{ type: 'gate-closed', why: 'locked' }],
      [...digits('1'), { type: 'left' }],
      [{ type: 'timeout' }, { type: 'timeout' }],
    ] as PinEntryEvent[][]) {
      const { actions } = run([...events, { type: 'left' }, { type: 'gate-closed', why: 'busy' }], rules);
      expect(types(actions).filter((type) => type === 'close-session')).toHaveLength(1);
    }
  });
});

describe('PIN entry, exact actions (each one matters to the call adapter)', () => {
  const rules = { maxAttempts: 2, maxLength: 8, firstDigitTimeoutMs: 111, interDigitTimeoutMs: 22 };
  const step = (from: PinEntryState, event: PinEntryEvent) => pinEntryTransition(from, event, rules);
  const counts = { wrongCodes: 0, timeouts: 0, accepted: 0 };

  it('submits: cancels the inter-digit timer, then asks the gate', () => {
    expect(step({ phase: 'collecting', digits: '12', ...counts }, { type: 'digit', digit: '#' })).toEqual({
      state: { phase: 'verifying', ...counts },
      actions: [{ type: 'cancel-timer' }, { type: 'verify', code: '12' }],
    });
  });

  it('a silent prompt: records the timeout and asks again with the first prompt', () => {
    expect(step({ phase: 'prompting', ...counts }, { type: 'timeout' })).toEqual({
      state: { phase: 'prompting', ...counts, timeouts: 1 },
      actions: [
        { type: 'record-timeout' },
        { type: 'play', prompt: 'enter-pin' },
        { type: 'start-timer', kind: 'first-digit', ms: 111 },
      ],
    });
  });

  it('the last attempt: cancels the timer, closes the session, says goodbye', () => {
    expect(step({ phase: 'verifying', ...counts, wrongCodes: 1 }, wrong)).toEqual({
      state: { phase: 'done', end: 'failed', checking: false, ...counts, wrongCodes: 2 },
      actions: [
        { type: 'cancel-timer' },
        { type: 'close-session' },
        { type: 'end', prompt: 'pin-failed-goodbye', why: 'failed' },
      ],
    });
  });

  it('leaving while collecting: the keys go to the gate before the session closes', () => {
    expect(step({ phase: 'collecting', digits: '7*', ...counts }, { type: 'left' })).toEqual({
      state: { phase: 'done', end: 'left', checking: true, ...counts },
      actions: [{ type: 'cancel-timer' }, { type: 'verify', code: '7*' }, { type: 'close-session' }],
    });
    expect(step({ phase: 'prompting', ...counts }, { type: 'left' })).toEqual({
      state: { phase: 'done', end: 'left', checking: false, ...counts },
      actions: [{ type: 'cancel-timer' }, { type: 'close-session' }],
    });
  });

  it('leaving while a code is checked: the session closes, the verdict is still awaited', () => {
    const left = step({ phase: 'verifying', ...counts }, { type: 'left' });
    expect(left).toEqual({
      state: { phase: 'done', end: 'left', checking: true, ...counts },
      actions: [{ type: 'close-session' }],
    });
    expect(awaitingVerdict({ phase: 'verifying', ...counts })).toBe(true);
    expect(awaitingVerdict(left.state)).toBe(true);
    expect(awaitingVerdict({ phase: 'prompting', ...counts })).toBe(false);
    expect(awaitingVerdict({ phase: 'accepted', ...counts })).toBe(false);
  });

  it('leaving before the prompt closes the session and awaits nothing', () => {
    expect(step({ phase: 'idle' }, { type: 'left' })).toEqual({
      state: { phase: 'done', end: 'left', checking: false, ...counts },
      actions: [{ type: 'close-session' }],
    });
  });

  it('the gate closing while keys are typed: they go to the gate and their verdict is awaited', () => {
    expect(
      step({ phase: 'collecting', digits: '4', ...counts }, { type: 'gate-closed', why: 'locked' }),
    ).toEqual({
      state: { phase: 'done', end: 'locked', checking: true, ...counts },
      actions: [
        { type: 'stop-prompt' },
        { type: 'cancel-timer' },
        { type: 'verify', code: '4' },
        { type: 'close-session' },
        { type: 'end', prompt: 'locked', why: 'locked' },
      ],
    });
    expect(
      step({ phase: 'prompting', ...counts }, { type: 'gate-closed', why: 'locked' }).state,
    ).toMatchObject({
      checking: false,
    });
  });

  it('the gate closing while a code is checked: no second verify, the first one still awaited', () => {
    expect(step({ phase: 'verifying', ...counts }, { type: 'gate-closed', why: 'quarantined' })).toEqual({
      state: { phase: 'done', end: 'quarantined', checking: true, ...counts },
      actions: [
        { type: 'stop-prompt' },
        { type: 'cancel-timer' },
        { type: 'close-session' },
        { type: 'end', prompt: 'quarantined', why: 'quarantined' },
      ],
    });
  });

  it('a key while collecting only restarts the inter-digit timer', () => {
    expect(step({ phase: 'collecting', digits: '1', ...counts }, { type: 'digit', digit: 'D' })).toEqual({
      state: { phase: 'collecting', digits: '1D', ...counts },
      actions: [{ type: 'start-timer', kind: 'inter-digit', ms: 22 }],
    });
  });

  it('after the IVR, only the verdict on a code in flight changes anything', () => {
    const checking: PinEntryState = { phase: 'done', end: 'left', checking: true, ...counts };
    for (const event of [
      ...digits('1#'),
      { type: 'timeout' },
      { type: 'left' },
      { type: 'start' },
      { type: 'gate-closed', why: 'locked' },
    ] as PinEntryEvent[]) {
      expect(step(checking, event)).toEqual({ state: checking, actions: [] });
    }
  });

  it('takes single keys only', () => {
    for (const digit of ['11', 'A1', '1A', '', 'flash']) {
      const prompting: PinEntryState = { phase: 'prompting', ...counts };
      expect(step(prompting, { type: 'digit', digit })).toEqual({ state: prompting, actions: [] });
    }
  });

  it('the outcome of a call that ended without a wrong code', () => {
    const done = (end: 'left' | 'failed' | 'locked'): PinEntryState => ({
      phase: 'done',
      end,
      checking: false,
      ...counts,
    });
    expect(pinOutcomeOf(done('left'))).toBe('abandoned');
    expect(pinOutcomeOf(done('failed'))).toBe('abandoned');
    expect(pinOutcomeOf(done('locked'))).toBe('locked');
    expect(pinOutcomeOf({ phase: 'prompting', ...counts })).toBe('abandoned');
    expect(pinOutcomeOf({ phase: 'prompting', ...counts, wrongCodes: 1 })).toBe('failed');
  });
});
