import { describe, expect, it } from 'vitest';
import { callScreen, maskedEcho, paidCallLock } from '../../../renderer/src/features/phone/call-screen';
import {
  callPrivacy,
  initialPin,
  pinRecordOf,
  pinTransition,
  type PinEvent,
  type PinState,
} from '../../../renderer/src/features/phone/pin-phase';
import { pinEventOfIvrSignal } from '../../../renderer/src/features/phone/ivr-signal-events';
import { outcomeMessage } from '../../../renderer/src/features/phone/PhoneTab';
import type { IvrSignal } from '../../../shared/ivr-signal/ivr-signal';
import { initialCall } from '../../../renderer/src/sip/call-machine';
import type { CallView } from '../../../renderer/src/sip/softphone';
import { samplePolicy } from '../../support/sample-policy';

const run = (events: PinEvent[], start: PinState = initialPin('required')) =>
  events.reduce(pinTransition, start);
const at = 1_000;

describe('PIN step without PBX signals', () => {
  it('prompt → entering → checking; a key after # is a new attempt with the count cleared', () => {
    const entering = run([
      { type: 'prompt-started', at },
      { type: 'key', at },
      { type: 'key', at },
    ]);
    expect(entering).toMatchObject({ phase: 'entering', keys: 2, attempt: 1, mode: 'no-signals' });
    const checking = pinTransition(entering, { type: 'submitted', at: 5_000 });
    expect(checking).toMatchObject({ phase: 'checking', keys: 0, submittedAt: 5_000 });
    // Breaks if the count piles up across attempts (15 dots after three tries).
    expect(pinTransition(checking, { type: 'key', at })).toMatchObject({
      phase: 'entering',
      keys: 1,
      attempt: 2,
    });
  });

  it('never learns the outcome: the record says unknown, talk time from the last #', () => {
    const pin = run([
      { type: 'prompt-started', at },
      { type: 'key', at },
      { type: 'submitted', at: 9_000 },
    ]);
    expect(pinRecordOf(pin, 'completed', 2_000)).toEqual({ pin: 'unknown', talkSince: 9_000 });
    // Nothing typed on a call where the policy was unknown: an ordinary call.
    expect(pinRecordOf(initialPin('possible'), 'completed', 2_000)).toEqual({
      pin: 'not-required',
      talkSince: 2_000,
    });
  });
});

describe('PIN step with PBX signals', () => {
  it('wrong code with attempt and limit, accepted, ringing, connected at the destination’s answer', () => {
    const wrong = run([
      { type: 'prompt-started', at },
      { type: 'key', at },
      { type: 'submitted', at },
      { type: 'wrong-code', attempt: 2, maxAttempts: 3 },
    ]);
    expect(wrong).toMatchObject({
      phase: 'wrong-code',
      mode: 'signals',
      attempt: 2,
      maxAttempts: 3,
      keys: 0,
    });
    // With signals a key after # waits for the PBX's word instead of counting an attempt.
    const held = run(
      [
        { type: 'submitted', at },
        { type: 'key', at },
      ],
      wrong,
    );
    expect(held).toMatchObject({ phase: 'checking', attempt: 2 });
    const connected = run(
      [{ type: 'accepted' }, { type: 'ringing' }, { type: 'destination-answered', at: 7_000 }],
      held,
    );
    expect(connected).toMatchObject({ phase: 'connected', destinationAnsweredAt: 7_000 });
    expect(pinRecordOf(connected, 'completed', 2_000)).toEqual({ pin: 'accepted', talkSince: 7_000 });
  });

  it('locked and failed are final; failed calls have no talk time', () => {
    const failed = run([{ type: 'prompt-started', at }, { type: 'failed' }, { type: 'accepted' }]);
    expect(failed.phase).toBe('failed');
    expect(pinRecordOf(failed, 'completed', 2_000)).toEqual({ pin: 'failed', talkSince: null });
    expect(pinRecordOf(null, 'pin-failed', 2_000)).toEqual({ pin: 'failed', talkSince: null });
    expect(pinRecordOf(null, 'locked', 2_000)).toEqual({ pin: 'locked', talkSince: null });
  });
});

describe('privacy of a call', () => {
  const active = { available: true, ivrAuthentication: true };
  it.each([
    ['internal', active, false, null],
    ['ivr-app', active, false, null],
    ['toll-free', active, false, null],
    ['emergency', active, false, null],
    ['external', active, true, 'required'],
    // Masked whatever the policy says: known but not active…
    ['external', { available: true, ivrAuthentication: false }, true, null],
    // …or unknown (no policy, no dial plan).
    [null, null, true, 'possible'],
  ] as const)('%s with %j: masked %s, PIN %s', (callClass, protection, masked, pin) => {
    expect(callPrivacy(callClass, protection)).toEqual({ masked, pin });
  });

  // Issue #14 (small edit by C): the phone follows the policy's PIN scope with the shared rule.
  // Breaks when callPrivacy passes only the class to requiresPin (the national call then expects a PIN).
  it('follows the PIN scope: a national call under "international" expects no PIN step, a UK one does', () => {
    const national = { callClass: 'external', international: false, premium: false } as const;
    const uk = { callClass: 'external', international: true, premium: false } as const;
    expect(callPrivacy(national, active, 'international')).toEqual({ masked: true, pin: null });
    expect(callPrivacy(uk, active, 'international')).toEqual({ masked: true, pin: 'required' });
    expect(callPrivacy(national, active)).toEqual({ masked: true, pin: 'required' });
  });

  it('masks the echo on every outgoing call not known to be free, never on an incoming one', () => {
    expect(maskedEcho({ direction: 'outgoing', callClass: null })).toBe(true);
    expect(maskedEcho({ direction: 'outgoing', callClass: 'external' })).toBe(true);
    expect(maskedEcho({ direction: 'outgoing', callClass: 'internal' })).toBe(false);
    expect(maskedEcho({ direction: 'incoming', callClass: null })).toBe(false);
  });
});

function pinCall(pin: PinState, phase: 'early-media' | 'active' = 'active'): CallView {
  return {
    id: 'c',
    number: '0301234567',
    name: null,
    direction: 'outgoing',
    startedAt: 0,
    state: {
      ...initialCall('outgoing'),
      phase,
      mediaSince: 100,
      answeredAt: phase === 'active' ? 100 : null,
    },
    callClass: 'external',
    protectedPaid: true,
    pin,
  };
}

describe('what the call screen says', () => {
  it('says "connected to the PBX" without a timer while the PIN is asked, in early media too', () => {
    for (const phase of ['early-media', 'active'] as const) {
      const screen = callScreen(pinCall(run([{ type: 'prompt-started', at }]), phase));
      expect(screen).toMatchObject({
        headline: { key: 'phone.pin.headlinePbx' },
        timerSince: null,
        pinEntry: true,
      });
      expect(screen.detail?.key).toBe('phone.pin.prompt');
    }
  });

  it('runs the timer from the destination’s answer (signals) or the last # (no signals)', () => {
    const noSignals = run([
      { type: 'prompt-started', at },
      { type: 'key', at },
      { type: 'submitted', at: 4_000 },
    ]);
    expect(callScreen(pinCall(noSignals))).toMatchObject({
      timerSince: 4_000,
      detail: { key: 'phone.pin.checkingNoSignals' },
    });
    const connected = run(
      [{ type: 'accepted' }, { type: 'ringing' }, { type: 'destination-answered', at: 8_000 }],
      noSignals,
    );
    expect(callScreen(pinCall(connected))).toMatchObject({
      headline: { key: 'phone.pin.headlineConnected' },
      timerSince: 8_000,
      pinEntry: false,
    });
  });

  it('with the policy unknown and nothing typed, the timer runs from the answer (as the history counts)', () => {
    const possible = run([{ type: 'prompt-started', at }], initialPin('possible'));
    expect(callScreen(pinCall(possible))).toMatchObject({
      headline: { key: 'phone.pin.headlinePbx' },
      detail: { key: 'phone.pin.promptPossible' },
      timerSince: 100,
    });
    expect(callScreen(pinCall(pinTransition(possible, { type: 'key', at })))).toMatchObject({
      timerSince: 100,
    });
    expect(callScreen(pinCall(pinTransition(possible, { type: 'submitted', at: 3_000 })))).toMatchObject({
      timerSince: 3_000,
    });
  });

  it('a call without a PIN step reads as before', () => {
    const call = { ...pinCall(initialPin('required')), pin: null, callClass: 'internal' as const };
    expect(callScreen(call)).toMatchObject({ headline: { key: 'phone.phaseActive' }, timerSince: 100 });
  });
});

describe('lock state', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  it('is locked until its end, quarantined until an admin lifts it', () => {
    expect(paidCallLock(samplePolicy({ lockedUntil: '2026-12-01T13:00:00Z' }), now).kind).toBe('locked');
    expect(paidCallLock(samplePolicy({ lockedUntil: '2026-12-01T11:00:00Z' }), now).kind).toBe('none');
    expect(paidCallLock(samplePolicy({ quarantinedSince: '2026-12-01T11:00:00Z' }), now).kind).toBe(
      'quarantined',
    );
    expect(paidCallLock(null, now).kind).toBe('none');
  });

  it('after wrong PINs does not say "call again" when the extension is locked', () => {
    expect(outcomeMessage('pin-failed', { kind: 'none' }).key).toBe('phone.outcome.pin-failed');
    expect(outcomeMessage('pin-failed', { kind: 'locked', until: 'x' })).toEqual({
      key: 'phone.outcome.pinFailedLocked',
      time: 'x',
    });
    expect(outcomeMessage('pin-failed', { kind: 'quarantined', since: 'x' }).key).toBe(
      'phone.outcome.quarantined',
    );
    expect(outcomeMessage('locked', { kind: 'locked', until: 'x' }).key).toBe('phone.outcome.lockedUntil');
  });
});

describe('PBX IVR signals (tollgate-ivr Info Package) as PIN events', () => {
  const steps = (signals: IvrSignal[], start = initialPin('required')) =>
    signals.reduce((state, signal, index) => {
      const event = pinEventOfIvrSignal(signal, 1_000 * (index + 1));
      return event ? pinTransition(state, event) : state;
    }, start);

  it('prompt → checking → wrong code (attempt 2 of 3, said twice, counted once) → accepted → connected', () => {
    const afterWrong = steps([
      { phase: 'prompt', attempt: 1, attempts: 3 },
      { phase: 'checking', attempt: 1 },
      { phase: 'wrong-code', attempt: 1, attemptsLeft: 2 },
    ]);
    expect(afterWrong).toMatchObject({ mode: 'signals', phase: 'wrong-code', attempt: 2, maxAttempts: 3 });
    const typing = pinTransition(afterWrong, { type: 'key', at });
    // The new prompt for attempt 2 arrives after the first key: the key still counts.
    const prompted = steps([{ phase: 'prompt', attempt: 2, attempts: 3, after: 'wrong-code' }], typing);
    expect(prompted).toMatchObject({ phase: 'entering', keys: 1, attempt: 2 });
    const connected = steps(
      [
        { phase: 'checking', attempt: 2 },
        { phase: 'accepted' },
        { phase: 'ringing', destination: '+49301234567' },
        { phase: 'connected', destination: '+49301234567' },
      ],
      prompted,
    );
    expect(connected).toMatchObject({ phase: 'connected', destinationAnsweredAt: 4_000 });
  });

  it('a prompt after no key starts the attempt again; locked, quarantined, busy and failed end it', () => {
    expect(
      steps([
        { phase: 'prompt', attempt: 1, attempts: 3 },
        { phase: 'prompt', attempt: 2, attempts: 3, after: 'timeout' },
      ]),
    ).toMatchObject({ phase: 'prompt', attempt: 2, keys: 0 });
    expect(steps([{ phase: 'locked', until: '2026-12-01T13:00:00Z', scope: 'extension' }]).phase).toBe(
      'locked',
    );
    expect(steps([{ phase: 'quarantined' }])).toMatchObject({ phase: 'locked', lockedUntil: null });
    expect(steps([{ phase: 'busy' }]).phase).toBe('busy');
    expect(steps([{ phase: 'failed', wrongCodes: 3, timeouts: 0 }]).phase).toBe('failed');
    // The last wrong code changes nothing by itself: failed or locked follows.
    expect(pinEventOfIvrSignal({ phase: 'wrong-code', attempt: 3, attemptsLeft: 0 }, at)).toBeNull();
  });
});
