import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Inviter,
  Registerer,
  resetFakeSip,
  SessionState,
  UserAgent,
  type FakeSessionDescriptionHandler,
} from './support/fake-sip';
import type { Account } from '../../../shared/settings/schema';
import { CallHistory } from '../../../renderer/src/history/call-history';
import { historyEntryOf } from '../../../renderer/src/phone/phone-context';
import { memoryStorage } from '../../support/browser-host-fixture';
import {
  Softphone,
  UNREGISTER_TIMEOUT_MS,
  userAgentString,
  type CallView,
} from '../../../renderer/src/sip/softphone';

vi.mock('sip.js', () => import('./support/fake-sip'));

const account: Account = {
  sipWebSocketUrl: 'wss://pbx.example.test/ws',
  sipDomain: '',
  policyApiUrl: '',
  extension: '201',
  authUsername: '',
  displayName: '',
};

let ended: CallView[];
let now: number;

function phone(options: { silenceTimeoutMs?: number } = {}) {
  return new Softphone({
    now: () => now,
    backoffMs: () => 60_000,
    onCallEnded: (call) => ended.push(call),
    onNetworkOnline: () => () => {},
    appVersion: '1.2.3',
    mediaWatch: { silenceTimeoutMs: options.silenceTimeoutMs ?? 0, pollIntervalMs: 1_000 },
  });
}

async function registered(softphone: Softphone, overrides: Partial<Account> = {}) {
  await softphone.start({
    account: { ...account, ...overrides },
    password: 'secret',
    iceServers: [],
    inputDeviceId: null,
  });
  expect(softphone.getSnapshot().registration.kind).toBe('registered');
  const ua = UserAgent.last;
  if (!ua) throw new Error('no user agent');
  return ua;
}

async function establishedOutgoing(softphone: Softphone) {
  await registered(softphone);
  expect(softphone.dial('202', { callClass: 'internal', protectedPaid: false })).toBe(true);
  const inviter = Inviter.last;
  if (!inviter) throw new Error('no inviter');
  inviter.transition(SessionState.Established);
  expect(softphone.getSnapshot().call?.state.phase).toBe('active');
  return { inviter, handler: inviter.sessionDescriptionHandler as FakeSessionDescriptionHandler };
}

beforeEach(() => {
  resetFakeSip();
  ended = [];
  now = 1_000;
});
afterEach(() => vi.useRealTimers());

describe('softphone SIP behaviour', () => {
  // Breaks when onBye no longer calls bye.accept(): the far end's BYE then times out (408).
  it('answers every in-dialog BYE with 200 OK, on a call it placed too', async () => {
    const softphone = phone();
    const { inviter } = await establishedOutgoing(softphone);
    const outcome = inviter.receiveBye();
    expect(outcome.accepted).toBe(1);
    expect(softphone.getSnapshot().lastEnded?.state.outcome).toBe('completed');
  });

  // The incoming call's CANCEL delegate must not replace its BYE delegate (or the other way round).
  it('answers the BYE on an incoming call it accepted', async () => {
    const softphone = phone();
    const ua = await registered(softphone);
    const invitation = ua.ring();
    softphone.accept();
    expect(softphone.getSnapshot().call?.state.phase).toBe('active');
    expect(invitation.receiveBye().accepted).toBe(1);
    await vi.waitFor(() => expect(softphone.getSnapshot().call).toBeNull());
  });

  // Breaks with 486 (the caller would hear "busy").
  it('declines an incoming call with 603 Decline', async () => {
    const softphone = phone();
    const invitation = (await registered(softphone)).ring();
    softphone.decline();
    expect(invitation.rejections).toEqual([603]);
    expect(ended.map((call) => call.state.outcome)).toEqual(['declined']);
  });

  // Breaks when call waiting off lets the second call ring, or refuses it without a trace.
  it('with call waiting off, answers a second call with 486 Busy Here and logs it as refused', async () => {
    const softphone = phone();
    softphone.configureCalls({
      rules: { callWaiting: false, doNotDisturb: false, autoAnswerInternal: false },
    });
    const ua = await registered(softphone);
    ua.ring();
    const second = ua.ring('204');
    expect(second.rejections).toEqual([486]);
    expect(ended.map((call) => [call.number, call.state.outcome])).toEqual([['204', 'refused-busy']]);
    expect(softphone.getSnapshot().calls).toHaveLength(1);
  });

  it('ends a call the caller cancelled as missed, once', async () => {
    const softphone = phone();
    const invitation = (await registered(softphone)).ring();
    invitation.receiveCancel();
    await vi.waitFor(() => expect(ended).toHaveLength(1));
    expect(ended[0]?.state.outcome).toBe('missed');
    expect(softphone.getSnapshot().call).toBeNull();
  });

  // Breaks when the CANCEL's Reason is ignored: the call would be logged as missed.
  it('says "answered elsewhere" for a CANCEL with Reason SIP;cause=200', async () => {
    const softphone = phone();
    const invitation = (await registered(softphone)).ring();
    invitation.receiveCancel('SIP;cause=200;text="Call completed elsewhere"');
    await vi.waitFor(() => expect(ended).toHaveLength(1));
    expect(ended[0]?.state.outcome).toBe('answered-elsewhere');
  });

  // Breaks when nobody listens to connectionstatechange: the call stays "Connected" for good.
  it('ends the call with BYE and "connection lost" when the peer connection fails', async () => {
    const softphone = phone();
    const { inviter, handler } = await establishedOutgoing(softphone);
    handler.peerConnection.setConnectionState('failed');
    expect(inviter.byes).toBe(1);
    expect(softphone.getSnapshot().lastEnded?.state.outcome).toBe('network');
    expect(ended).toHaveLength(1);
  });

  // Breaks when getStats is not read: a call whose RTP stopped stays up.
  it('ends the call when no RTP arrived for the configured time, but not while on hold', async () => {
    vi.useFakeTimers();
    const softphone = phone({ silenceTimeoutMs: 10_000 });
    const { inviter, handler } = await establishedOutgoing(softphone);
    const advance = async (ms: number) => {
      now += ms;
      await vi.advanceTimersByTimeAsync(ms);
    };
    // Packets keep arriving: nothing happens.
    for (let i = 0; i < 15; i++) {
      handler.peerConnection.packetsReceived += 50;
      await advance(1_000);
    }
    expect(softphone.getSnapshot().call?.state.phase).toBe('active');
    // Held by the far end: silence is expected.
    inviter.receiveReInvite('v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=inactive\r\n');
    await advance(30_000);
    expect(softphone.getSnapshot().call?.state.heldByRemote).toBe(true);
    inviter.receiveReInvite('v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=sendrecv\r\n');
    expect(softphone.getSnapshot().call?.state.heldByRemote).toBe(false);
    await advance(12_000);
    expect(inviter.byes).toBe(1);
    expect(softphone.getSnapshot().lastEnded?.state.outcome).toBe('network');
  });

  // Breaks when re-INVITEs are not looked at: the held party still reads "Connected".
  it('shows hold by the far end (sendonly or inactive) and its end', async () => {
    const softphone = phone();
    const { inviter } = await establishedOutgoing(softphone);
    inviter.receiveReInvite('v=0\r\na=sendonly\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n');
    expect(softphone.getSnapshot().call?.state).toMatchObject({ phase: 'active', heldByRemote: true });
    inviter.receiveReInvite('v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=sendrecv\r\n');
    expect(softphone.getSnapshot().call?.state.heldByRemote).toBe(false);
  });

  // Breaks with sip.js's default "SIP.js/0.21.1" only.
  it('sends User-Agent Tollgate/<version> SIP.js/<version>', async () => {
    await registered(phone());
    expect(UserAgent.last?.options['userAgentString']).toBe('Tollgate/1.2.3 SIP.js/0.21.1');
    expect(userAgentString('0.1.0')).toBe('Tollgate/0.1.0 SIP.js/0.21.1');
  });

  it('registers any SIP user and authenticates with the separate auth user name', async () => {
    await registered(phone(), { extension: 'alice', authUsername: 'alice-auth@example.test' });
    expect(UserAgent.last?.options).toMatchObject({
      uri: { text: 'sip:alice@pbx.example.test' },
      authorizationUsername: 'alice-auth@example.test',
    });
    await registered(phone(), { extension: '493012345' });
    expect(UserAgent.last?.options).toMatchObject({
      uri: { text: 'sip:493012345@pbx.example.test' },
      authorizationUsername: '493012345',
    });
  });

  it('unregisters on stop (sign-out, account change, quit), and never waits longer than the bound', async () => {
    vi.useFakeTimers();
    const softphone = phone();
    await registered(softphone);
    const registerer = Registerer.all.at(-1);
    if (!registerer) throw new Error('no registerer');
    registerer.answersUnregister = false; // the PBX is gone: dispose would wait forever
    let stopped = false;
    void softphone.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(UNREGISTER_TIMEOUT_MS + 10);
    expect(stopped).toBe(true);
    expect(registerer.unregisters).toBe(1);
    expect(softphone.getSnapshot().registration.kind).toBe('idle');
  });

  // Breaks when start() and stop() may overlap: the old account's slow un-REGISTER finished after
  // the new start registered and set the phone idle ("not connected" while registered).
  it('an account change (stop, then start at once) ends registered, however slow the un-REGISTER', async () => {
    vi.useFakeTimers();
    const softphone = phone();
    await registered(softphone);
    const old = Registerer.all.at(-1);
    if (!old) throw new Error('no registerer');
    old.answersUnregister = false; // the old un-REGISTER takes the whole bound
    const stopped = softphone.stop();
    const started = softphone.start({
      account: { ...account, extension: '202' },
      password: 'secret',
      iceServers: [],
      inputDeviceId: null,
    });
    await vi.advanceTimersByTimeAsync(UNREGISTER_TIMEOUT_MS + 10);
    await Promise.all([stopped, started]);
    expect(Registerer.all.at(-1)).not.toBe(old);
    expect(softphone.getSnapshot().registration.kind).toBe('registered');
  });

  it('sends BYE and the un-REGISTER at once when the page goes away', async () => {
    const softphone = phone();
    const { inviter } = await establishedOutgoing(softphone);
    softphone.unregisterNow();
    expect(inviter.byes).toBe(1);
    expect(Registerer.all.at(-1)?.unregisters).toBe(1);
  });

  // Breaks when the microphone change does not reach the running call (or hangs it up).
  it('switches the microphone during a call without ending it, and keeps mute', async () => {
    const softphone = phone();
    const { handler } = await establishedOutgoing(softphone);
    softphone.setMuted(true);
    expect(await softphone.setInputDevice('usb-headset')).toBe(true);
    expect(handler.mediaRequests).toEqual([{ audio: { deviceId: { exact: 'usb-headset' } }, video: false }]);
    expect(handler.senderTracksEnabled.at(-1)).toBe(false);
    expect(softphone.getSnapshot().call?.state.phase).toBe('active');
    expect(ended).toHaveLength(0);
  });
});

describe('speaker', () => {
  it('switches with setSinkId during a call, which goes on', async () => {
    const softphone = phone();
    const sinks: string[] = [];
    const element = Object.assign(document.createElement('audio'), {
      setSinkId: async (id: string) => void sinks.push(id),
    });
    element.play = async () => {};
    softphone.attachRemoteAudio(element);
    await establishedOutgoing(softphone);
    await softphone.setOutputDevice('spk-2');
    await softphone.setOutputDevice(null);
    expect(sinks).toEqual(['spk-2', '']);
    expect(softphone.getSnapshot().call?.state.phase).toBe('active');
  });
});

describe('call history of these endings', () => {
  // Breaks when the history keeps only digits: a call from alice would vanish from the list.
  it('keeps a call from a named SIP user that was answered on another device, as such', async () => {
    const softphone = phone();
    const ua = await registered(softphone);
    const invitation = ua.ring('alice');
    invitation.receiveCancel('SIP;cause=200;text="Call completed elsewhere"');
    await vi.waitFor(() => expect(ended).toHaveLength(1));
    const history = new CallHistory(memoryStorage());
    history.add(historyEntryOf(ended[0] as CallView));
    expect(history.list()).toMatchObject([
      { number: 'alice', direction: 'incoming', outcome: 'answered-elsewhere', durationS: 0 },
    ]);
  });
});
