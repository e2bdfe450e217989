import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRequest, type SipRequest } from '../pbx/sip/message';
import { DEMO, startTestPbx } from '../support/pbx-fixture';
import { SipPeer } from './sip-peer';

/**
 * A bounded soak over raw SIP on loopback (issue #16): thousands of registrations and cancelled calls,
 * a few callees that never answer at all, then idle — and every table of the SIP service is empty
 * again. Timers are shortened (Timer B/F 3 s, nonces 10 s) so "idle" takes seconds, not minutes.
 *
 * Breaks if a table leaks: responses matched by branch alone (the callee's 200 to CANCEL taken for
 * the INVITE's, 487s never ACKed), no Timer B (a silent callee's transaction stays), pending INVITEs
 * kept after their call ended, or nonce counts pruned only on the next request.
 */
const REGISTRATIONS = Number(process.env['TOLLGATE_SOAK_REGISTRATIONS'] ?? 2_000);
const CANCELLED_CALLS = Number(process.env['TOLLGATE_SOAK_CALLS'] ?? 1_000);
const SILENT_CALLS = 20;
const PARALLEL = 8;

let fixture: Awaited<ReturnType<typeof startTestPbx>>;
beforeAll(async () => {
  fixture = await startTestPbx({
    // Timer B must outlast a loaded CI box's delay between a callee's 180 and the PBX reading it.
    sipTimers: { timeoutMs: 3_000, proceedingTimeoutMs: 6_000, sweepIntervalMs: 200 },
    nonceLifetimeMs: 10_000,
  });
});
afterAll(() => fixture.pbx.stop());

const connect = (extension: { number: string; password: string }) =>
  SipPeer.connect(
    fixture.addresses.sipWebSocketUrl,
    fixture.addresses.realm,
    extension.number,
    extension.password,
  );

async function inParallel(total: number, run: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < total) await run(next++);
    }),
  );
}

describe('SIP soak', () => {
  it('after thousands of registrations and cancelled calls, the SIP service holds nothing', async () => {
    const registrants = await Promise.all(
      Array.from({ length: PARALLEL }, () => connect(DEMO.notEntitledExtension)),
    );
    await inParallel(REGISTRATIONS, async (index) => {
      const { final } = await (registrants[index % PARALLEL] as SipPeer).register(index % 3 === 0 ? 0 : 600);
      expect(final.statusCode).toBe(200);
    });
    await Promise.all(registrants.map((peer) => peer.close()));

    // A callee that rings, then answers each CANCEL with 200 and its INVITE with 487 — and one that
    // never answers anything.
    const callee = await connect(DEMO.availableExtension);
    expect((await callee.register()).final.statusCode).toBe(200);
    const acked = new Set<string>();
    let byes = 0;
    const ringing = new Map<string, SipRequest>();
    const branches = new Map<string, string>();
    callee.onUnclaimed = (message) => {
      if (!isRequest(message)) return;
      if (message.method === 'INVITE') {
        ringing.set(message.callId, message);
        branches.set(message.callId, message.viaBranch);
        callee.respond(message, 180, 'Ringing', 'callee');
      } else if (message.method === 'CANCEL') {
        callee.respond(message, 200, 'OK', 'callee');
        const invite = ringing.get(message.callId);
        ringing.delete(message.callId);
        if (invite) callee.respond(invite, 487, 'Request Terminated', 'callee');
      } else if (message.method === 'ACK') {
        // The ACK of a 487 belongs to the INVITE's transaction: same branch (RFC 3261 §17.1.1.3).
        if (message.viaBranch === branches.get(message.callId)) acked.add(message.callId);
      } else if (message.method === 'BYE') {
        byes++;
        callee.respond(message, 200, 'OK');
      }
    };
    const callers = await Promise.all(
      Array.from({ length: PARALLEL }, () => connect(DEMO.protectedExtension)),
    );
    await inParallel(CANCELLED_CALLS, async (index) => {
      const caller = callers[index % PARALLEL] as SipPeer;
      const invite = await caller.invite(`sip:202@${fixture.addresses.realm}`, 'v=0');
      await caller.response(invite.callId, 'INVITE', (status) => status === 180);
      caller.cancel(invite);
      expect((await caller.response(invite.callId, 'CANCEL')).statusCode).toBe(200);
      const final = await caller.response(invite.callId, 'INVITE');
      expect(final.statusCode).toBe(487);
      caller.ack(invite, final.toTag ?? '');
    });
    // Every callee-side 487 was ACKed by the PBX; no call that never answered got a BYE.
    await expect.poll(() => acked.size, { timeout: 15_000 }).toBe(CANCELLED_CALLS);
    expect(byes).toBe(0);

    // Silent callee: registered, never answers the INVITE nor the CANCEL.
    const silent = await connect(DEMO.addOnExtension);
    expect((await silent.register()).final.statusCode).toBe(200);
    await Promise.all(
      Array.from({ length: SILENT_CALLS }, async (_, index) => {
        const caller = callers[index % PARALLEL] as SipPeer;
        const invite = await caller.invite(`sip:204@${fixture.addresses.realm}`, 'v=0');
        // Timer B expires: the PBX gives up on the silent phone and tells the caller.
        expect((await caller.response(invite.callId, 'INVITE')).statusCode).toBe(408);
      }),
    );

    await Promise.all([...callers, callee, silent].map((peer) => peer.close()));
    const sip = fixture.pbx.sipService;
    await expect
      .poll(() => sip.stats(), { timeout: 40_000, interval: 250 })
      .toMatchObject({
        connections: 0,
        transactions: 0,
        dialogs: 0,
        pendingInvites: 0,
        calls: 0,
        heldForContact: 0,
        bindings: 0,
        trackedNonces: 0,
      });
    // Trust of a source for an extension it signed in to is kept (one entry per pair, bounded).
    expect(sip.stats().throttleKeys).toBeLessThanOrEqual(4);
  }, 240_000);
});
