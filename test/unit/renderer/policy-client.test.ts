import { describe, expect, it, vi } from 'vitest';
import {
  POLICY_BACKOFF_CAP_MS,
  POLICY_UNREACHABLE_AFTER,
  PolicyClient,
  policyBackoff,
  policyUnreachable,
  type PolicyStatus,
} from '../../../renderer/src/policy/policy-client';
import { readEventStream, type StreamEvent } from '../../../shared/policy/event-stream';
import { memoryStorage } from '../../support/browser-host-fixture';
import { samplePolicy } from '../../support/sample-policy';

/** A fetch that answers /token and streams the given SSE chunks on /policy/events, then ends. */
function fakeFetch(options: { token?: number; events?: string[]; eventsStatus?: number }): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.endsWith('/token')) {
      const status = options.token ?? 200;
      return new Response(status === 200 ? JSON.stringify({ token: 't' }) : '{}', { status });
    }
    const chunks = options.events ?? [];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    return new Response(body, { status: options.eventsStatus ?? 200 });
  }) as typeof fetch;
}

function collect(client: PolicyClient) {
  const seen: PolicyStatus[] = [];
  client.subscribe((status) => seen.push(status));
  return seen;
}

const deps = (fetcher: typeof fetch, storage = memoryStorage()) => ({
  fetch: fetcher,
  storage,
  now: () => 1_000,
  backoffMs: () => 60_000,
});

/** Starts the client, waits for the first status that `accept` takes (the stream ended, say), then stops it. */
function runUntil(client: PolicyClient, accept: (status: PolicyStatus) => boolean): Promise<PolicyStatus> {
  const reached = new Promise<PolicyStatus>((resolve) => {
    const unsubscribe = client.subscribe((status) => {
      if (!accept(status)) return;
      unsubscribe();
      resolve(status);
    });
  });
  client.start();
  return reached.finally(() => client.stop());
}

const clientFor = (fetcher: typeof fetch, storage = memoryStorage(), password = 'pw') =>
  new PolicyClient('http://pbx/api/v1', '201', password, deps(fetcher, storage));

const streamEnded = (status: PolicyStatus) =>
  (status.kind === 'stale' || status.kind === 'unavailable') && status.problem === 'network';

describe('SSE parsing (shared/policy/event-stream.ts over eventsource-parser)', () => {
  it('joins data lines, ignores comments, reassembles events split across chunks and drops a partial event', async () => {
    const chunks = [
      ': keep-alive\r\n\r\nevent: pol',
      'icy\ndata: {"a":\ndata: 1}\n',
      '\nevent: policy\ndata: x',
    ];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    const events: StreamEvent[] = [];
    expect(await readEventStream(body, (event) => void events.push(event))).toBe('ended');
    expect(events).toEqual([{ event: 'policy', data: '{"a":\n1}' }]);
  });
});

describe('policy client', () => {
  it('signs in, takes the pushed policy and every later push, and caches it', async () => {
    const storage = memoryStorage();
    const first = samplePolicy();
    const second = samplePolicy({ ivrAuthentication: false }, 'v2');
    const client = clientFor(
      fakeFetch({
        events: [
          `event: policy\ndata: ${JSON.stringify(first)}\n\n`,
          `event: policy\ndata: ${JSON.stringify(second)}\n\n`,
        ],
      }),
      storage,
    );
    const seen = collect(client);
    await runUntil(client, streamEnded);
    expect(
      seen
        .filter((status) => status.kind === 'fresh')
        .map((status) => status.kind === 'fresh' && status.policy.version),
    ).toEqual(['v1', 'v2']);
    // The stream ended: the last policy stays, marked stale.
    expect(client.current).toMatchObject({ kind: 'stale', policy: { version: 'v2' }, problem: 'network' });
    const restarted = clientFor(fakeFetch({ token: 503 }), storage);
    expect(restarted.current).toMatchObject({ kind: 'stale', policy: { version: 'v2' } });
  });

  it('reports unavailable without a cache, and names wrong credentials', async () => {
    const client = clientFor(fakeFetch({ token: 401 }), memoryStorage(), 'bad');
    await runUntil(client, (status) => status.kind !== 'fresh');
    expect(client.current).toEqual({ kind: 'unavailable', problem: 'credentials', failures: 1 });
  });

  it('treats a garbage policy as invalid and keeps the last good one', async () => {
    const storage = memoryStorage();
    const good = clientFor(
      fakeFetch({ events: [`event: policy\ndata: ${JSON.stringify(samplePolicy())}\n\n`] }),
      storage,
    );
    await runUntil(good, streamEnded);
    const garbage = clientFor(
      fakeFetch({
        events: [
          'event: policy\ndata: {"version": 1, "extension": null}\n\n',
          'event: policy\ndata: not json\n\n',
        ],
      }),
      storage,
    );
    await runUntil(garbage, streamEnded);
    expect(garbage.current).toMatchObject({ kind: 'stale', policy: { version: 'v1' } });
  });
});

describe('policy API errors', () => {
  // Breaks with a fixed 30 s retry forever: the delays stop growing and have no jitter.
  it('backs off exponentially with jitter, up to a cap', () => {
    const low = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 40].map((attempt) => policyBackoff(attempt, 0));
    const high = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 40].map((attempt) => policyBackoff(attempt, 0.999));
    for (let i = 1; i < low.length; i++) expect(low[i]).toBeGreaterThanOrEqual(low[i - 1] ?? 0);
    expect(Math.max(...high)).toBeLessThanOrEqual(POLICY_BACKOFF_CAP_MS);
    expect(low.at(-1)).toBe(POLICY_BACKOFF_CAP_MS / 2);
    expect(low.at(-1)).toBeGreaterThan(30_000);
    // Jitter: two phones on the same attempt wait differently.
    expect(policyBackoff(3, 0.1)).not.toBe(policyBackoff(3, 0.9));
  });

  // Breaks when failures are not counted: the Konto tab never says "unreachable".
  it('counts failures in a row, calls the API unreachable after a few, and starts over on success', async () => {
    const delays: number[] = [];
    let answer: 'down' | 'up' = 'down';
    const fetcher = (async (input: RequestInfo | URL) => {
      if (answer === 'down') throw new TypeError('Failed to fetch');
      return fakeFetch({ events: [`event: policy\ndata: ${JSON.stringify(samplePolicy())}\n\n`] })(input);
    }) as typeof fetch;
    const client = new PolicyClient('http://pbx/api/v1', '201', 'pw', {
      ...deps(fetcher),
      backoffMs: (attempt) => (delays.push(attempt), 3_600_000),
    });
    const seen = collect(client);
    // Each retry is one refresh(): no timers to wait for.
    const failures = async (count: number) => {
      await vi.waitFor(() => expect(seen.filter((status) => status.kind !== 'fresh')).toHaveLength(count));
    };
    client.start();
    await failures(1);
    expect(policyUnreachable(client.current)).toBe(false);
    for (let n = 2; n <= POLICY_UNREACHABLE_AFTER; n++) {
      // refresh() restarts the backoff (the user's "Retry"), but the failure count goes on.
      client.refresh();
      await failures(n);
    }
    expect(client.current).toMatchObject({ kind: 'unavailable', failures: POLICY_UNREACHABLE_AFTER });
    expect(policyUnreachable(client.current)).toBe(true);
    expect(delays.every((attempt) => attempt === 0)).toBe(true);
    answer = 'up';
    client.refresh();
    // The fake stream ends right after the policy: fresh, then stale with the count started over.
    await vi.waitFor(() => expect(seen.at(-1)).toMatchObject({ kind: 'stale', failures: 1 }));
    expect(seen.some((status) => status.kind === 'fresh')).toBe(true);
    expect(policyUnreachable(client.current)).toBe(false);
    client.stop();
  });
});
