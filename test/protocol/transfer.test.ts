import { SessionState } from 'sip.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startTestPbx } from '../support/pbx-fixture';
import { inState, labelledPhone, mediaOf, refer, type LabelledPhone } from './transfer-phones';

/**
 * Transfer on the test PBX with three sip.js phones (202, 203, 204): blind (REFER) and attended
 * (REFER with Replaces), the sipfrag NOTIFYs to the transferor (RFC 3515) and the PBX connecting
 * transferee and target itself (third-party call control: who ends up with whose SDP is read from
 * the labelled descriptions, transfer-phones.ts).
 */
let fixture: Awaited<ReturnType<typeof startTestPbx>>;
let a: LabelledPhone; // 203, the transferee
let b: LabelledPhone; // 204, the transferor
let c: LabelledPhone; // 202, the target

beforeAll(async () => {
  fixture = await startTestPbx();
  const { sipWebSocketUrl, realm } = fixture.addresses;
  a = await labelledPhone(sipWebSocketUrl, realm, DEMO.notEntitledExtension);
  b = await labelledPhone(sipWebSocketUrl, realm, DEMO.addOnExtension);
  c = await labelledPhone(sipWebSocketUrl, realm, DEMO.availableExtension);
});
afterAll(async () => {
  await Promise.all([a, b, c].map((phone) => phone?.stop()));
  await fixture.pbx.stop();
});

const idle = () =>
  expect
    .poll(() => fixture.pbx.sipService.stats(), { timeout: 30_000 })
    .toMatchObject({ calls: 0, dialogs: 0, pendingInvites: 0, watchedExtensions: 0 });

describe('blind transfer (REFER)', () => {
  it('connects the transferee to the target, tells the transferor 100 then 200, and releases it', async () => {
    const call = a.call('204');
    const atB = await b.nextIncoming();
    await inState(call, SessionState.Established);
    expect(mediaOf(call).peer).toBe('204');

    // The phone may write any host (its domain is the WebSocket's host without a SIP domain): the
    // user part decides, as for an INVITE.
    const outcome = await refer(atB, { target: 'sip:202@127.0.0.1' });
    // Breaks if the PBX refuses (403, as before transfers) or answers REFER with anything but 202.
    expect(outcome.reason).toBe('Accepted');
    expect(outcome.status).toBe(202);
    const atC = await c.nextIncoming();
    // The target is called in the transferee's name, without an offer (it offers itself).
    expect(atC.request.from.uri.user).toBe('203');
    expect(atC.request.getHeader('referred-by')).toContain('sip:204@');
    expect(atC.request.body).toBe('');
    await outcome.done;
    expect(outcome.notifies[0]).toBe('SIP/2.0 100 Trying');
    expect(outcome.notifies.at(-1)).toBe('SIP/2.0 200 OK');
    // The transferor's dialog is over; the transferee's call goes on, now with the target's media.
    await inState(atB, SessionState.Terminated);
    await inState(atC, SessionState.Established);
    expect(call.state).toBe(SessionState.Established);
    // Breaks if the PBX does not re-INVITE the transferee with the target's offer, or does not
    // ACK the target with the transferee's answer.
    expect(mediaOf(call).peer).toBe('202');
    await expect.poll(() => mediaOf(atC).peer, { timeout: 20_000 }).toBe('203');

    // Hanging up on either side ends the other: the two are one call now.
    await call.bye();
    await inState(atC, SessionState.Terminated);
    await idle();
    const records = fixture.pbx.db
      .listCallRecords()
      .filter((record) => record.callId === call.request.callId);
    expect(records).toMatchObject([{ caller: '203', destination: '204', result: 'completed' }]);
  }, 90_000);

  it('a busy target leaves the call as it was and tells the transferor why', async () => {
    const { sipWebSocketUrl, realm } = fixture.addresses;
    const busy = await labelledPhone(sipWebSocketUrl, realm, DEMO.protectedExtension, false);
    try {
      const call = a.call('204');
      const atB = await b.nextIncoming();
      await inState(call, SessionState.Established);
      const ringing = busy.nextIncoming().then((invitation) => invitation.reject({ statusCode: 486 }));
      const outcome = await refer(atB, { target: `sip:201@${realm}` });
      expect(outcome.status).toBe(202);
      await ringing;
      await outcome.done;
      // Breaks if a failed transfer tears the call down or reports success.
      expect(outcome.notifies.at(-1)).toBe('SIP/2.0 486 Busy Here');
      expect(call.state).toBe(SessionState.Established);
      expect(atB.state).toBe(SessionState.Established);
      expect(mediaOf(call).peer).toBe('204');
      await atB.bye();
      await inState(call, SessionState.Terminated);
      await idle();
    } finally {
      await busy.stop();
    }
  }, 90_000);
  it('goes on when the transferor hangs up right after 202 (the usual blind transfer)', async () => {
    const call = a.call('204');
    const atB = await b.nextIncoming();
    await inState(call, SessionState.Established);
    const { sipWebSocketUrl, realm } = fixture.addresses;
    const slow = await labelledPhone(sipWebSocketUrl, realm, DEMO.protectedExtension, false);
    try {
      const outcome = await refer(atB, { target: `sip:201@${realm}` });
      expect(outcome.status).toBe(202);
      await atB.bye(); // B leaves before 201 answers
      const atTarget = await slow.nextIncoming();
      await atTarget.accept();
      // Breaks if the transferor's BYE ends the transferee's call or stops the transfer.
      await expect.poll(() => mediaOf(call).peer, { timeout: 20_000 }).toBe('201');
      expect(call.state).toBe(SessionState.Established);
      await atTarget.bye();
      await inState(call, SessionState.Terminated);
      await idle();
    } finally {
      await slow.stop();
    }
  }, 90_000);

  it('the transferee hanging up while the target rings ends everything (target cancelled)', async () => {
    const call = a.call('204');
    const atB = await b.nextIncoming();
    await inState(call, SessionState.Established);
    const { sipWebSocketUrl, realm } = fixture.addresses;
    const slow = await labelledPhone(sipWebSocketUrl, realm, DEMO.protectedExtension, false);
    try {
      const outcome = await refer(atB, { target: `sip:201@${realm}` });
      expect(outcome.status).toBe(202);
      const atTarget = await slow.nextIncoming();
      await call.bye();
      // Breaks if the target keeps ringing for a call that is gone, or the transferor stays in it.
      await inState(atTarget, SessionState.Terminated);
      await inState(atB, SessionState.Terminated);
      await idle();
    } finally {
      await slow.stop();
    }
  }, 90_000);
});

describe('attended transfer (REFER with Replaces)', () => {
  it('joins the transferee to the consult call’s other party and ends both of the transferor’s calls', async () => {
    const first = a.call('204'); // A → B
    const atB = await b.nextIncoming();
    await inState(first, SessionState.Established);
    const consult = b.call('202'); // B → C, the consult call
    const atC = await c.nextIncoming();
    await inState(consult, SessionState.Established);

    const outcome = await refer(atB, { target: consult });
    // Breaks if Replaces is not honoured (403/400) or the REFER is not accepted.
    expect(outcome.status).toBe(202);
    await outcome.done;
    expect(outcome.notifies.at(-1)).toBe('SIP/2.0 200 OK');
    await inState(atB, SessionState.Terminated);
    await inState(consult, SessionState.Terminated);
    expect(first.state).toBe(SessionState.Established);
    expect(atC.state).toBe(SessionState.Established);
    // The target offered anew (offerless re-INVITE) and the transferee answered it.
    expect(mediaOf(first).peer).toBe('202');
    await expect.poll(() => mediaOf(atC).peer, { timeout: 20_000 }).toBe('203');

    await atC.bye();
    await inState(first, SessionState.Terminated);
    await idle();
    const consultRecord = fixture.pbx.db
      .listCallRecords()
      .find((record) => record.callId === consult.request.callId);
    expect(consultRecord).toMatchObject({ caller: '204', destination: '202', result: 'transferred' });
  }, 90_000);
});
