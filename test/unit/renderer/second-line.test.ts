import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  answerRefer,
  FakeDtmfSender,
  Inviter,
  resetFakeSip,
  SessionState,
  UserAgent,
  type FakeSessionDescriptionHandler,
} from './support/fake-sip';
import type { Account } from '../../../shared/settings/schema';
import { Softphone, type CallView } from '../../../renderer/src/sip/softphone';
import type { CallHandlingRules } from '../../../renderer/src/phone/call-handling';

vi.mock('sip.js', () => import('./support/fake-sip'));

/**
 * The engine with two calls: call waiting, hold on accept, swap, hang up one, missed waiting calls,
 * DND, auto-answer, transfer sent (blind, attended) and received (REFER, INVITE with Replaces).
 */
const account: Account = {
  sipWebSocketUrl: 'wss://pbx.example.test/ws',
  sipDomain: '',
  policyApiUrl: '',
  extension: '201',
  authUsername: '',
  displayName: '',
};
const DOMAIN = 'pbx.example.test';
const RULES: CallHandlingRules = { callWaiting: true, doNotDisturb: false, autoAnswerInternal: false };

let ended: CallView[];
let now: number;

async function phone(rules: Partial<CallHandlingRules> = {}) {
  const softphone = new Softphone({
    now: () => now,
    backoffMs: () => 60_000,
    onCallEnded: (call) => ended.push(call),
    onNetworkOnline: () => () => {},
    mediaWatch: { silenceTimeoutMs: 0, pollIntervalMs: 1_000 },
  });
  softphone.configureCalls({ rules: { ...RULES, ...rules } });
  await softphone.start({ account, password: 'secret', iceServers: [], inputDeviceId: null });
  const ua = UserAgent.last;
  if (!ua) throw new Error('no user agent');
  return { softphone, ua };
}

/** A talks to B (A placed the call): the engine's first call, established. */
function talking(softphone: Softphone, number = '202') {
  expect(softphone.dial(number, { callClass: 'internal', protectedPaid: false })).toBe(true);
  const inviter = Inviter.last;
  if (!inviter) throw new Error('no inviter');
  inviter.transition(SessionState.Established);
  return inviter;
}

const phases = (softphone: Softphone) =>
  softphone.getSnapshot().calls.map((call) => `${call.number}:${call.state.phase}`);

beforeEach(() => {
  resetFakeSip();
  ended = [];
  now = 1_000;
});
afterEach(() => vi.useRealTimers());

describe('call waiting', () => {
  // Breaks when a second call is refused (486, as before #13) or takes the front from the call.
  it('a second call waits beside the call in front; accepting it holds the first', async () => {
    const { softphone, ua } = await phone();
    const first = talking(softphone);
    const waiting = ua.ring('204');
    expect(waiting.rejections).toEqual([]);
    expect(phases(softphone)).toEqual(['202:active', '204:incoming']);
    expect(softphone.getSnapshot().call?.number).toBe('202');

    softphone.accept(waiting.id);
    expect(first.reInvites).toEqual([true]); // re-INVITE sendonly: the first call is held
    const handler = first.sessionDescriptionHandler as FakeSessionDescriptionHandler;
    expect(handler.senderTracksEnabled.at(-1)).toBe(false); // and hears nothing of the second
    expect(phases(softphone)).toEqual(['202:on-hold', '204:active']);
    expect(softphone.getSnapshot().call?.number).toBe('204');
  });

  // Breaks when swap resumes without holding the other one (both would hear each other's talk).
  it('swaps between the two calls, holding one and resuming the other', async () => {
    const { softphone, ua } = await phone();
    const first = talking(softphone);
    const second = ua.ring('204');
    softphone.accept(second.id);
    softphone.swap();
    expect(phases(softphone)).toEqual(['202:active', '204:on-hold']);
    expect(softphone.getSnapshot().call?.number).toBe('202');
    expect(first.reInvites).toEqual([true, false]);
    expect(second.reInvites).toEqual([true]);
    softphone.swap();
    expect(softphone.getSnapshot().call?.number).toBe('204');
  });

  // Breaks when hanging up the call in front ends both, or leaves no call in front.
  it('hangs up one call; the held one stays held and comes to the front', async () => {
    const { softphone, ua } = await phone();
    talking(softphone);
    const second = ua.ring('204');
    softphone.accept(second.id);
    softphone.hangUp();
    expect(second.byes).toBe(1);
    expect(phases(softphone)).toEqual(['202:on-hold']);
    expect(softphone.getSnapshot().call?.number).toBe('202');
    expect(ended.map((call) => [call.number, call.state.outcome])).toEqual([['204', 'completed']]);
  });

  // Breaks when a waiting call the caller gave up on leaves no trace (the pre-#13 behaviour).
  it('a waiting call not taken is missed in the history; the call in front goes on', async () => {
    const { softphone, ua } = await phone();
    talking(softphone);
    const waiting = ua.ring('204');
    waiting.receiveCancel();
    await vi.waitFor(() => expect(ended).toHaveLength(1));
    expect(ended[0]).toMatchObject({ number: '204', direction: 'incoming' });
    expect(ended[0]?.state.outcome).toBe('missed');
    expect(phases(softphone)).toEqual(['202:active']);
  });

  it('a third call is refused with 486 and logged; so is a second one with call waiting off', async () => {
    const { softphone, ua } = await phone();
    talking(softphone);
    ua.ring('204');
    const third = ua.ring('205');
    expect(third.rejections).toEqual([486]);
    expect(ended.map((call) => call.state.outcome)).toEqual(['refused-busy']);
  });

  // Breaks when the keypad sends to whichever call: a PIN typed for one call must never reach the other.
  it('keys go to the call in front only, never to a held or waiting call', async () => {
    const { softphone, ua } = await phone();
    const first = talking(softphone);
    const firstTones = new FakeDtmfSender();
    (first.sessionDescriptionHandler as FakeSessionDescriptionHandler).peerConnection.dtmf = firstTones;
    const waiting = ua.ring('204');
    // The waiting call is not in front: its call screen may not send (and nothing goes to the first).
    expect(softphone.pressKey('1', waiting.id)).toBe(false);
    softphone.accept(waiting.id);
    const secondTones = new FakeDtmfSender();
    (waiting.sessionDescriptionHandler as FakeSessionDescriptionHandler).peerConnection.dtmf = secondTones;
    const held = softphone.getSnapshot().calls[0];
    // The held call's screen may not send either: its keys would reach the call in front.
    expect(softphone.pressKey('2', held?.id)).toBe(false);
    expect(softphone.pressKey('3', waiting.id)).toBe(true);
    expect(firstTones.sent).toEqual([]);
    expect(secondTones.sent).toEqual(['3']);
  });
});

describe('do not disturb and auto-answer', () => {
  // Breaks when DND lets the call ring, or refuses it without a history entry.
  it('DND refuses every new call with 486 and logs it as refused (do not disturb)', async () => {
    const { ua } = await phone({ doNotDisturb: true });
    const call = ua.ring('202');
    expect(call.rejections).toEqual([486]);
    expect(ended.map((entry) => [entry.number, entry.state.outcome])).toEqual([['202', 'refused-dnd']]);
  });

  // Breaks when auto-answer takes external callers, or answers beside a call in progress.
  it('auto-answers an extension of the same PBX only, never an external number, never beside a call', async () => {
    const { softphone, ua } = await phone({ autoAnswerInternal: true });
    const internal = ua.ring('202', { host: DOMAIN });
    expect(internal.state).toBe(SessionState.Established);
    expect(softphone.getSnapshot().call?.autoAnswered).toBe(true);
    softphone.hangUp();

    const external = ua.ring('+4930123456', { host: DOMAIN });
    expect(external.state).toBe(SessionState.Initial);
    softphone.decline();

    const otherPbx = ua.ring('202', { host: 'elsewhere.example' });
    expect(otherPbx.state).toBe(SessionState.Initial);
    softphone.decline();

    talking(softphone, '203');
    const beside = ua.ring('204', { host: DOMAIN });
    expect(beside.state).toBe(SessionState.Initial);
  });

  it('with a policy, auto-answer follows the dial plan', async () => {
    const { softphone, ua } = await phone({ autoAnswerInternal: true });
    softphone.configureCalls({ judgeParty: () => ({ callClass: 'external', needsPin: false }) });
    const call = ua.ring('202', { host: DOMAIN });
    expect(call.state).toBe(SessionState.Initial);
  });
});

describe('transfer this phone asks for', () => {
  // Breaks when the call stays up after the target answered, or is logged as an ordinary end.
  it('blind: REFER to the number, progress from NOTIFY, the call ends as transferred on 200', async () => {
    const { softphone } = await phone();
    const call = talking(softphone);
    expect(softphone.transfer('204')).toBe(true);
    expect((call.refers[0]?.target as { text: string }).text).toBe(`sip:204@${DOMAIN}`);
    answerRefer(call, 'SIP/2.0 100 Trying', 'SIP/2.0 180 Ringing');
    expect(softphone.getSnapshot().call?.transfer?.phase).toBe('ringing');
    answerRefer(call, 'SIP/2.0 200 OK');
    expect(call.byes).toBe(1);
    expect(ended.map((entry) => entry.state.outcome)).toEqual(['transferred']);
  });

  // Breaks when a refusal is swallowed: the user must see that the call is still theirs, and why.
  it('a refused REFER keeps the call and says why', async () => {
    const { softphone } = await phone();
    const call = talking(softphone);
    softphone.transfer('004930123456');
    call.refers[0]?.options.requestDelegate?.onReject?.({
      message: Object.assign(
        {
          getHeader: (name: string) =>
            name === 'reason' ? 'SIP;cause=403;text="Transfer to paid numbers needs the PIN"' : undefined,
        },
        { statusCode: 403, reasonPhrase: 'Forbidden' },
      ) as never,
    });
    const transfer = softphone.getSnapshot().call?.transfer;
    expect(transfer).toMatchObject({
      phase: 'refused',
      status: 403,
      reason: 'Transfer to paid numbers needs the PIN',
    });
    expect(call.byes).toBe(0);
  });

  // Breaks when the REFER does not carry the consulted call (no Replaces) or the phone stays in either call.
  it('attended: consult call, then REFER with the consulted session; both calls end as transferred', async () => {
    const { softphone } = await phone();
    const original = talking(softphone);
    const originalId = softphone.getSnapshot().call?.id ?? '';
    expect(
      softphone.dial('204', { callClass: 'internal', protectedPaid: false }, { consultFor: originalId }),
    ).toBe(true);
    const consult = Inviter.last;
    if (!consult) throw new Error('no consult call');
    consult.transition(SessionState.Established);
    expect(original.reInvites).toEqual([true]);
    expect(phases(softphone)).toEqual(['202:on-hold', '204:active']);
    expect(softphone.completeTransfer()).toBe(true);
    expect(original.refers[0]?.target).toBe(consult);
    answerRefer(original, 'SIP/2.0 200 OK');
    expect(ended.map((entry) => [entry.number, entry.state.outcome])).toEqual([
      ['202', 'transferred'],
      ['204', 'transferred'],
    ]);
    expect(softphone.getSnapshot().calls).toEqual([]);
  });
});

describe('transfer the other party asks for', () => {
  // Breaks when the phone ignores the REFER (Kamailio passes it through: nobody else would act).
  it('follows a REFER to an extension: calls it, and ends the old call when it answers', async () => {
    const { softphone } = await phone();
    const old = talking(softphone);
    const result = old.receiveRefer({ user: '204', host: DOMAIN });
    expect(result.accepted).toBe(1);
    const next = result.inviter;
    if (!next) throw new Error('no new call');
    expect(softphone.getSnapshot().call).toMatchObject({ number: '204', referredBy: '202' });
    next.transition(SessionState.Established);
    expect(old.byes).toBe(1);
    expect(ended.map((entry) => [entry.number, entry.state.outcome])).toEqual([['202', 'transferred']]);
    expect(phases(softphone)).toEqual(['204:active']);
  });

  // Breaks when a REFER can make the phone place a paid call the user never dialled.
  it('refuses (603) a REFER to a number that needs the PIN, and one to an external number without a policy', async () => {
    const { softphone } = await phone();
    const call = talking(softphone);
    softphone.configureCalls({ judgeParty: () => ({ callClass: 'external', needsPin: true }) });
    const paid = call.receiveRefer({ user: '0900123456', host: DOMAIN });
    expect(paid).toMatchObject({ accepted: 0, rejected: [603], inviter: null });
    expect(softphone.getSnapshot().call?.referRefused).toBe('pin-required');

    softphone.configureCalls({ judgeParty: null });
    const external = call.receiveRefer({ user: '004930123456', host: DOMAIN });
    expect(external).toMatchObject({ accepted: 0, rejected: [603], inviter: null });
    const elsewhere = call.receiveRefer({ user: '204', host: 'other.example' });
    expect(elsewhere.rejected).toEqual([603]);
    expect(softphone.getSnapshot().calls).toHaveLength(1);
  });

  // Breaks when an INVITE with Replaces rings as a new call (or is refused) instead of taking over.
  it('an INVITE with Replaces takes over the call it names, without ringing', async () => {
    const { softphone, ua } = await phone({ doNotDisturb: true });
    const consulted = talking(softphone, '202');
    const replacing = ua.ring('203', { replaces: consulted });
    expect(replacing.state).toBe(SessionState.Established);
    expect(consulted.byes).toBe(1);
    expect(phases(softphone)).toEqual(['203:active']);
    expect(ended).toEqual([]);
  });
});
