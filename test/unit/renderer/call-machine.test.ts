import { describe, expect, it } from 'vitest';
import {
  callTransition,
  initialCall,
  keypadAvailable,
  outcomeOfRejection,
  type CallEvent,
  type CallState,
} from '../../../renderer/src/sip/call-machine';
import { keypadKeyOf, PendingKeys, sendKey, type ToneSender } from '../../../renderer/src/sip/keypad-sender';

const run = (state: CallState, events: CallEvent[], protectedPaid = false) =>
  events.reduce((current, event) => callTransition(current, event, protectedPaid), state);

describe('call state machine', () => {
  it('goes connecting → ringing → active → on hold → active → ended', () => {
    let state = run(initialCall('outgoing'), [{ type: 'progress', status: 180, hasMedia: false, at: 1 }]);
    expect(state.phase).toBe('ringing');
    expect(keypadAvailable(state)).toBe(false);
    state = run(state, [{ type: 'answered', at: 2 }]);
    expect(state).toMatchObject({ phase: 'active', answeredAt: 2, mediaSince: 2 });
    expect(keypadAvailable(state)).toBe(true);
    state = run(state, [{ type: 'hold-changed', onHold: true }]);
    expect(state.phase).toBe('on-hold');
    expect(keypadAvailable(state)).toBe(false);
    state = run(state, [
      { type: 'hold-changed', onHold: false },
      { type: 'local-hangup', at: 9 },
    ]);
    expect(state).toMatchObject({ phase: 'ended', outcome: 'completed', endedAt: 9 });
  });

  it('makes the keypad usable from early media (183) and marks the PIN as requested on a protected paid call', () => {
    const state = run(
      initialCall('outgoing'),
      [{ type: 'progress', status: 183, hasMedia: true, at: 5 }],
      true,
    );
    expect(state).toMatchObject({ phase: 'early-media', mediaSince: 5, pinRequested: true });
    expect(keypadAvailable(state)).toBe(true);
    expect(run(initialCall('outgoing'), [{ type: 'answered', at: 1 }], false).pinRequested).toBe(false);
  });

  it('explains how a PIN-protected call ended', () => {
    const answered = run(initialCall('outgoing'), [{ type: 'answered', at: 1 }], true);
    expect(
      callTransition(answered, {
        type: 'remote-hangup',
        reason: 'SIP;cause=403;text="PIN authentication failed"',
        at: 2,
      }).outcome,
    ).toBe('pin-failed');
    expect(
      callTransition(answered, {
        type: 'remote-hangup',
        reason: 'SIP;cause=403;text="Paid calls locked"',
        at: 2,
      }).outcome,
    ).toBe('locked');
    expect(callTransition(answered, { type: 'remote-hangup', reason: undefined, at: 2 }).outcome).toBe(
      'completed',
    );
    expect(
      callTransition(initialCall('outgoing'), {
        type: 'rejected',
        status: 403,
        reason: 'SIP;cause=403;text="PIN authentication failed"',
        at: 2,
      }).outcome,
    ).toBe('pin-failed');
  });

  it.each([
    [486, 'busy'],
    [600, 'busy'],
    [603, 'declined'],
    [480, 'unavailable'],
    [404, 'not-found'],
    [484, 'incomplete-number'],
    [403, 'forbidden'],
    [487, 'cancelled'],
    [488, 'no-media'],
    [500, 'pbx-error'],
    [503, 'pbx-error'],
  ] as const)('a %s means %s', (status, outcome) => {
    expect(outcomeOfRejection(status, undefined, 'outgoing')).toBe(outcome);
  });

  it('distinguishes declined and missed incoming calls, and ignores events after the end', () => {
    expect(run(initialCall('incoming'), [{ type: 'local-hangup', at: 1 }]).outcome).toBe('declined');
    expect(run(initialCall('incoming'), [{ type: 'remote-hangup', reason: undefined, at: 1 }]).outcome).toBe(
      'missed',
    );
    const ended = run(initialCall('outgoing'), [{ type: 'transport-lost', at: 1 }]);
    expect(ended.outcome).toBe('network');
    expect(callTransition(ended, { type: 'answered', at: 2 })).toBe(ended);
  });
});

describe('keypad sender', () => {
  function fakeSender(canInsertDTMF = true) {
    const inserted: string[] = [];
    const sender: ToneSender & { inserted: string[]; play(): void } = {
      toneBuffer: '',
      canInsertDTMF,
      inserted,
      insertDTMF(tones) {
        // Like RTCDTMFSender: replaces the queue.
        (this as { toneBuffer: string }).toneBuffer = tones;
        inserted.push(tones);
      },
      play() {
        (this as { toneBuffer: string }).toneBuffer = this.toneBuffer.slice(1);
      },
    };
    return sender;
  }

  it('appends each key to what is still queued, so fast typing loses no digit', () => {
    const sender = fakeSender();
    for (const key of '1234#') sendKey(sender, key);
    expect(sender.toneBuffer).toBe('1234#');
    sender.play(); // '1' went out
    sendKey(sender, '5');
    expect(sender.toneBuffer).toBe('234#5');
  });

  it('refuses when DTMF cannot be sent, and ignores keys that are not on a keypad', () => {
    expect(sendKey(fakeSender(false), '1')).toBe(false);
    expect(sendKey(null, '1')).toBe(false);
    expect(sendKey(fakeSender(), 'x')).toBe(false);
    expect(sendKey(fakeSender(), '12')).toBe(false);
  });

  it('maps physical keys', () => {
    expect(keypadKeyOf({ key: '7' })).toBe('7');
    expect(keypadKeyOf({ key: '#' })).toBe('#');
    expect(keypadKeyOf({ key: '*' })).toBe('*');
    expect(keypadKeyOf({ key: 'a' })).toBeNull();
    expect(keypadKeyOf({ key: 'Enter' })).toBeNull();
  });
});

describe('keys pressed while the media connects', () => {
  it('are held and sent in order once the sender can, or dropped after the wait', () => {
    const sender = {
      toneBuffer: '',
      canInsertDTMF: false,
      insertDTMF(tones: string) {
        this.toneBuffer = tones;
      },
    };
    const pending = new PendingKeys(1000);
    pending.hold('4', 0);
    pending.hold('7', 10);
    expect(pending.flush(sender, 20)).toBe('waiting');
    sender.canInsertDTMF = true;
    expect(pending.flush(sender, 30)).toBe('sent');
    expect(sender.toneBuffer).toBe('47');
    expect(pending.flush(sender, 40)).toBe('idle');
    const late = new PendingKeys(1000);
    late.hold('1', 0);
    expect(late.flush({ ...sender, canInsertDTMF: false }, 1001)).toBe('expired');
    expect(late.waiting).toBe(false);
  });
});
