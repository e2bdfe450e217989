import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type IvrSignal, parseIvrSignal } from '../../shared/ivr-signal/ivr-signal';
import { PbxApiClient } from '../support/pbx-api-client';
import { DEMO, registerPhone, startTestPbx } from '../support/pbx-fixture';
import { SessionState } from 'sip.js';
import { type TestCall, type TestPhone, typeKeys } from '../support/test-phone';
import { callIdOf, PbxEventLog, promptStarted, typeCode, until } from './pin-call-helpers';

/**
 * The test PBX tells the phone where its PIN IVR is (issue #12): SIP INFO with the `tollgate-ivr`
 * Info Package to a phone that asks for it (`Recv-Info`), and the destination's identity when it
 * answers (RFC 4916 UPDATE with P-Asserted-Identity). The phone here is sip.js, like Tollgate's.
 * Every wait is for the PBX's own events or the phone's received requests, never for a time.
 *
 * What breaks these tests: MediaCall.signal sending nothing (or to phones that did not ask),
 * pin-signals.ts mapping a step wrongly, the locking code counted as a refusal (call record), or
 * the PBX ending a call when the phone refuses an INFO or UPDATE (sip.js answers UPDATE with 405).
 */
type Fixture = Awaited<ReturnType<typeof startTestPbx>>;

const PAID = '0301234567';
const DESTINATION = '+49301234567';
const PIN_RULES = { firstDigitTimeoutMs: 60_000, interDigitTimeoutMs: 20_000 };
const LOCKOUT_RULES = { wrongCodesToLock: 4, lockoutsToQuarantine: 1_000, wrongCodesPerSourceToBlock: 1_000 };
const { pin: PIN } = DEMO.addOnExtension;

const signalsOf = (call: TestCall): IvrSignal[] =>
  call.infos.flatMap((info) => {
    const parsed = parseIvrSignal(info);
    if (!parsed) return [];
    const { v: _v, seq: _seq, ...signal } = parsed;
    return [signal as IvrSignal];
  });

function waitForSignal(call: TestCall, phase: IvrSignal['phase'], count = 1): Promise<void> {
  return until(
    () => signalsOf(call).filter((signal) => signal.phase === phase).length >= count,
    `${count} × IVR signal ${phase}`,
  );
}

describe('IVR signals of the PIN IVR (answer first)', { timeout: 120_000 }, () => {
  let fixture: Fixture;
  let events: PbxEventLog;
  let phone: TestPhone;
  let admin: PbxApiClient;

  beforeAll(async () => {
    fixture = await startTestPbx({ pinRules: PIN_RULES, lockoutRules: LOCKOUT_RULES });
    events = new PbxEventLog(fixture.pbx.events);
    phone = await registerPhone(fixture.addresses, DEMO.addOnExtension);
    admin = await PbxApiClient.signIn(
      fixture.addresses.apiUrl,
      'admin',
      DEMO.admin.username,
      DEMO.admin.password,
    );
  });
  afterAll(async () => {
    events.stop();
    await phone.stop();
    await fixture.pbx.stop();
  });
  beforeEach(async () => {
    await admin.request('POST', '/admin/extensions/204/unlock');
  });

  const recordOf = async (call: TestCall) => {
    await events.waitFor('call-ended', { callId: callIdOf(call) });
    return fixture.pbx.db.listCallRecords().find((record) => record.callId === callIdOf(call));
  };

  it('walks a PIN call: prompt, wrong code, prompt 2 of 3, checking, accepted, ringing, destination answered', async () => {
    const call = phone.call(PAID, { ivrSignals: true, extraHeaders: ['Allow: UPDATE'] });
    await call.established;
    await waitForSignal(call, 'prompt');
    await typeCode(events, call, '1111#');
    await waitForSignal(call, 'prompt', 2);
    await typeKeys(call, `${PIN}#`);
    await waitForSignal(call, 'connected');

    expect(signalsOf(call)).toEqual([
      { phase: 'prompt', attempt: 1, attempts: 3 },
      { phase: 'checking', attempt: 1 },
      { phase: 'wrong-code', attempt: 1, attemptsLeft: 2, wrongCodesLeftBeforeLock: 3 },
      { phase: 'prompt', attempt: 2, attempts: 3, after: 'wrong-code' },
      { phase: 'checking', attempt: 2 },
      { phase: 'accepted', codeLabel: 'Standard' },
      { phase: 'ringing', destination: DESTINATION },
      { phase: 'connected', destination: DESTINATION, codeLabel: 'Standard' },
    ]);
    expect(call.infos.map((info) => parseIvrSignal(info)?.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(call.infos.every((info) => info.infoPackage === 'tollgate-ivr')).toBe(true);
    // Never a digit of what was typed.
    expect(call.infos.map((info) => info.body).join('\n')).not.toMatch(new RegExp(`1111|${PIN}`));

    // RFC 4916: the destination's identity in an UPDATE when it answers (this phone allows UPDATE).
    await until(
      () => phone.requests.some((r) => r.method === 'UPDATE' && r.callId === callIdOf(call)),
      'the connected-identity UPDATE',
    );
    const update = phone.requests.find((r) => r.method === 'UPDATE' && r.callId === callIdOf(call));
    expect(update?.headers.get('p-asserted-identity')?.[0]).toMatch(
      new RegExp(`^<sip:\\${DESTINATION}@[^>]+;user=phone>$`),
    );
    expect(update?.headers.has('content-type')).toBe(false);
    // sip.js 0.21 answers every UPDATE with 405 (not in its methods): the PBX notes it and the call goes on.
    await events.waitFor('connected-identity-refused', { callId: callIdOf(call), status: 405 });
    expect(call.session.state).toBe(SessionState.Established);
    await call.hangUp();
    expect(await call.ended).toMatchObject({ endedBy: 'local' });
    expect(await recordOf(call)).toMatchObject({ pinOutcome: 'ok', pinAttempts: 2, result: 'completed' });
  });

  it('tells a failed call, then counts the code that locks the extension and tells the lock', async () => {
    const failing = phone.call(PAID, { ivrSignals: true });
    await failing.established;
    await waitForSignal(failing, 'prompt');
    for (const code of ['1111#', '2222#', '3333#']) await typeCode(events, failing, code);
    await waitForSignal(failing, 'failed');
    expect(signalsOf(failing).slice(-2)).toEqual([
      { phase: 'wrong-code', attempt: 3, attemptsLeft: 0, wrongCodesLeftBeforeLock: 1 },
      { phase: 'failed', wrongCodes: 3, timeouts: 0 },
    ]);
    expect(await failing.ended).toMatchObject({ endedBy: 'remote' });
    expect(await recordOf(failing)).toMatchObject({ pinOutcome: 'failed', pinAttempts: 3 });

    // The fourth wrong code locks: this call's only code, counted in its record (issue #10).
    const locking = phone.call(PAID, { ivrSignals: true });
    await locking.established;
    await waitForSignal(locking, 'prompt');
    await typeCode(events, locking, '4444#');
    await waitForSignal(locking, 'locked');
    const locked = signalsOf(locking).at(-1);
    expect(locked).toMatchObject({ phase: 'locked', scope: 'extension' });
    const lockedUntil = fixture.pbx.db.pinSecurity('204', Date.now()).lockedUntil;
    expect(locked).toEqual({
      phase: 'locked',
      scope: 'extension',
      until: new Date(lockedUntil ?? 0).toISOString(),
    });
    expect(await locking.ended).toMatchObject({
      endedBy: 'remote',
      reasonHeader: 'SIP;cause=403;text="Paid calls locked"',
    });
    expect(await recordOf(locking)).toMatchObject({ pinOutcome: 'failed', pinAttempts: 1, result: 'locked' });

    // Locked: the next call hears the lock prompt at once and is told so, no PIN asked.
    const refused = phone.call(PAID, { ivrSignals: true });
    await refused.established;
    await waitForSignal(refused, 'locked');
    expect(signalsOf(refused)).toEqual([locked]);
    await refused.ended;
    expect(await recordOf(refused)).toMatchObject({ pinOutcome: 'locked', pinAttempts: 0 });
  });

  it('tells a second PIN entry of the extension that it is busy, and records it as busy', async () => {
    const first = phone.call(PAID, { ivrSignals: true });
    await first.established;
    await waitForSignal(first, 'prompt');
    const second = phone.call(PAID, { ivrSignals: true });
    await second.established;
    await waitForSignal(second, 'busy');
    expect(signalsOf(second)).toEqual([{ phase: 'busy' }]);
    await second.ended;
    expect(await recordOf(second)).toMatchObject({ pinOutcome: 'busy', pinAttempts: 0, result: 'pin-busy' });
    await first.hangUp();
    expect(await recordOf(first)).toMatchObject({ pinOutcome: 'abandoned' });
  });

  it('goes on whatever the phone answers to an INFO, and sends none to a phone that did not ask', async () => {
    const refusing = phone.call(PAID, { ivrSignals: true, infoStatus: 469 });
    await refusing.established;
    await events.waitFor('ivr-signal-refused', { callId: callIdOf(refusing), status: 469 });
    await typeKeys(refusing, `${PIN}#`);
    await waitForSignal(refusing, 'connected');
    expect(refusing.session.state).toBe(SessionState.Established);
    await refusing.hangUp();
    expect(await refusing.ended).toMatchObject({ endedBy: 'local' });
    expect(await recordOf(refusing)).toMatchObject({ pinOutcome: 'ok', result: 'completed' });

    const plain = phone.call(PAID);
    await plain.established;
    await events.waitFor('pin-session-opened', { callId: callIdOf(plain) });
    await promptStarted(plain);
    await typeKeys(plain, `${PIN}#`);
    await events.waitFor('pin-accepted', { callId: callIdOf(plain) });
    await plain.hangUp();
    await recordOf(plain);
    expect(events.count('ivr-signal', { callId: callIdOf(plain) })).toBe(0);
    const infos = phone.requests.filter((r) => r.method === 'INFO' && r.callId === callIdOf(plain));
    expect(infos).toEqual([]);
  });
});

describe('IVR signals in early-media style', { timeout: 120_000 }, () => {
  let fixture: Fixture;
  let events: PbxEventLog;
  let phone: TestPhone;

  beforeAll(async () => {
    fixture = await startTestPbx({
      pinRules: PIN_RULES,
      lockoutRules: LOCKOUT_RULES,
      promptStyle: 'early-media',
    });
    events = new PbxEventLog(fixture.pbx.events);
    phone = await registerPhone(fixture.addresses, DEMO.addOnExtension);
  });
  afterAll(async () => {
    events.stop();
    await phone.stop();
    await fixture.pbx.stop();
  });

  it("sends no INFO in the early dialog; the 200 OK at the destination's answer carries its identity, then connected", async () => {
    const call = phone.call(PAID, { ivrSignals: true, earlyMedia: true });
    await call.early;
    await events.waitFor('pin-session-opened', { callId: callIdOf(call) });
    await promptStarted(call);
    await typeCode(events, call, '1111#');
    await typeKeys(call, `${PIN}#`);
    await call.established;
    await waitForSignal(call, 'connected');
    // The label rides on connected: accepted was never sent (no INFO before the answer without
    // 100rel), so "PIN von <label>" depends on it. Breaks when pin-step labels only accepted.
    expect(signalsOf(call)).toEqual([
      { phase: 'connected', destination: DESTINATION, codeLabel: 'Standard' },
    ]);
    expect(events.count('ivr-signal', { callId: callIdOf(call) })).toBe(1);
    expect(call.session.assertedIdentity?.uri.user).toBe(DESTINATION);
    await call.hangUp();
    await events.waitFor('call-ended', { callId: callIdOf(call) });
    expect(fixture.pbx.db.listCallRecords().find((r) => r.callId === callIdOf(call))).toMatchObject({
      pinOutcome: 'ok',
      pinAttempts: 2,
    });
  });
});

describe('IVR signals and the call record of a silent prompt', { timeout: 120_000 }, () => {
  let fixture: Fixture;
  let events: PbxEventLog;
  let phone: TestPhone;

  beforeAll(async () => {
    // A short first-digit timeout on purpose: the prompt is left silent.
    fixture = await startTestPbx({
      pinRules: { firstDigitTimeoutMs: 1_000, interDigitTimeoutMs: 20_000 },
      lockoutRules: LOCKOUT_RULES,
    });
    events = new PbxEventLog(fixture.pbx.events);
    phone = await registerPhone(fixture.addresses, DEMO.addOnExtension);
  });
  afterAll(async () => {
    events.stop();
    await phone.stop();
    await fixture.pbx.stop();
  });

  // Breaks when MediaCall.record drops the IVR's timeouts or the store does not keep pin_timeouts.
  it('prompts again after a timeout, says so, and records the timeouts apart from attempts', async () => {
    const call = phone.call(PAID, { ivrSignals: true });
    await call.established;
    await waitForSignal(call, 'prompt', 2);
    expect(signalsOf(call).slice(0, 2)).toEqual([
      { phase: 'prompt', attempt: 1, attempts: 3 },
      { phase: 'prompt', attempt: 2, attempts: 3, after: 'timeout' },
    ]);
    await call.hangUp();
    await events.waitFor('call-ended', { callId: callIdOf(call) });
    const timeouts = events.count('pin-timeout', { callId: callIdOf(call) });
    expect(timeouts).toBeGreaterThanOrEqual(1);
    expect(fixture.pbx.db.listCallRecords().find((r) => r.callId === callIdOf(call))).toMatchObject({
      pinOutcome: 'abandoned',
      pinAttempts: 0,
      pinTimeouts: timeouts,
    });
  });
});
