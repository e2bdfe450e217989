import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpApi } from '../../pbx/api/http-api';
import type { PstnFarEnd } from '../../pbx/pstn/far-end';
import { AuthThrottle, DEFAULT_THROTTLE_RULES } from '../../pbx/sip/auth-throttle';
import { Registrar } from '../../pbx/sip/registrar';
import type { ApiStore } from '../../pbx/store/ports';

/**
 * Review finding B: admin and provider sign-ins hash with scrypt. A source or account already
 * throttled is refused before any hash, and however many sign-ins arrive at once, no more than the
 * cap are hashed at the same time; the rest wait in a short queue or get 503 with Retry-After.
 * The store is a stub whose `verifyAdmin` counts calls and concurrency and finishes when told.
 */
interface Pending {
  username: string;
  finish(): void;
}

function harness(capacity = { maxConcurrentHashes: 2, maxQueuedHashes: 4 }) {
  const pending: Pending[] = [];
  const stats = { calls: 0, running: 0, maxRunning: 0 };
  const store = {
    realm: 'test.invalid',
    verifyAdmin(username: string, password: string): Promise<string | null> {
      stats.calls++;
      stats.running++;
      stats.maxRunning = Math.max(stats.maxRunning, stats.running);
      return new Promise((resolve) => {
        pending.push({
          username,
          finish: () => {
            stats.running--;
            resolve(password === 'right' ? 'company-1' : null);
          },
        });
      });
    },
  };
  const now = () => 1_000_000;
  const throttle = new AuthThrottle(DEFAULT_THROTTLE_RULES, now);
  const api = new HttpApi({
    // A stub with only what the sign-in route reads; the cast stands in for the rest of the store.
    db: store as unknown as ApiStore,
    registrar: new Registrar(),
    farEnd: {} as unknown as PstnFarEnd, // not used by sign-in
    throttle,
    log: () => undefined,
    now,
    signInCapacity: capacity,
  });
  const server = createServer((request, response) => void api.handle(request, response));
  return { pending, stats, throttle, api, server };
}

let open: ReturnType<typeof harness> | null = null;
afterEach(async () => {
  if (!open) return;
  const { server, api, pending } = open;
  open = null;
  for (const call of pending) call.finish();
  api.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function start(capacity?: { maxConcurrentHashes: number; maxQueuedHashes: number }) {
  const h = harness(capacity);
  open = h;
  await new Promise<void>((resolve) => h.server.listen(0, '127.0.0.1', resolve));
  const { port } = h.server.address() as AddressInfo;
  const signIn = (username: string, password: string) =>
    fetch(`http://127.0.0.1:${port}/api/v1/admin/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  return { ...h, signIn };
}

describe('admin sign-in: throttle before the hash, bounded hashing', () => {
  // Breaks if issueAccountToken hashes before asking the throttle (the 429 still comes, but
  // verifyAdmin was called: calls 1, not 0).
  it('a throttled source is refused with 429 without a password hash', async () => {
    const { signIn, stats, throttle } = await start();
    for (let i = 0; i < DEFAULT_THROTTLE_RULES.failuresToThrottle; i++)
      throttle.recordFailure('127.0.0.1', null);
    const refused = await signIn('boss', 'right');
    expect(refused.status).toBe(429);
    expect(stats.calls).toBe(0);
  });

  // Breaks if the account name is not part of the check (boss is hashed, calls 1), or if the other
  // name is refused too (the whole source would be throttled by guesses at one name).
  it('an account throttled by failures from elsewhere is refused without a hash; other names are hashed', async () => {
    const { signIn, stats, throttle, pending } = await start();
    for (let i = 0; i < DEFAULT_THROTTLE_RULES.failuresToThrottle; i++)
      throttle.recordFailure(`192.0.2.${i}`, 'admin:boss');
    expect((await signIn('boss', 'right')).status).toBe(429);
    expect(stats.calls).toBe(0);
    const other = signIn('clerk', 'right');
    await expect.poll(() => pending.length, { timeout: 10_000 }).toBe(1);
    pending[0]?.finish();
    expect((await other).status).toBe(200);
    expect(stats.calls).toBe(1);
  });

  // Breaks if the hash slots are removed or unbounded (maxRunning 12, no 503), or if a slot is freed
  // before the next in line takes it (maxRunning 3 when a new request jumps the queue).
  it('twelve sign-ins at once: at most two hashes run, four wait, the rest get 503 with Retry-After', async () => {
    const { signIn, stats, pending } = await start({ maxConcurrentHashes: 2, maxQueuedHashes: 4 });
    const answers = Array.from({ length: 12 }, (_, i) => signIn(`admin-${i}`, 'right'));
    // Six are refused at once; wait for those answers (the others are held by the stub).
    const settled = answers.map((answer) => answer.then((response) => response));
    const busy: Response[] = [];
    for (const answer of settled) {
      void answer.then((response) => {
        if (response.status === 503) busy.push(response);
      });
    }
    await expect.poll(() => busy.length, { timeout: 20_000 }).toBe(6);
    expect(busy.every((response) => response.headers.get('retry-after') === '1')).toBe(true);
    expect(stats.running).toBe(2);
    // Release one hash at a time: each frees a slot for exactly one waiting sign-in.
    // A sign-in arriving while the queue drains takes the freed queue place and waits its turn.
    let late: Promise<Response> | null = null;
    for (let finished = 0; finished < 7; finished++) {
      // Both slots busy while anyone waits; the last one runs alone.
      await expect.poll(() => stats.running, { timeout: 10_000 }).toBe(Math.min(2, 7 - finished));
      pending[finished]?.finish();
      if (finished === 0) late = signIn('late', 'right');
    }
    const statuses = (await Promise.all(settled)).map((response) => response.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 503, 503, 503, 503, 503, 503]);
    expect((await late)?.status).toBe(200);
    expect(pending.map((call) => call.username).at(-1)).toBe('late');
    expect(stats.maxRunning).toBe(2);
    expect(stats.calls).toBe(7);
  });
});
