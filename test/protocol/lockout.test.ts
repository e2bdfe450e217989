import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PbxApiClient } from '../support/pbx-api-client';
import { DEMO, registerPhone, startTestPbx } from '../support/pbx-fixture';
import { type TestPhone, typeKeys, type TestCall } from '../support/test-phone';

let fixture: Awaited<ReturnType<typeof startTestPbx>>;
let phone: TestPhone;

beforeAll(async () => {
  fixture = await startTestPbx({ pinRules: { firstDigitTimeoutMs: 3_000, interDigitTimeoutMs: 1_000 } });
  phone = await registerPhone(fixture.addresses, DEMO.addOnExtension);
});
afterAll(async () => {
  await phone.stop();
  await fixture.pbx.stop();
});

async function promptStarted(call: TestCall) {
  while (call.media().receivedAudioPackets < 5) await new Promise((resolve) => setTimeout(resolve, 25));
}

async function failedCall() {
  const call = phone.call('0301234567');
  await call.established;
  await promptStarted(call);
  for (const guess of ['1#', '2#', '3#']) {
    await typeKeys(call, guess);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return call.ended;
}

describe('lockout across calls', () => {
  it('locks paid calls after three failed calls, tells the caller, and an admin unlock opens them again', async () => {
    const extension = await PbxApiClient.signIn(
      fixture.addresses.apiUrl,
      'extension',
      '204',
      DEMO.addOnExtension.password,
    );
    for (let i = 0; i < 3; i++) {
      expect(await failedCall()).toMatchObject({
        reasonHeader: 'SIP;cause=403;text="PIN authentication failed"',
      });
    }
    const policy = (await extension.request('GET', '/policy')).body as {
      pinProtection: { lockedUntil: string | null };
    };
    expect(policy.pinProtection.lockedUntil).not.toBeNull();

    // Locked: the PBX plays the locked prompt and ends the call; no PIN is asked, even the right one is useless.
    const locked = phone.call('0301234567');
    await locked.established;
    await promptStarted(locked);
    await typeKeys(locked, `${DEMO.addOnExtension.pin}#`);
    expect(await locked.ended).toMatchObject({
      endedBy: 'remote',
      reasonHeader: 'SIP;cause=403;text="Paid calls locked"',
    });
    expect(fixture.pbx.farEndCalls).toEqual([]);
    expect(fixture.pbx.db.listCallRecords().at(-1)).toMatchObject({ pinOutcome: 'locked' });

    // Free destinations stay open while locked.
    const emergency = phone.call('112');
    await emergency.established;
    await emergency.hangUp();

    const admin = await PbxApiClient.signIn(
      fixture.addresses.apiUrl,
      'admin',
      DEMO.admin.username,
      DEMO.admin.password,
    );
    const unlocked = extension.waitForPolicy(
      (p) => (p as { pinProtection: { lockedUntil: string | null } }).pinProtection.lockedUntil === null,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await admin.request('POST', '/admin/extensions/204/unlock')).toMatchObject({
      status: 200,
      body: { lockedUntil: null },
    });
    await unlocked;

    const again = phone.call('0301234567');
    await again.established;
    await promptStarted(again);
    await typeKeys(again, `${DEMO.addOnExtension.pin}#`);
    const callId = again.session.request.callId;
    while (
      !fixture.pbx.farEndCalls.some((record) => record.callId === callId && record.answeredAt !== null)
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await again.hangUp();
  }, 90_000);
});
