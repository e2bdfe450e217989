import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstSeen } from '../../bench/lib/observe';
import { startTestPbx } from '../support/pbx-fixture';
import { pinLoadAccount, writePinLoadSeed } from '../support/pin-load-seed';
import { TestPhone, typeKeys, type TestCall } from '../support/test-phone';
import { PbxEventLog, callIdOf, promptStarted, until } from './pin-call-helpers';

/**
 * PIN calls under load (issue #15): many concurrent PIN-IVR calls, each from its own extension (the
 * PBX allows one PIN session per extension), every caller types its right PIN and `#` — and not one
 * digit is lost, every right PIN is accepted.
 *
 * The load that lost digits is a stall: while the PBX's DTLS client (werift) waits for the phone's
 * answer to its ClientHello, the process is busy for longer than werift's first retransmission
 * timer (500 ms). The PBX then sends the ClientHello again, the phone answers both, and the second
 * HelloVerifyRequest reached werift's flight 3, which threw: the handshake failed, the PBX ended the
 * call as `media-lost` after the caller had heard 200 OK — every key of that call was lost and its
 * right PIN never checked (the benchmark saw 7 and 14 digits lost at 64 and 96 calls: one and two
 * calls of 6 digits and `#`). Here the stall is made on purpose, not hoped for: for every third call
 * the process is blocked for STALL_MS exactly when the PBX's first DTLS record reaches the phone.
 *
 * Breaks: without the werift patch (patches/werift+0.24.4.patch, Flight3 ignores a repeated
 * HelloVerifyRequest) a stalled handshake fails and its call ends `media-lost`; how many of the
 * CALLS calls fail then varies from run to run (every stall makes the other handshakes in flight
 * retransmit as well, often all of them), any one fails the test; also breaks if keys typed after the prompt started
 * are dropped, or if the PIN checks turn a right PIN away as busy at this load.
 */
const CALLS = 24;
/** Every STALL_EVERY-th call meets a stall during its DTLS handshake. */
const STALL_EVERY = 3;
/** Longer than werift's first DTLS retransmission (500 ms), as a busy 2-core machine stalls. */
const STALL_MS = 700;

const account = pinLoadAccount;

/** A DTLS record (RFC 7983: first byte 20–63), as opposed to STUN or SRTP. */
const isDtls = (data: Buffer) => (data[0] ?? 0) >= 20 && (data[0] ?? 0) <= 63;

interface IceConnection {
  onData: { subscribe(listener: (data: Buffer) => void): void };
}

/**
 * Blocks the whole process (PBX included) for STALL_MS when the first DTLS record of this call
 * reaches the phone, before the phone's DTLS server sees it. Subscribed while ICE is checking, so
 * it runs ahead of the DTLS server, which subscribes once ICE is connected.
 */
function stallOnFirstDtlsRecord(call: TestCall, stalls: number[]): void {
  const { pc } = call.media();
  let armed = false;
  pc.iceConnectionStateChange.subscribe(() => {
    if (armed) return;
    const connection = (pc.dtlsTransports[0]?.iceTransport as { connection?: IceConnection } | undefined)
      ?.connection;
    if (!connection) return;
    armed = true;
    let stalled = false;
    connection.onData.subscribe((data) => {
      if (stalled || !isDtls(data)) return;
      stalled = true;
      const started = performance.now();
      while (performance.now() - started < STALL_MS) {
        // Busy: the event loop is blocked, as under CPU starvation or a long GC pause.
      }
      stalls.push(performance.now() - started);
    });
  });
}

let fixture: Awaited<ReturnType<typeof startTestPbx>>;
let events: PbxEventLog;
const phones: TestPhone[] = [];

beforeAll(async () => {
  const seedPath = writePinLoadSeed(mkdtempSync(join(tmpdir(), 'tollgate-load-')), CALLS, 'Load');
  fixture = await startTestPbx({
    seedPath,
    // Generous for a loaded CI machine: no timer may decide a code here.
    pinRules: { firstDigitTimeoutMs: 30_000, interDigitTimeoutMs: 20_000 },
    mediaTimeoutMs: 20_000,
  });
  events = new PbxEventLog(fixture.pbx.events);
  // Seeding hashes every extension's PIN (scrypt): seconds on a loaded 2-core machine.
}, 120_000);

afterAll(async () => {
  events.stop();
  await Promise.all(phones.map((phone) => phone.stop().catch(() => {})));
  await fixture.pbx.stop();
});

describe('PIN calls under load', () => {
  it(`${CALLS} concurrent PIN calls, stalls during DTLS: no digit lost, every right PIN accepted`, async () => {
    const { detected, stop } = firstSeen(fixture.pbx);
    const sent: number[] = [];
    const stalls: number[] = [];
    const accounts = Array.from({ length: CALLS }, (_, index) => account(index));
    // Registered first, then all calls at once: the load is the calls, not the registrations.
    for (const entry of accounts) {
      phones.push(
        await TestPhone.register(
          fixture.addresses.sipWebSocketUrl,
          fixture.addresses.realm,
          entry.extension,
          entry.password,
          undefined,
          { onKeySent: (timestamp) => sent.push(timestamp) },
        ),
      );
    }
    const calls = accounts.map((entry, index) => {
      const call = (phones[index] as TestPhone).call('0301234567');
      if (index % STALL_EVERY === 0) stallOnFirstDtlsRecord(call, stalls);
      return { call, entry };
    });
    // A caller types once the prompt is heard; a call whose media failed is ended by the PBX.
    const ended = (call: TestCall) => events.count('call-ended', { callId: callIdOf(call) }) > 0;
    await Promise.all(
      calls.map(async ({ call }) => {
        await call.established.catch(() => {});
        await Promise.race([promptStarted(call), until(() => ended(call), 'the call to end', 60_000)]);
      }),
    );
    await Promise.all(
      calls.map(({ call, entry }) => (ended(call) ? undefined : typeKeys(call, `${entry.pin}#`))),
    );
    // Each call is decided: accepted, or (the bug) ended or refused without the right verdict.
    const decided = (call: TestCall) => {
      const callId = callIdOf(call);
      return (
        events.count('pin-accepted', { callId }) +
          events.count('pin-wrong-code', { callId }) +
          events.count('pin-refused', { callId }) >
          0 || ended(call)
      );
    };
    await until(() => calls.every(({ call }) => decided(call)), 'a verdict on every call', 90_000);
    stop();

    const lost = sent.filter((timestamp) => !detected.has(timestamp)).length;
    const mediaLost = events.matching('call-ended').filter((fields) => fields['result'] === 'media-lost');
    // Calls that ended before a verdict, with why (the PBX's call-ended result): a failure names them.
    const endedEarly = calls
      .filter(({ call }) => ended(call) && events.count('pin-accepted', { callId: callIdOf(call) }) === 0)
      .map(({ call }) => events.matching('call-ended').find((f) => f['callId'] === callIdOf(call)));
    expect(stalls.length, 'the stalls happened').toBe(Math.ceil(CALLS / STALL_EVERY));
    expect(mediaLost, 'calls ended because their media failed').toEqual([]);
    expect(endedEarly, 'calls that ended before their PIN was accepted').toEqual([]);
    expect(sent.length, 'keys sent').toBe(CALLS * 7);
    expect(lost, 'digits lost').toBe(0);
    expect(events.count('pin-wrong-code'), 'right PINs taken for wrong').toBe(0);
    expect(events.count('pin-refused'), 'right PINs refused').toBe(0);
    expect(events.count('pin-accepted'), 'right PINs accepted').toBe(CALLS);
  }, 180_000);
});
