import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PbxApiClient } from '../support/pbx-api-client';
import { DEMO, registerPhone, startTestPbx } from '../support/pbx-fixture';
import type { TestPhone } from '../support/test-phone';
import { callIdOf, PbxEventLog, promptStarted, until } from './pin-call-helpers';

/**
 * The PIN scope against a running PBX (issue #14): with 201's scope "international", a national paid
 * call goes to the far end without the PIN IVR, and `+44…` / `0044…` still get the IVR. The scope is
 * set through the admin API, as an admin would. Breaks when routing ignores the scope (the national
 * call then gets the IVR) or reads "international" from the spelling (`0044…` then passes unasked),
 * or from the calling code alone (`+49 0044…` then passes unasked: audit B1).
 */
type Fixture = Awaited<ReturnType<typeof startTestPbx>>;

describe('PIN scope "international only"', { timeout: 120_000 }, () => {
  let fixture: Fixture;
  let events: PbxEventLog;
  let phone: TestPhone;

  beforeAll(async () => {
    fixture = await startTestPbx({
      pinRules: { firstDigitTimeoutMs: 60_000, interDigitTimeoutMs: 20_000 },
      farEndRingMs: 50,
    });
    events = new PbxEventLog(fixture.pbx.events);
    phone = await registerPhone(fixture.addresses, DEMO.protectedExtension);
    const admin = await PbxApiClient.signIn(
      fixture.addresses.apiUrl,
      'admin',
      DEMO.admin.username,
      DEMO.admin.password,
    );
    const set = await admin.request('PATCH', '/admin/extensions/201/call-settings', {
      pinScope: 'international',
    });
    expect(set.body).toMatchObject({ effectivePinScope: 'international', ivrAuthentication: true });
  });
  afterAll(async () => {
    events.stop();
    await phone.stop();
    await fixture.pbx.stop();
  });

  it('a national paid call reaches the far end without the PIN IVR', async () => {
    const call = phone.call('0301234567');
    await call.established;
    await until(
      () =>
        fixture.pbx.farEndCalls.some(
          (record) => record.callId === callIdOf(call) && record.answeredAt !== null,
        ),
      'the far end answering',
    );
    expect(fixture.pbx.farEndCalls.find((record) => record.callId === callIdOf(call))).toMatchObject({
      destination: '+49301234567',
      callClass: 'external',
    });
    await call.hangUp();
    await events.waitFor('call-ended', { callId: callIdOf(call) });
    expect(events.count('pin-session-opened', { callId: callIdOf(call) })).toBe(0);
    expect(fixture.pbx.db.listCallRecords().find((record) => record.callId === callIdOf(call))).toMatchObject(
      {
        pinOutcome: 'not-required',
        codeLabel: null,
      },
    );
  });

  // Audit B1: London and Jamaica spelled behind the company's own +49 ("+49 0044…" is "+49 044…",
  // which a trunk that writes "+49" as "0" dials as 0044… = London). Break: classifyDestination's
  // `international` without the validity check — these then reach the far end with no PIN.
  it.each([
    '+44 20 7946 0018',
    '0044 20 7946 0018',
    '00442079460018',
    '+49 0044 20 7946 0018',
    '0049 0044 2079460018',
    '+49 00 1 876 555 1234',
  ])('%s still gets the PIN IVR and never reaches the far end unasked', async (dialled) => {
    const call = phone.call(dialled.replaceAll(' ', ''));
    await call.established;
    await events.waitFor('pin-session-opened', { callId: callIdOf(call) });
    await promptStarted(call);
    expect(fixture.pbx.farEndCalls.filter((record) => record.callId === callIdOf(call))).toEqual([]);
    await call.hangUp();
    await events.waitFor('call-ended', { callId: callIdOf(call) });
    expect(fixture.pbx.farEndCalls.filter((record) => record.callId === callIdOf(call))).toEqual([]);
  });

  it('emergency and toll-free calls are never gated, whatever the scope', async () => {
    for (const dialled of ['112', '08001234567']) {
      const call = phone.call(dialled);
      await call.established;
      await until(
        () => fixture.pbx.farEndCalls.some((record) => record.callId === callIdOf(call)),
        `${dialled} at the far end`,
      );
      await call.hangUp();
      await events.waitFor('call-ended', { callId: callIdOf(call) });
      expect(events.count('pin-session-opened', { callId: callIdOf(call) })).toBe(0);
    }
  });
});
