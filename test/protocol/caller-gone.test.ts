import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startTestPbx } from '../support/pbx-fixture';
import { TestPhone, typeKeys } from '../support/test-phone';
import type { PhoneMediaOptions } from '../support/werift-phone-media';
import { callIdOf, PbxEventLog, promptStarted, until } from './pin-call-helpers';

/**
 * A caller that vanishes without a BYE (app killed, laptop lid shut, network gone): its WebSocket
 * closes and its RTP stops, but ICE/DTLS report nothing for a long time. The PBX must not keep the
 * paid far-end leg up for that long (it did for about 30 s), and a PIN call must still count the
 * code typed before the caller vanished. What breaks these: the media watch in media-call.ts
 * (MediaWatch never started) — the far end then stays up past the bound below (checked once).
 */
let fixture: Awaited<ReturnType<typeof startTestPbx>>;
let events: PbxEventLog;
const phones: TestPhone[] = [];

beforeAll(async () => {
  fixture = await startTestPbx({ pinRules: { firstDigitTimeoutMs: 60_000, interDigitTimeoutMs: 60_000 } });
  events = new PbxEventLog(fixture.pbx.events);
});
afterAll(async () => {
  events.stop();
  await Promise.all(phones.map((phone) => phone.stop().catch(() => {})));
  await fixture.pbx.stop();
});

/** A phone whose media can be cut: `vanish()` stops its RTP and drops its WebSocket, no BYE. */
async function vanishingPhone(extension: { number: string; password: string }) {
  const media: PhoneMediaOptions = {};
  const phone = await TestPhone.register(
    fixture.addresses.sipWebSocketUrl,
    fixture.addresses.realm,
    extension.number,
    extension.password,
    undefined,
    media,
  );
  phones.push(phone);
  return {
    phone,
    vanish: async () => {
      media.lossRate = 1; // every packet lost from now on
      await phone.ua.transport.disconnect();
    },
  };
}

/** Well above the PBX's 5 s media timeout, well below the ~30 s the far end lived before. */
const FAR_END_GONE_WITHIN_MS = 20_000;

describe('a caller that vanishes', () => {
  it('ends the far-end leg of a connected paid call within seconds', async () => {
    const { phone, vanish } = await vanishingPhone(DEMO.availableExtension);
    const call = phone.call('0301234567');
    await call.established;
    const callId = callIdOf(call);
    const farEnd = () => fixture.pbx.farEndCalls.find((record) => record.callId === callId);
    await until(() => (farEnd()?.audioPacketsReceived ?? 0) > 10, 'audio at the far end');
    await vanish();
    await until(() => farEnd()?.endedAt != null, 'the far end to hang up', FAR_END_GONE_WITHIN_MS);
    await events.waitFor('call-ended', { callId });
    expect(events.matching('media-timeout', { callId })).toHaveLength(1);
    expect(fixture.pbx.db.listCallRecords().find((record) => record.callId === callId)).toMatchObject({
      pinOutcome: 'not-required',
      result: 'media-timeout',
    });
  });

  it('counts the keys typed in the PIN prompt before the caller vanished', async () => {
    const before = fixture.pbx.db.pinSecurity(DEMO.protectedExtension.number, Date.now());
    const { phone, vanish } = await vanishingPhone(DEMO.protectedExtension);
    const call = phone.call('0301234567');
    await call.established;
    const callId = callIdOf(call);
    await promptStarted(call);
    await typeKeys(call, '8080');
    await vanish();
    await events.waitFor('pin-wrong-code', { callId });
    await events.waitFor('call-ended', { callId });
    expect(fixture.pbx.db.pinSecurity(DEMO.protectedExtension.number, Date.now()).wrongCodes).toBe(
      before.wrongCodes + 1,
    );
    expect(fixture.pbx.db.listCallRecords().find((record) => record.callId === callId)).toMatchObject({
      pinOutcome: 'failed',
      pinAttempts: 1,
      result: 'media-timeout',
    });
  });
});
