import { join } from 'node:path';
import { SessionState, type Session } from 'sip.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSFER_REASONS } from '../pbx/calls/transfer-target';
import { DEMO, registerPhone, startTestPbx } from '../support/pbx-fixture';
import { addSecondCompany, OTHER_COMPANY } from '../support/second-company';
import { typeKeys, type TestPhone } from '../support/test-phone';
import { SipPeer } from './sip-peer';
import { inState, labelledPhone, mediaOf, refer, type LabelledPhone } from './transfer-phones';

/**
 * Transfer vectors against the PIN (docs/test-pbx.md, "Transfer"): a REFER must never reach a paid
 * number without the transferring extension's PIN. The rule: transfers go to internal extensions
 * only; everything else is refused with 403 and a reason the phone shows, and nothing is dialled.
 * Each test checks the refusal AND that no call left the PBX (far end) or rang anyone.
 */
let fixture: Awaited<ReturnType<typeof startTestPbx>>;
let a: LabelledPhone; // 203, transferee
let b: LabelledPhone; // 204, transferor (PIN protection active: paid calls need its PIN)
let c: LabelledPhone; // 202, would-be target
const testPhones: TestPhone[] = [];
let realm = '';

beforeAll(async () => {
  fixture = await startTestPbx({ pinRules: { firstDigitTimeoutMs: 60_000, interDigitTimeoutMs: 20_000 } });
  realm = fixture.addresses.realm;
  // A second company whose 301/302 the demo company's dial plan also claims (300–399): only the
  // company check keeps a transfer from reaching them (support/second-company.ts).
  addSecondCompany(join(fixture.directory, 'pbx.sqlite'), realm, { overlap: true });
  const url = fixture.addresses.sipWebSocketUrl;
  a = await labelledPhone(url, realm, DEMO.notEntitledExtension);
  b = await labelledPhone(url, realm, DEMO.addOnExtension);
  c = await labelledPhone(url, realm, DEMO.availableExtension);
});
afterAll(async () => {
  await Promise.all(testPhones.map((phone) => phone.stop()));
  await Promise.all([a, b, c].map((phone) => phone?.stop()));
  await fixture.pbx.stop();
});

/** A → B answered; returns both ends. */
async function internalCall(): Promise<{ atA: Session; atB: Session }> {
  const atA = a.call('204');
  const atB = await b.nextIncoming();
  await inState(atA, SessionState.Established);
  await inState(atB, SessionState.Established);
  return { atA, atB };
}

async function hangUp(session: Session): Promise<void> {
  if (session.state === SessionState.Established) await session.bye();
}

async function settled(): Promise<void> {
  await expect
    .poll(() => fixture.pbx.sipService.stats(), { timeout: 30_000 })
    .toMatchObject({ calls: 0, dialogs: 0, pendingInvites: 0, watchedExtensions: 0 });
}

const PAID_SPELLINGS = [
  '<sip:0301234567@REALM>',
  '<sip:+49301234567@REALM>',
  '<sip:0049301234567@REALM>',
  '<sip:030-123-4567@REALM>',
  '<sip:%30%33%30%31%32%33%34%35%36%37@REALM>',
  '<sip:0301234567;phone-context=+49@REALM>',
  '<sip:0301234567@REALM;user=phone>',
  '<sips:0301234567@REALM>',
  '"Empfang" <sip:0301234567@REALM>',
  'sip:0301234567@REALM',
  '<tel:+49301234567>',
  '<sip:0301234567@pstn.example>',
  // Not paid, but not internal either: the rule is "internal or nothing".
  '<sip:112@REALM>',
  '<sip:08001234567@REALM>',
  '<sip:*43@REALM>',
  '<sip:299@REALM>',
];

describe('blind transfer to anything but an internal extension is refused', () => {
  it.each(PAID_SPELLINGS)('Refer-To: %s → 403, nothing dialled', async (spelling) => {
    const { atA, atB } = await internalCall();
    try {
      const farEndBefore = fixture.pbx.farEndCalls.length;
      const rungBefore = c.incoming.length;
      const outcome = await refer(atB, { referTo: spelling.replace('REALM', realm) });
      // Breaks if a REFER to a paid number is accepted (202) or routed (the PIN would be skipped).
      // (A tel: URI is already refused by the SIP parser with 400.)
      if (spelling.startsWith('<tel:')) expect([400, 403]).toContain(outcome.status);
      else {
        expect(outcome.status).toBe(403);
        expect(outcome.reason).toBe(TRANSFER_REASONS.notInternal);
      }
      expect(fixture.pbx.farEndCalls.length).toBe(farEndBefore);
      expect(c.incoming.length).toBe(rungBefore);
      // The call itself goes on untouched.
      expect(atA.state).toBe(SessionState.Established);
      expect(mediaOf(atA).peer).toBe('204');
    } finally {
      await hangUp(atB);
      await settled();
    }
  });

  it('URI headers in Refer-To are refused, never copied into a new request', async () => {
    for (const header of [
      `<sip:202@${realm}?X-Tollgate-Pin=1>`,
      `<sip:202@${realm}?Route=%3Csip:0301234567@${realm}%3E>`,
      `<sip:202@${realm}?Request-URI=sip:0301234567@${realm}>`,
    ]) {
      const { atB } = await internalCall();
      try {
        const outcome = await refer(atB, { referTo: header });
        // Breaks if headers ride along (a naive B2BUA copies them into the INVITE it sends).
        expect([400, 403], header).toContain(outcome.status);
        expect(c.incoming.length).toBe(0);
      } finally {
        await hangUp(atB);
        await settled();
      }
    }
  });

  it('REFER outside a dialog is refused before anything else', async () => {
    const peer = await SipPeer.connect(fixture.addresses.sipWebSocketUrl, realm, '204', 'demo-pass-204');
    try {
      peer.send(
        [
          `REFER sip:203@${realm} SIP/2.0`,
          'Via: SIP/2.0/WS x.invalid;branch=z9hG4bKrefer1',
          'Max-Forwards: 70',
          `From: <sip:204@${realm}>;tag=r1`,
          `To: <sip:203@${realm}>`,
          'Call-ID: refer-outside',
          'CSeq: 1 REFER',
          `Contact: <${peer.contact}>`,
          `Refer-To: <sip:0301234567@${realm}>`,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
      const response = await peer.response('refer-outside', 'REFER');
      // Breaks if an out-of-dialog REFER starts anything (or is challenged as if it could).
      expect(response.statusCode).toBe(403);
      expect(response.reasonPhrase).toBe('Transfer Only Inside A Call');
      expect(fixture.pbx.farEndCalls.filter((call) => call.callId === 'refer-outside')).toEqual([]);
    } finally {
      await peer.close();
    }
  });
});

describe('a transfer stays inside the company and never targets a party of the call itself', () => {
  it("another company's extension: blind REFER and a Replaces naming a call with it are refused, nothing rings there", async () => {
    const other = await labelledPhone(fixture.addresses.sipWebSocketUrl, realm, OTHER_COMPANY.first); // 301
    try {
      const { atA, atB } = await internalCall(); // 203 ↔ 204
      const blind = await refer(atB, { target: `sip:${OTHER_COMPANY.first.number}@${realm}` });
      // Breaks if internalTarget (routing/invite-router.ts) does not compare companies: 301 rings
      // and 203 is connected to another company's phone.
      expect(blind.status).toBe(403);
      expect(blind.reason).toBe(TRANSFER_REASONS.notInternal);
      expect(other.incoming).toHaveLength(0);
      expect(atA.state).toBe(SessionState.Established);
      expect(mediaOf(atA).peer).toBe('204');

      // The overlapping dial plan lets 204 reach 301 (an internal call); handing 203 to that call is
      // still refused. Breaks without the company check in InternalCall.startAttended: 203 is joined
      // to 301.
      const consult = b.call(OTHER_COMPANY.first.number);
      await other.nextIncoming();
      await inState(consult, SessionState.Established);
      const attended = await refer(atB, { target: consult });
      expect(attended.status).toBe(403);
      expect(attended.reason).toBe(TRANSFER_REASONS.notInternal);
      expect(atA.state).toBe(SessionState.Established);
      expect(mediaOf(atA).peer).toBe('204');
      expect(consult.state).toBe(SessionState.Established);
      expect(other.incoming).toHaveLength(1); // the consult call only
      await Promise.all([hangUp(atB), hangUp(consult)]);
      await settled();
    } finally {
      await other.stop();
    }
  }, 90_000);

  it('a REFER naming the transferee or the transferor itself is refused (403), nothing rings', async () => {
    const { atA, atB } = await internalCall(); // 203 ↔ 204, 204 transfers
    try {
      const ringsBefore = [a.incoming.length, b.incoming.length, c.incoming.length];
      for (const self of ['203', '204']) {
        const outcome = await refer(atB, { target: `sip:${self}@${realm}` });
        // Breaks without the party check in InternalCall.onRefer: 202 Accepted, the same phone rings
        // with a second call and the first one is left dangling.
        expect(outcome.status, self).toBe(403);
        expect(outcome.reason, self).toBe(TRANSFER_REASONS.toAParty);
      }
      expect([a.incoming.length, b.incoming.length, c.incoming.length]).toEqual(ringsBefore);
      expect(atA.state).toBe(SessionState.Established);
      expect(mediaOf(atA).peer).toBe('204');
    } finally {
      await hangUp(atB);
      await settled();
    }
  }, 90_000);
});

describe('attended transfer: Replaces names only a call of the transferor, never a paid one', () => {
  it("Replaces of someone else's dialog is refused and both calls go on", async () => {
    const { sipWebSocketUrl } = fixture.addresses;
    const other = await labelledPhone(sipWebSocketUrl, realm, DEMO.protectedExtension); // 201
    try {
      const { atA, atB } = await internalCall(); // 203 ↔ 204
      const foreign = c.call('201'); // 202 ↔ 201, nothing to do with 204
      await other.nextIncoming();
      await inState(foreign, SessionState.Established);
      const dialog = foreign.dialog;
      if (!dialog) throw new Error('no dialog');
      // 204 copies the foreign dialog's identifiers (they travel in clear) into Replaces.
      const replaces = encodeURIComponent(
        `${dialog.callId};to-tag=${dialog.remoteTag};from-tag=${dialog.localTag}`,
      );
      const outcome = await refer(atB, { referTo: `<sip:pbx@pbx.invalid?Replaces=${replaces}>` });
      // Breaks if the PBX trusts Call-ID and tags without checking whose dialog it is.
      expect(outcome.status).toBe(403);
      expect(outcome.reason).toBe(TRANSFER_REASONS.notYours);
      expect(foreign.state).toBe(SessionState.Established);
      expect(atA.state).toBe(SessionState.Established);
      expect(mediaOf(foreign).peer).toBe('201');

      // The transferor's own dialog with a wrong from-tag is no better.
      const consult = b.call('202');
      await c.nextIncoming();
      await inState(consult, SessionState.Established);
      const own = consult.dialog;
      if (!own) throw new Error('no dialog');
      const wrongTag = encodeURIComponent(`${own.callId};to-tag=${own.remoteTag};from-tag=guessed`);
      const guessed = await refer(atB, { referTo: `<sip:pbx@pbx.invalid?Replaces=${wrongTag}>` });
      expect(guessed.status).toBe(403);
      // Its own consult call, but Refer-To naming a paid number instead of the consult's party.
      const right = encodeURIComponent(`${own.callId};to-tag=${own.remoteTag};from-tag=${own.localTag}`);
      const renamed = await refer(atB, { referTo: `<sip:0301234567@${realm}?Replaces=${right}>` });
      expect(renamed.status).toBe(403);
      expect(consult.state).toBe(SessionState.Established);
      await Promise.all([hangUp(foreign), hangUp(atB), hangUp(consult)]);
      await settled();
    } finally {
      await other.stop();
    }
  }, 90_000);

  it('a call still in the PIN IVR cannot be transferred (blind or attended)', async () => {
    const protectedPhone = await registerPhone(fixture.addresses, DEMO.protectedExtension);
    testPhones.push(protectedPhone);
    const rungBefore = c.incoming.length;
    const inIvr = protectedPhone.call('0301234567');
    await inIvr.established; // answer-first: the PIN prompt plays now
    const farEndBefore = fixture.pbx.farEndCalls.length;
    const blind = await refer(inIvr.session, { target: `sip:202@${realm}` });
    // Breaks if a media call accepts REFER (the far end could be reached without the PIN).
    expect(blind.status).toBe(403);
    expect(blind.reason).toBe(TRANSFER_REASONS.notInCall);
    const toPaid = await refer(inIvr.session, { referTo: `<sip:0301234567@${realm}>` });
    expect(toPaid.status).toBe(403);
    expect(fixture.pbx.farEndCalls.length).toBe(farEndBefore);
    expect(c.incoming.length).toBe(rungBefore);
    await inIvr.hangUp();
    await settled();
  }, 90_000);

  it('a consult call to a paid number (PIN entered) cannot be handed to a colleague', async () => {
    // 201 has PIN protection: its paid consult call went through the PIN IVR, but the transferee
    // (202) would then talk on 201's paid call without any PIN of its own.
    const protectedPhone = await registerPhone(fixture.addresses, DEMO.protectedExtension);
    testPhones.push(protectedPhone);
    const paid = protectedPhone.call('0301234567');
    await paid.established;
    const farEndBefore = fixture.pbx.farEndCalls.length;
    // Keys count once the prompt's audio arrives (media connected).
    await expect.poll(() => paid.media().receivedAudioPackets, { timeout: 30_000 }).toBeGreaterThan(5);
    await typeKeys(paid, `${DEMO.protectedExtension.pin}#`);
    await expect
      .poll(
        () => fixture.pbx.farEndCalls.find((call) => call.callId === paid.session.request.callId)?.answeredAt,
        {
          timeout: 30_000,
        },
      )
      .toEqual(expect.any(Number));
    // The colleague needs real media to take a real phone's call: 202 on werift from here on.
    await c.stop();
    let atC = null as Session | null;
    const colleague = await registerPhone(fixture.addresses, DEMO.availableExtension, (invitation) => {
      atC = invitation;
      void invitation.accept();
    });
    testPhones.push(colleague);
    const internal = protectedPhone.call('202');
    await internal.established;
    const outcome = await refer(internal.session, { target: paid.session });
    // Breaks if Replaces may name a media (paid) call: 202 would be bridged to the paid far end.
    expect(outcome.status).toBe(403);
    expect(outcome.reason).toBe(TRANSFER_REASONS.notInternal);
    expect(fixture.pbx.farEndCalls.length).toBe(farEndBefore + 1);
    expect(atC?.state).toBe(SessionState.Established);
    await internal.hangUp();
    await paid.hangUp();
    await settled();
  }, 90_000);
});
