import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RegistererState } from 'sip.js';
import { isRequest, type SipRequest, type SipResponse } from '../pbx/sip/message';
import { PbxApiClient } from '../support/pbx-api-client';
import { DEMO, registerPhone, startTestPbx } from '../support/pbx-fixture';
import { WeriftPhoneMedia } from '../support/werift-phone-media';
import { SipPeer } from './sip-peer';

/**
 * Issue #10's SIP holes and #16's transaction bug, each shown over a real WebSocket: a request that
 * copies a dialog's tags from another socket, a replayed digest answer, a CANCEL whose 200 was taken
 * for the INVITE's, and a 112 call refused because someone at the same address failed to sign in.
 */
type Fixture = Awaited<ReturnType<typeof startTestPbx>>;
const peers: SipPeer[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close()));
});

async function peer(fixture: Fixture, extension: { number: string; password: string }) {
  const created = await SipPeer.connect(
    fixture.addresses.sipWebSocketUrl,
    fixture.addresses.realm,
    extension.number,
    extension.password,
  );
  peers.push(created);
  return created;
}

const isInvite = (message: SipRequest | SipResponse): message is SipRequest =>
  isRequest(message) && message.method === 'INVITE';

describe('requests inside a call come only from that call’s phone', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startTestPbx({ farEndRingMs: 50 });
  });
  afterAll(() => fixture.pbx.stop());

  // Breaks if sip-service hands in-dialog requests to the leg without isFromPeer (the BYE is accepted
  // with 200 and the paid call ends; the re-INVITE gets 200).
  it('a BYE or re-INVITE from another extension’s socket into a bridged paid call gets 481', async () => {
    const realm = fixture.addresses.realm;
    const caller = await peer(fixture, DEMO.notEntitledExtension); // 203: paid calls without PIN
    const intruder = await peer(fixture, DEMO.availableExtension);
    expect((await intruder.register()).final.statusCode).toBe(200);
    const media = new WeriftPhoneMedia();
    const offer = (await media.getDescription()).body;
    const invite = await caller.invite(`sip:0301234567@${realm}`, offer);
    const answer = await caller.response(invite.callId, 'INVITE');
    expect(answer.statusCode).toBe(200);
    await media.setDescription(answer.body);
    const pbxTo = `${invite.to};tag=${answer.toTag}`;
    caller.inDialog({
      method: 'ACK',
      requestUri: invite.requestUri,
      callId: invite.callId,
      from: invite.from,
      to: pbxTo,
      cseq: 2,
    });
    await expect.poll(() => fixture.pbx.farEndCalls.some((call) => call.callId === invite.callId)).toBe(true);

    const dialog = { requestUri: invite.requestUri, callId: invite.callId, from: invite.from, to: pbxTo };
    intruder.inDialog({ ...dialog, method: 'BYE', cseq: 3 });
    expect((await intruder.response(invite.callId, 'BYE')).statusCode).toBe(481);
    intruder.inDialog({ ...dialog, method: 'INVITE', cseq: 4, body: offer });
    expect((await intruder.response(invite.callId, 'INVITE')).statusCode).toBe(481);
    // The caller's own socket with someone else's From tag is not the caller either.
    caller.inDialog({ ...dialog, from: `<sip:203@${realm}>;tag=forged`, method: 'BYE', cseq: 5 });
    expect((await caller.response(invite.callId, 'BYE')).statusCode).toBe(481);

    const farEnd = fixture.pbx.farEndCalls.find((call) => call.callId === invite.callId);
    expect(farEnd?.endedAt).toBeNull();
    caller.inDialog({ ...dialog, method: 'BYE', cseq: 6 });
    expect((await caller.response(invite.callId, 'BYE')).statusCode).toBe(200);
    await expect.poll(() => farEnd?.endedAt ?? null).not.toBeNull();
    media.close();
  });

  // Breaks if isFromPeer stops accepting the socket where the same extension re-registered the same
  // Contact (the BYE after the reconnect gets 481 and the PBX keeps the call).
  it('after a WebSocket drop the phone, re-registered on a new socket, still owns its call', async () => {
    const phone = await registerPhone(fixture.addresses, DEMO.protectedExtension);
    const call = phone.call('*43'); // echo test: stays up until someone hangs up
    await call.established;
    await phone.ua.transport.disconnect();
    await phone.ua.reconnect();
    // Wait for the PBX's 200 to the new REGISTER (sip.js's state never left Registered).
    await new Promise<void>((resolve, reject) => {
      void phone.registerer.register({
        requestDelegate: {
          onAccept: () => resolve(),
          onReject: () => reject(new Error('re-REGISTER refused')),
        },
      });
    });
    const status = await new Promise<number>((resolve) => {
      void call.session.bye({
        requestDelegate: {
          onAccept: (response) => resolve(response.message.statusCode ?? 0),
          onReject: (response) => resolve(response.message.statusCode ?? 0),
        },
      });
    });
    expect(status).toBe(200);
    await phone.stop();
  });

  // Breaks if onCancel stops checking cancelMatches / fromPeer (the forged CANCEL ends the call).
  it('a CANCEL counts only with the INVITE’s branch, Call-ID, From tag and CSeq, from the caller’s socket', async () => {
    const realm = fixture.addresses.realm;
    const caller = await peer(fixture, DEMO.protectedExtension);
    const callee = await peer(fixture, DEMO.availableExtension);
    const intruder = await peer(fixture, DEMO.notEntitledExtension);
    expect((await callee.register()).final.statusCode).toBe(200);
    const invite = await caller.invite(`sip:202@${realm}`, 'v=0');
    const offered = (await callee.next(isInvite)) as SipRequest;
    callee.respond(offered, 180, 'Ringing', 'callee');
    await caller.response(invite.callId, 'INVITE', (status) => status === 180);

    intruder.cancel(invite);
    expect((await intruder.response(invite.callId, 'CANCEL')).statusCode).toBe(481);
    caller.cancel(invite, { cseq: invite.cseq + 1 });
    expect((await caller.response(invite.callId, 'CANCEL')).statusCode).toBe(481);
    caller.cancel(invite, { branch: 'z9hG4bKother' });
    expect((await caller.response(invite.callId, 'CANCEL')).statusCode).toBe(481);
    expect(fixture.pbx.sipService.activeCalls).toBeGreaterThan(0);

    caller.cancel(invite);
    expect((await caller.response(invite.callId, 'CANCEL')).statusCode).toBe(200);
    expect((await caller.response(invite.callId, 'INVITE')).statusCode).toBe(487);
    const cancel = (await callee.next((m) => isRequest(m) && m.method === 'CANCEL')) as SipRequest;
    callee.respond(cancel, 200, 'OK', 'callee');
    callee.respond(offered, 487, 'Request Terminated', 'callee');
    await callee.next((m) => isRequest(m) && m.method === 'ACK');
  });
});

describe('client transactions (issue #16)', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startTestPbx();
  });
  afterAll(() => fixture.pbx.stop());

  // Breaks if responses are matched by branch alone: the callee's 200 to the CANCEL is taken for the
  // INVITE's, the PBX sends ACK (new branch) and BYE, and the real 487 is never ACKed.
  it('the callee’s 200 to a CANCEL is not the INVITE’s answer; its 487 is ACKed on the INVITE’s branch', async () => {
    const realm = fixture.addresses.realm;
    const caller = await peer(fixture, DEMO.protectedExtension);
    const callee = await peer(fixture, DEMO.availableExtension);
    expect((await callee.register()).final.statusCode).toBe(200);
    const invite = await caller.invite(`sip:202@${realm}`, 'v=0');
    const offered = (await callee.next(isInvite)) as SipRequest;
    callee.respond(offered, 180, 'Ringing', 'callee');
    await caller.response(invite.callId, 'INVITE', (status) => status === 180);
    caller.cancel(invite);
    const cancel = (await callee.next((m) => isRequest(m) && m.method === 'CANCEL')) as SipRequest;
    callee.respond(cancel, 200, 'OK', 'callee');
    callee.respond(offered, 487, 'Request Terminated', 'callee');
    const ack = (await callee.next(
      (m) => isRequest(m) && (m.method === 'ACK' || m.method === 'BYE'),
    )) as SipRequest;
    expect(ack.method).toBe('ACK');
    expect(ack.viaBranch).toBe(offered.viaBranch);
    expect(ack.cseq).toBe(offered.cseq);
    expect(fixture.pbx.sipService.stats().transactions).toBe(0);
  });
});

describe('digest answers cannot be replayed', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startTestPbx();
  });
  afterAll(() => fixture.pbx.stop());

  // Breaks if an equal nonce count is accepted again (the replay gets 200 / 480).
  it('a replayed REGISTER or INVITE gets a fresh challenge, not a registration or a call', async () => {
    const phone = await peer(fixture, DEMO.addOnExtension);
    const { final, sent } = await phone.register();
    expect(final.statusCode).toBe(200);
    phone.send(sent);
    const callId = /Call-ID: (\S+)/.exec(sent)?.[1] ?? '';
    expect((await phone.response(callId, 'REGISTER')).statusCode).toBe(401);

    const invite = await phone.invite(`sip:299@${fixture.addresses.realm}`, 'v=0');
    expect((await phone.response(invite.callId, 'INVITE')).statusCode).toBe(480); // not registered
    const replay = invite.sent
      .replaceAll(invite.callId, 'replayed-call')
      .replace(invite.branch, 'z9hG4bKreplay');
    phone.send(replay);
    expect((await phone.response('replayed-call', 'INVITE')).statusCode).toBe(407);
  });

  it('sip.js answers those fresh challenges: it registers, unregisters and registers again', async () => {
    const phone = await registerPhone(fixture.addresses, DEMO.protectedExtension);
    const registrar = () => fixture.pbx.sipService.stats().bindings;
    expect(registrar()).toBe(1);
    await phone.registerer.unregister();
    await expect.poll(() => phone.registerer.state).toBe(RegistererState.Unregistered);
    expect(registrar()).toBe(0);
    await phone.registerer.register();
    await expect.poll(() => phone.registerer.state).toBe(RegistererState.Registered);
    expect(registrar()).toBe(1);
    await phone.stop();
  });
});

describe('throttles never stand between a phone and 112', () => {
  let fixture: Fixture;
  let admin: PbxApiClient;
  /** 201's own phone: registered before any failure, its socket open for the whole block. */
  let registered: SipPeer;
  beforeAll(async () => {
    fixture = await startTestPbx({ farEndRingMs: 50 });
    registered = await SipPeer.connect(
      fixture.addresses.sipWebSocketUrl,
      fixture.addresses.realm,
      DEMO.protectedExtension.number,
      DEMO.protectedExtension.password,
    );
    expect((await registered.register()).final.statusCode).toBe(200);
    // Before any failure: the admin signs in over HTTP, which the first test throttles.
    admin = await PbxApiClient.signIn(
      fixture.addresses.apiUrl,
      'admin',
      DEMO.admin.username,
      DEMO.admin.password,
    );
  });
  afterAll(async () => {
    await registered.close();
    await fixture.pbx.stop();
  });

  /** A 112 INVITE from `phone` (201's registered phone unless given); hangs up an answered call. */
  async function emergencyCall(phone: SipPeer = registered) {
    const media = new WeriftPhoneMedia();
    const invite = await phone.invite(
      `sip:112@${fixture.addresses.realm}`,
      (await media.getDescription()).body,
    );
    const final = await phone.response(invite.callId, 'INVITE');
    if (final.statusCode === 200) {
      const dialog = {
        requestUri: invite.requestUri,
        callId: invite.callId,
        from: invite.from,
        to: `${invite.to};tag=${final.toTag}`,
      };
      phone.inDialog({ ...dialog, method: 'ACK', cseq: invite.cseq });
      phone.inDialog({ ...dialog, method: 'BYE', cseq: invite.cseq + 1 });
      await phone.response(invite.callId, 'BYE');
    }
    media.close();
    return final;
  }

  // Breaks if HTTP and SIP share one counter again (the REGISTER gets 403 Too Many Failed Attempts,
  // and without the emergency exemption so does the 112 INVITE).
  it('ten bad token requests from the same address do not stop an authenticated 112 INVITE', async () => {
    const api = new PbxApiClient(fixture.addresses.apiUrl);
    for (let i = 0; i < 10; i++) {
      const bad = await api.request('POST', '/token', { extension: '201', password: `wrong-${i}` });
      expect(bad.status).toBe(401);
    }
    const throttled = await api.request('POST', '/token', DEMO_TOKEN);
    expect(throttled.status).toBe(429); // right password, but the address is throttled for HTTP
    expect((await emergencyCall()).statusCode).toBe(200);
    // SIP keeps its own counter: the phone at that address still registers.
    const phone = await peer(fixture, DEMO.addOnExtension);
    expect((await phone.register()).final.statusCode).toBe(200);
  });

  // Breaks if the emergency INVITE asks the throttle (403), or if the throttle is asked before the
  // credentials are checked (the wrong-password INVITE would count nothing).
  it('a source throttled for SIP still places 112, and is still refused everything else', async () => {
    for (let i = 0; i < 10; i++) {
      const wrong = await peer(fixture, { number: '201', password: `wrong-${i}` });
      expect((await wrong.register()).final.statusCode).toBe(403);
    }
    const right = await peer(fixture, DEMO.protectedExtension);
    const refused = (await right.register()).final;
    expect(refused.statusCode).toBe(403);
    expect(refused.reasonPhrase).toBe('Too Many Failed Attempts');
    const wrongInvite = await peer(fixture, { number: '201', password: 'wrong-again' });
    const paid = await wrongInvite.invite(`sip:0301234567@${fixture.addresses.realm}`, 'v=0');
    expect((await wrongInvite.response(paid.callId, 'INVITE')).statusCode).toBe(403);
    expect((await emergencyCall()).statusCode).toBe(200);

    // The admin sees why: the address and the extension it guessed at.
    const view = await admin.request('GET', '/admin/security/throttles');
    expect(view.status).toBe(200);
    const body = view.body as {
      sip: { sources: Entry[]; extensions: Entry[] };
      http: { extensions: Entry[] };
    };
    expect(body.sip.sources.find((source) => source.key.endsWith('127.0.0.1'))?.throttled).toBe(true);
    expect(body.sip.extensions.find((entry) => entry.key === '201')?.throttled).toBe(true);
    expect(body.http.extensions.find((entry) => entry.key === '201')?.failuresInWindow).toBe(10);
  });

  // Breaks if the emergency exemption is decided before authentication or without the registration
  // on the INVITE's own socket (review finding A: 112 as an unlimited password oracle). Then the
  // wrong password gets 403 Forbidden (never throttled) and the right one from a stranger's socket
  // gets 200, so a guesser can tell them apart without limit.
  it('a 112 INVITE from a socket without 201’s registration is throttled like any other request', async () => {
    // The previous test left the address (and 201) throttled for SIP; make sure of it either way.
    for (let i = 0; i < 10; i++) {
      const wrong = await peer(fixture, { number: '201', password: `guess-${i}` });
      await wrong.register();
    }
    const guesser = await peer(fixture, { number: '201', password: 'guess-112' });
    const guessed = await emergencyCall(guesser);
    expect(guessed.statusCode).toBe(403);
    expect(guessed.reasonPhrase).toBe('Too Many Failed Attempts');
    // The right password from a socket that holds no registration learns nothing either.
    const stranger = await peer(fixture, DEMO.protectedExtension);
    const right = await emergencyCall(stranger);
    expect(right.statusCode).toBe(403);
    expect(right.reasonPhrase).toBe('Too Many Failed Attempts');
    // 201's own registered phone still reaches 112.
    expect((await emergencyCall()).statusCode).toBe(200);
  });
});

interface Entry {
  key: string;
  throttled: boolean;
  failuresInWindow: number;
}
const DEMO_TOKEN = { extension: DEMO.protectedExtension.number, password: DEMO.protectedExtension.password };
