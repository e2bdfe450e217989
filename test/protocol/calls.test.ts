import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, registerPhone, startTestPbx } from '../support/pbx-fixture';
import { type TestPhone, typeKeys, type TestCall } from '../support/test-phone';
import { PbxEventLog, typeCode } from './pin-call-helpers';

let fixture: Awaited<ReturnType<typeof startTestPbx>>;
let events: PbxEventLog;
const phones: TestPhone[] = [];

beforeAll(async () => {
  // A first-digit timeout no loaded CI machine reaches: these tests type every code.
  fixture = await startTestPbx({ pinRules: { firstDigitTimeoutMs: 60_000, interDigitTimeoutMs: 20_000 } });
  events = new PbxEventLog(fixture.pbx.events);
});
afterAll(async () => {
  events.stop();
  await Promise.all(phones.map((phone) => phone.stop()));
  await fixture.pbx.stop();
});

async function phone(
  extension: { number: string; password: string },
  autoAnswer = false,
): Promise<TestPhone> {
  const registered = await registerPhone(
    fixture.addresses,
    extension,
    autoAnswer ? (invitation) => void invitation.accept() : undefined,
  );
  phones.push(registered);
  return registered;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until the PBX's prompt audio reaches the phone. */
const promptStarted = (call: TestCall) => until(() => call.media().receivedAudioPackets > 5, 'prompt audio');
const farEndFor = (callId: string) => fixture.pbx.farEndCalls.find((record) => record.callId === callId);
const recordFor = (callId: string) =>
  fixture.pbx.db.listCallRecords().find((record) => record.callId === callId);

describe('paid call from an extension with IVR authentication', () => {
  it('asks for the PIN, connects after the right one and never passes the digits on', async () => {
    const caller = await phone(DEMO.protectedExtension);
    const call = caller.call('030 1234567'.replace(/ /g, ''));
    await call.established;
    await promptStarted(call);
    const callId = call.session.request.callId;
    expect(farEndFor(callId)).toBeUndefined();
    await typeKeys(call, `${DEMO.protectedExtension.pin}#`);
    await events.waitFor('pin-accepted', { callId });
    await until(() => farEndFor(callId)?.answeredAt != null, 'the far end to answer');
    await until(() => (farEndFor(callId)?.audioPacketsReceived ?? 0) > 10, 'audio at the far end');
    await typeKeys(call, '5'); // after the bridge, keys belong to the far end
    await until(() => farEndFor(callId)?.dtmfReceived === '5', 'the post-bridge key at the far end');
    await call.hangUp();
    await call.ended;
    expect(farEndFor(callId)).toMatchObject({
      destination: '+49301234567',
      callClass: 'external',
      dtmfReceived: '5',
    });
    await until(() => recordFor(callId) !== undefined, 'the call record');
    expect(recordFor(callId)).toMatchObject({
      caller: '201',
      destination: '+49301234567',
      callClass: 'external',
      pinOutcome: 'ok',
      pinAttempts: 1,
      result: 'completed',
    });
  });

  // Guards that the PBX heard and counted each wrong code, not merely that the call ended: with DTMF
  // detection broken (DtmfDetector.receive in test/pbx/media/rfc4733.ts returning null) the calls
  // time out instead, and this test fails (checked once).
  it('hangs up with a reason after three wrong PINs, counts each of them, and never dials the far end', async () => {
    const before = fixture.pbx.db.pinSecurity(DEMO.addOnExtension.number, Date.now());
    const caller = await phone(DEMO.addOnExtension);
    const call = caller.call('+4940123456');
    await call.established;
    await promptStarted(call);
    for (const attempt of ['1111#', '2222#', '3333#']) await typeCode(events, call, attempt);
    const outcome = await call.ended;
    expect(outcome).toMatchObject({
      endedBy: 'remote',
      reasonHeader: 'SIP;cause=403;text="PIN authentication failed"',
    });
    const callId = call.session.request.callId;
    expect(farEndFor(callId)).toBeUndefined();
    await events.waitFor('call-ended', { callId });
    expect(recordFor(callId)).toMatchObject({ pinOutcome: 'failed', pinAttempts: 3, result: 'pin-failed' });
    expect(events.count('pin-wrong-code', { callId })).toBe(3);
    const after = fixture.pbx.db.pinSecurity(DEMO.addOnExtension.number, Date.now());
    expect(after.wrongCodes - before.wrongCodes).toBe(3);
    expect(after.timeouts - before.timeouts).toBe(0);
  });
});

describe('calls that never ask for a PIN', () => {
  it.each([
    ['an extension without IVR authentication', DEMO.availableExtension, '0301234567', 'external'],
    ['a not-entitled extension', DEMO.notEntitledExtension, '0301234567', 'external'],
    ['emergency', DEMO.protectedExtension, '112', 'emergency'],
    ['toll-free', DEMO.protectedExtension, '08001234567', 'toll-free'],
  ] as const)('%s connects straight to the far end', async (_label, extension, number, callClass) => {
    const caller = await phone(extension);
    const call = caller.call(number);
    await call.established;
    const callId = call.session.request.callId;
    expect(farEndFor(callId)).toMatchObject({ callClass });
    expect(farEndFor(callId)?.answeredAt).not.toBeNull();
    await call.hangUp();
    await until(() => recordFor(callId) !== undefined, 'the call record');
    expect(recordFor(callId)).toMatchObject({ pinOutcome: 'not-required', callClass });
  });

  it('voicemail answers, plays its prompt and hangs up, without a PIN', async () => {
    const caller = await phone(DEMO.protectedExtension);
    const call = caller.call('*98');
    await call.established;
    await promptStarted(call);
    const outcome = await call.ended;
    expect(outcome.endedBy).toBe('remote');
    expect(recordFor(call.session.request.callId)).toMatchObject({
      callClass: 'ivr-app',
      pinOutcome: 'not-required',
    });
  });

  it('extension to extension rings the callee and media flows end to end', async () => {
    const callee = await phone(DEMO.availableExtension, true);
    const caller = await phone(DEMO.protectedExtension);
    const call = caller.call(callee.extension);
    await call.established;
    await until(() => call.media().receivedAudioPackets > 10, 'audio from the callee');
    await call.hangUp();
    const callId = call.session.request.callId;
    await until(() => recordFor(callId) !== undefined, 'the call record');
    expect(recordFor(callId)).toMatchObject({
      callClass: 'internal',
      pinOutcome: 'not-required',
      result: 'completed',
    });
  });

  it('rings every device of the callee, connects the first to answer and cancels the others', async () => {
    let slowRang = false;
    let slowCancelled = false;
    const slow = await registerPhone(fixture.addresses, DEMO.notEntitledExtension, (invitation) => {
      slowRang = true;
      invitation.delegate = { onCancel: () => (slowCancelled = true) };
    });
    phones.push(slow);
    await phone(DEMO.notEntitledExtension, true);
    const caller = await phone(DEMO.protectedExtension);
    const call = caller.call(DEMO.notEntitledExtension.number);
    await call.established;
    await until(() => slowCancelled, 'the other device to be cancelled');
    expect(slowRang).toBe(true);
    await call.hangUp();
  });

  it('passes busy through', async () => {
    const busy = await registerPhone(
      fixture.addresses,
      DEMO.addOnExtension,
      (invitation) => void invitation.reject({ statusCode: 486 }),
    );
    phones.push(busy);
    const caller = await phone(DEMO.protectedExtension);
    expect(await caller.call(DEMO.addOnExtension.number).ended).toMatchObject({
      endedBy: 'rejected',
      rejectedWith: 486,
    });
    await busy.stop();
  });

  it('an extension that is not registered is unavailable', async () => {
    const caller = await phone(DEMO.protectedExtension);
    const outcome = await caller.call('299').ended;
    expect(outcome).toMatchObject({ endedBy: 'rejected', rejectedWith: 480 });
  });
});

describe('secrets', () => {
  it('no PIN or password appears in the log or the database', async () => {
    const log = readFileSync(join(fixture.directory, 'pbx.log'), 'utf8');
    expect(log.length).toBeGreaterThan(0);
    const database = readFileSync(join(fixture.directory, 'pbx.sqlite')).toString('latin1');
    for (const secret of [
      DEMO.protectedExtension.pin,
      DEMO.addOnExtension.pin,
      'demo-pass-201',
      'admin-demo-pass',
    ]) {
      expect(log).not.toContain(secret);
      expect(database).not.toContain(secret);
    }
  });
});
