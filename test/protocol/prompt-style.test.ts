import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, registerPhone, startTestPbx } from '../support/pbx-fixture';
import { type TestPhone, typeKeys } from '../support/test-phone';

/** FreePBX style: the PIN prompt plays in early media (183) and the call is answered only after the PIN. */
let fixture: Awaited<ReturnType<typeof startTestPbx>>;
let phone: TestPhone;

beforeAll(async () => {
  fixture = await startTestPbx({ promptStyle: 'early-media' });
  phone = await registerPhone(fixture.addresses, DEMO.protectedExtension);
});
afterAll(async () => {
  await phone.stop();
  await fixture.pbx.stop();
});

describe('early-media prompting', () => {
  it('prompts before answering and answers only when the far end does, after the right PIN', async () => {
    const call = phone.call('0301234567', { earlyMedia: true });
    await call.early;
    let answered = false;
    void call.established.then(() => (answered = true));
    while (call.media().receivedAudioPackets < 5) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(answered).toBe(false);
    await typeKeys(call, `${DEMO.protectedExtension.pin}#`);
    await call.established;
    const record = fixture.pbx.farEndCalls.find(
      (candidate) => candidate.callId === call.session.request.callId,
    );
    expect(record).toMatchObject({ dtmfReceived: '' });
    expect(record?.answeredAt).not.toBeNull();
    await call.hangUp();
  });

  it('refuses the call with 403 and a reason after three wrong PINs, without ever answering', async () => {
    const call = phone.call('0301234567', { earlyMedia: true });
    await call.early;
    while (call.media().receivedAudioPackets < 5) await new Promise((resolve) => setTimeout(resolve, 25));
    for (const guess of ['1#', '2#', '3#']) {
      await typeKeys(call, guess);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await call.ended).toMatchObject({
      endedBy: 'rejected',
      rejectedWith: 403,
      reasonHeader: 'SIP;cause=403;text="PIN authentication failed"',
    });
  });
});
