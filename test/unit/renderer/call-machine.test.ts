import { describe, expect, it, vi } from 'vitest';
import {
  answeredElsewhere,
  callTransition,
  initialCall,
  keypadAvailable,
  outcomeOfRejection,
  type CallEvent,
  type CallState,
} from '../../../renderer/src/sip/call-machine';
import { keypadKeyOf, PendingKeys, sendKey, type ToneSender } from '../../../renderer/src/sip/keypad-sender';
import {
  inboundAudioPackets,
  MediaWatch,
  type WatchedConnection,
} from '../../../renderer/src/sip/media-watch';
import { audioDirectionOf, offerHoldsUs } from '../../../renderer/src/sip/sdp-direction';

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

// Breaks when the CANCEL's Reason is ignored (every cancelled call "missed") or read too loosely
// (cause=2000, Q.850 causes).
describe('how an incoming call that stopped ringing ended', () => {
  it.each([
    [undefined, 'missed'],
    ['Q.850;cause=16', 'missed'],
    ['SIP;cause=487', 'missed'],
    ['SIP;cause=2000', 'missed'],
    ['SIP;cause=200;text="Call completed elsewhere"', 'answered-elsewhere'],
    ['Q.850;cause=16, SIP ; cause = 200', 'answered-elsewhere'],
  ] as const)('a CANCEL with Reason %s is %s', (reason, outcome) => {
    expect(run(initialCall('incoming'), [{ type: 'cancelled', reason, at: 1 }]).outcome).toBe(outcome);
    expect(answeredElsewhere(reason)).toBe(outcome === 'answered-elsewhere');
  });
});

// Breaks when the far end's direction is misread: a held party reads "Connected", or a normal
// re-INVITE (a session refresh, sendrecv) reads "held".
describe('hold by the far end', () => {
  it('is a flag beside the phase, only while the call is up', () => {
    const active = run(initialCall('outgoing'), [{ type: 'answered', at: 1 }]);
    const held = run(active, [{ type: 'remote-hold-changed', held: true }]);
    expect(held).toMatchObject({ phase: 'active', heldByRemote: true });
    const both = run(held, [{ type: 'hold-changed', onHold: true }]);
    expect(both).toMatchObject({ phase: 'on-hold', heldByRemote: true });
    expect(run(both, [{ type: 'remote-hold-changed', held: false }]).heldByRemote).toBe(false);
    expect(run(initialCall('incoming'), [{ type: 'remote-hold-changed', held: true }]).heldByRemote).toBe(
      false,
    );
  });

  it.each([
    ['v=0\r\nm=audio 9 RTP/AVP 0\r\na=sendonly\r\n', 'sendonly', true],
    ['v=0\r\nm=audio 9 RTP/AVP 0\r\na=inactive\r\n', 'inactive', true],
    ['v=0\r\na=sendonly\r\nm=audio 9 RTP/AVP 0\r\n', 'sendonly', true],
    ['v=0\r\na=sendonly\r\nm=audio 9 RTP/AVP 0\r\na=sendrecv\r\n', 'sendrecv', false],
    ['v=0\r\nm=audio 9 RTP/AVP 0\r\na=recvonly\r\n', 'recvonly', false],
    ['v=0\r\nm=audio 9 RTP/AVP 0\r\n', 'sendrecv', false],
    ['v=0\nm=audio 9 RTP/AVP 0\na=inactive\n', 'inactive', true],
  ] as const)('SDP %j: audio is %s', (sdp, direction, holds) => {
    expect(audioDirectionOf(sdp)).toBe(direction);
    expect(offerHoldsUs(sdp)).toBe(holds);
  });

  it('cannot tell from an offerless re-INVITE', () => {
    expect(offerHoldsUs('')).toBeNull();
    expect(offerHoldsUs(undefined)).toBeNull();
    expect(offerHoldsUs('v=0\r\nm=video 9 RTP/AVP 96\r\na=inactive\r\n')).toBeNull();
  });
});

// Breaks when failed connections or missing RTP go unnoticed, or when hold or a switched-off
// silence limit still ends a call.
describe('media watch', () => {
  function connection(packets: () => number | null) {
    const target = new EventTarget() as EventTarget & WatchedConnection & { state: RTCPeerConnectionState };
    target.state = 'connected';
    Object.defineProperty(target, 'connectionState', { get: () => target.state });
    target.getStats = async () => {
      const count = packets();
      const report = new Map(
        count === null ? [] : [['in', { type: 'inbound-rtp', kind: 'audio', packetsReceived: count }]],
      );
      return report as unknown as RTCStatsReport;
    };
    return target;
  }

  it('counts inbound audio packets only', () => {
    const report = new Map<string, object>([
      ['a', { type: 'inbound-rtp', kind: 'audio', packetsReceived: 7 }],
      ['v', { type: 'inbound-rtp', kind: 'video', packetsReceived: 100 }],
      ['o', { type: 'outbound-rtp', kind: 'audio', packetsSent: 9 }],
    ]) as unknown as RTCStatsReport;
    expect(inboundAudioPackets(report)).toBe(7);
    expect(inboundAudioPackets(new Map() as unknown as RTCStatsReport)).toBeNull();
  });

  it('reports a failed connection at once, and only once', () => {
    const pc = connection(() => 0);
    const lost: string[] = [];
    const watch = new MediaWatch(
      pc,
      { silenceTimeoutMs: 0, pollIntervalMs: 1_000 },
      () => 0,
      (why) => lost.push(why),
    );
    watch.start();
    pc.state = 'disconnected';
    pc.dispatchEvent(new Event('connectionstatechange'));
    expect(lost).toEqual([]);
    pc.state = 'failed';
    pc.dispatchEvent(new Event('connectionstatechange'));
    pc.dispatchEvent(new Event('connectionstatechange'));
    expect(lost).toEqual(['connection-failed']);
  });

  it('reports silence after the timeout, never while paused, and not at all when switched off', async () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      let packets = 0;
      const lost: string[] = [];
      const watch = new MediaWatch(
        connection(() => packets),
        { silenceTimeoutMs: 5_000, pollIntervalMs: 1_000 },
        () => now,
        (why) => lost.push(why),
      );
      watch.start();
      const tick = async (ms: number) => {
        now += ms;
        await vi.advanceTimersByTimeAsync(ms);
      };
      for (let i = 0; i < 10; i++) {
        packets += 50;
        await tick(1_000);
      }
      watch.setPaused(true);
      await tick(20_000);
      expect(lost).toEqual([]);
      watch.setPaused(false);
      await tick(4_000);
      expect(lost).toEqual([]);
      await tick(2_000);
      expect(lost).toEqual(['no-rtp']);

      const off: string[] = [];
      new MediaWatch(
        connection(() => 0),
        { silenceTimeoutMs: 0, pollIntervalMs: 1_000 },
        () => now,
        (why) => off.push(why),
      ).start();
      await tick(120_000);
      expect(off).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
