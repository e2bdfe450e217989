import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PbxApiClient } from '../support/pbx-api-client';
import { DEMO, registerPhone, startTestPbx } from '../support/pbx-fixture';
import { type TestCall, type TestPhone, typeKeys } from '../support/test-phone';
import { callIdOf, PbxEventLog, promptStarted, typeCode, until } from './pin-call-helpers';

/**
 * The PIN gate against a running PBX, called the way an autodialer would (issue #10): every wrong
 * code counts when it is entered, whatever happens to the call afterwards. Each test asserts the
 * wrong codes the PBX *recorded* (store and log events), not only how the call ended, so a PBX that
 * heard no digit at all fails: with DTMF detection broken (DtmfDetector.receive in
 * test/pbx/media/rfc4733.ts returning null) every test here that types a code fails — checked once.
 */
type Fixture = Awaited<ReturnType<typeof startTestPbx>>;

const PAID = '0301234567';
/** Long enough that no first-digit timeout happens while a loaded CI machine runs the test. */
const PIN_RULES = { firstDigitTimeoutMs: 60_000, interDigitTimeoutMs: 20_000 };
/** The budget under test; no quarantine and no source block, so tests of one file stay independent. */
const LOCKOUT_RULES = {
  wrongCodesToLock: 4,
  lockoutsToQuarantine: 1_000,
  wrongCodesPerSourceToBlock: 1_000,
};

function pinSecurity(fixture: Fixture, extension: string) {
  return fixture.pbx.db.pinSecurity(extension, Date.now());
}

async function adminOf(fixture: Fixture) {
  return PbxApiClient.signIn(fixture.addresses.apiUrl, 'admin', DEMO.admin.username, DEMO.admin.password);
}

describe('the PIN gate counts every wrong code (answer first)', () => {
  let fixture: Fixture;
  let events: PbxEventLog;
  let phones: Record<'201' | '204', TestPhone>;
  let admin: PbxApiClient;

  beforeAll(async () => {
    fixture = await startTestPbx({ pinRules: PIN_RULES, lockoutRules: LOCKOUT_RULES });
    events = new PbxEventLog(fixture.pbx.events);
    phones = {
      '201': await registerPhone(fixture.addresses, DEMO.protectedExtension),
      '204': await registerPhone(fixture.addresses, DEMO.addOnExtension),
    };
    admin = await adminOf(fixture);
  });
  afterAll(async () => {
    events.stop();
    await Promise.all(Object.values(phones).map((phone) => phone.stop()));
    await fixture.pbx.stop();
  });
  beforeEach(async () => {
    // Each test starts with an open gate (an unlock also starts a new window of wrong codes).
    for (const extension of ['201', '204'])
      await admin.request('POST', `/admin/extensions/${extension}/unlock`);
  });

  async function inPrompt(extension: '201' | '204'): Promise<TestCall> {
    const call = phones[extension].call(PAID);
    await call.established;
    await events.waitFor('pin-session-opened', { callId: callIdOf(call) });
    await promptStarted(call);
    return call;
  }

  async function ended(call: TestCall) {
    const outcome = await call.ended;
    await events.waitFor('call-ended', { callId: callIdOf(call) });
    return outcome;
  }

  const recordOf = (call: TestCall) =>
    fixture.pbx.db.listCallRecords().find((record) => record.callId === callIdOf(call));

  it.each([1, 2])('counts %i wrong codes when the caller hangs up after them', async (codes) => {
    const before = pinSecurity(fixture, '201');
    const call = await inPrompt('201');
    for (let i = 0; i < codes; i++) await typeCode(events, call, `${1111 * (i + 1)}#`);
    await call.hangUp();
    await ended(call);
    const after = pinSecurity(fixture, '201');
    expect(after.wrongCodes - before.wrongCodes).toBe(codes);
    expect(after.timeouts - before.timeouts).toBe(0);
    expect(events.count('pin-wrong-code', { callId: callIdOf(call) })).toBe(codes);
    // Left the IVR after a wrong code: a failed call, not an abandoned one.
    expect(recordOf(call)).toMatchObject({ pinOutcome: 'failed', pinAttempts: codes, result: 'abandoned' });
    expect(fixture.pbx.farEndCalls.find((record) => record.callId === callIdOf(call))).toBeUndefined();
  });

  it('counts a code when the caller hangs up while it is being checked', async () => {
    const before = pinSecurity(fixture, '201');
    const call = await inPrompt('201');
    await typeKeys(call, '9876#');
    await call.hangUp(); // at once: the code is still being hashed and compared
    await events.waitFor('pin-wrong-code', { callId: callIdOf(call) });
    await ended(call);
    expect(pinSecurity(fixture, '201').wrongCodes - before.wrongCodes).toBe(1);
    expect(recordOf(call)).toMatchObject({ pinOutcome: 'failed', pinAttempts: 1 });
  });

  it('counts keys typed without # when the caller hangs up', async () => {
    const before = pinSecurity(fixture, '201');
    const call = await inPrompt('201');
    await typeKeys(call, '5555');
    await call.hangUp();
    await events.waitFor('pin-wrong-code', { callId: callIdOf(call) });
    await ended(call);
    expect(pinSecurity(fixture, '201').wrongCodes - before.wrongCodes).toBe(1);
    expect(recordOf(call)).toMatchObject({ pinOutcome: 'failed', pinAttempts: 1 });
  });

  it('takes * and A–D as part of the code: the right PIN with one of them is a wrong code', async () => {
    const before = pinSecurity(fixture, '201');
    const call = await inPrompt('201');
    await typeCode(events, call, `${DEMO.protectedExtension.pin}*#`);
    await typeCode(events, call, `A${DEMO.protectedExtension.pin}#`);
    expect(events.count('pin-wrong-code', { callId: callIdOf(call) })).toBe(2);
    await typeCode(events, call, `${DEMO.protectedExtension.pin}#`);
    await events.waitFor('pin-accepted', { callId: callIdOf(call) });
    await until(
      () =>
        fixture.pbx.farEndCalls.some(
          (record) => record.callId === callIdOf(call) && record.answeredAt !== null,
        ),
      'the far end to answer',
    );
    await call.hangUp();
    await ended(call);
    expect(pinSecurity(fixture, '201').wrongCodes - before.wrongCodes).toBe(2);
    expect(recordOf(call)).toMatchObject({ pinOutcome: 'ok', pinAttempts: 3, result: 'completed' });
  });

  it('refuses a second PIN call of the same extension while one is in the prompt, without counting it', async () => {
    const before = pinSecurity(fixture, '204');
    const first = await inPrompt('204');
    const second = phones['204'].call(PAID);
    const outcome = await ended(second);
    expect(outcome).toMatchObject({
      endedBy: 'remote',
      reasonHeader: 'SIP;cause=486;text="Another PIN entry for this extension is in progress"',
    });
    expect(events.matching('pin-refused', { callId: callIdOf(second) })).toEqual([
      expect.objectContaining({ why: 'busy' }),
    ]);
    expect(recordOf(second)).toMatchObject({ pinOutcome: 'busy', pinAttempts: 0, result: 'pin-busy' });
    await first.hangUp();
    await ended(first);
    const after = pinSecurity(fixture, '204');
    expect(after.wrongCodes).toBe(before.wrongCodes);
    expect(after.lockedUntil).toBeNull();
  });

  it('locks after the budget of wrong codes across calls, refuses even the right PIN, and an admin unlock opens it', async () => {
    const extension = await PbxApiClient.signIn(
      fixture.addresses.apiUrl,
      'extension',
      '204',
      DEMO.addOnExtension.password,
    );
    const before = pinSecurity(fixture, '204');
    // Two wrong codes, hang up; two more in the next call: the fourth locks, mid-call.
    const first = await inPrompt('204');
    await typeCode(events, first, '1111#');
    await typeCode(events, first, '2222#');
    await first.hangUp();
    await ended(first);
    const second = await inPrompt('204');
    await typeCode(events, second, '3333#');
    await typeCode(events, second, '4444#');
    expect(await ended(second)).toMatchObject({
      endedBy: 'remote',
      reasonHeader: 'SIP;cause=403;text="Paid calls locked"',
    });
    await events.waitFor('extension-locked', { extension: '204' });
    const locked = pinSecurity(fixture, '204');
    expect(locked.wrongCodes - before.wrongCodes).toBe(4);
    expect(locked.timeouts - before.timeouts).toBe(0);
    expect(locked.lockedUntil).not.toBeNull();
    const policy = (await extension.request('GET', '/policy')).body as {
      pinProtection: { lockedUntil: string | null };
    };
    expect(policy.pinProtection.lockedUntil).not.toBeNull();

    // Locked: the PBX plays the locked prompt and ends the call; no PIN is asked, even the right one is useless.
    const refused = phones['204'].call(PAID);
    await refused.established;
    await promptStarted(refused);
    await typeKeys(refused, `${DEMO.addOnExtension.pin}#`);
    expect(await ended(refused)).toMatchObject({
      endedBy: 'remote',
      reasonHeader: 'SIP;cause=403;text="Paid calls locked"',
    });
    expect(events.matching('pin-refused', { callId: callIdOf(refused) })).toEqual([
      expect.objectContaining({ why: 'locked' }),
    ]);
    expect(fixture.pbx.farEndCalls.filter((record) => record.caller === '204')).toEqual([]);
    expect(recordOf(refused)).toMatchObject({ pinOutcome: 'locked' });
    expect(pinSecurity(fixture, '204').wrongCodes - before.wrongCodes).toBe(4);

    // Free destinations stay open while locked.
    const emergency = phones['204'].call('112');
    await emergency.established;
    await emergency.hangUp();

    await admin.request('POST', '/admin/extensions/204/unlock');
    await events.waitFor('extension-unlocked', { extension: '204' });
    const again = await inPrompt('204');
    await typeCode(events, again, `${DEMO.addOnExtension.pin}#`);
    await until(
      () =>
        fixture.pbx.farEndCalls.some(
          (record) => record.callId === callIdOf(again) && record.answeredAt !== null,
        ),
      'the far end to answer',
    );
    await again.hangUp();
    await ended(again);
  }, 120_000);
});

describe('the PIN gate counts every wrong code (early media, two sessions per extension)', () => {
  let fixture: Fixture;
  let events: PbxEventLog;
  let phones: Record<'201' | '204', TestPhone>;
  let admin: PbxApiClient;

  beforeAll(async () => {
    fixture = await startTestPbx({
      promptStyle: 'early-media',
      pinRules: PIN_RULES,
      lockoutRules: { ...LOCKOUT_RULES, maxPinSessionsPerExtension: 2 },
    });
    events = new PbxEventLog(fixture.pbx.events);
    phones = {
      '201': await registerPhone(fixture.addresses, DEMO.protectedExtension),
      '204': await registerPhone(fixture.addresses, DEMO.addOnExtension),
    };
    admin = await adminOf(fixture);
  });
  afterAll(async () => {
    events.stop();
    await Promise.all(Object.values(phones).map((phone) => phone.stop()));
    await fixture.pbx.stop();
  });
  beforeEach(async () => {
    for (const extension of ['201', '204'])
      await admin.request('POST', `/admin/extensions/${extension}/unlock`);
  });

  async function inPrompt(extension: '201' | '204'): Promise<TestCall> {
    const call = phones[extension].call(PAID, { earlyMedia: true });
    await call.early;
    await events.waitFor('pin-session-opened', { callId: callIdOf(call) });
    await promptStarted(call);
    return call;
  }

  it('counts codes typed before the caller cancels during the prompt', async () => {
    const before = pinSecurity(fixture, '201');
    const submitted = await inPrompt('201');
    await typeKeys(submitted, '1212#');
    await submitted.hangUp(); // CANCEL: the call was never answered
    expect(await submitted.ended).toMatchObject({ endedBy: 'rejected', rejectedWith: 487 });
    await events.waitFor('pin-wrong-code', { callId: callIdOf(submitted) });

    const typing = await inPrompt('201');
    await typeKeys(typing, '3434');
    await typing.hangUp();
    await events.waitFor('pin-wrong-code', { callId: callIdOf(typing) });

    await events.waitFor('call-ended', { callId: callIdOf(typing) });
    const after = pinSecurity(fixture, '201');
    expect(after.wrongCodes - before.wrongCodes).toBe(2);
    expect(after.timeouts - before.timeouts).toBe(0);
    for (const call of [submitted, typing]) {
      await events.waitFor('call-ended', { callId: callIdOf(call) });
      expect(
        fixture.pbx.db.listCallRecords().find((record) => record.callId === callIdOf(call)),
      ).toMatchObject({
        pinOutcome: 'failed',
        pinAttempts: 1,
        result: 'cancelled',
      });
    }
  });

  it('ends a call waiting in the prompt with the lock prompt when another call locks the extension', async () => {
    const waiting = await inPrompt('204');
    // Two wrong codes and hang up, two more in the next call (a call may type three): the fourth locks.
    const guessing = await inPrompt('204');
    for (const code of ['1111#', '2222#']) await typeCode(events, guessing, code);
    await guessing.hangUp();
    await guessing.ended;
    const locking = await inPrompt('204');
    await typeCode(events, locking, '3333#');
    await typeKeys(locking, '4444#');
    const expected = {
      endedBy: 'rejected',
      rejectedWith: 403,
      reasonHeader: 'SIP;cause=403;text="Paid calls locked"',
    };
    expect(await locking.ended).toMatchObject(expected);
    expect(await waiting.ended).toMatchObject(expected);
    await events.waitFor('call-ended', { callId: callIdOf(waiting) });
    expect(events.count('pin-wrong-code', { extension: '204' })).toBe(4);
    expect(pinSecurity(fixture, '204').lockedUntil).not.toBeNull();
    expect(fixture.pbx.farEndCalls.filter((record) => record.caller === '204')).toEqual([]);
    expect(
      fixture.pbx.db.listCallRecords().find((record) => record.callId === callIdOf(waiting)),
    ).toMatchObject({
      pinOutcome: 'locked',
      pinAttempts: 0,
      result: 'locked',
    });
  });
});
