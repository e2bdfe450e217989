import { describe, expect, it } from 'vitest';
import { PolicyClient, type PolicyStatus } from '../../../renderer/src/policy/policy-client';
import { parseSse } from '../../../renderer/src/policy/sse';
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

describe('SSE parsing', () => {
  it('splits events, joins data lines, ignores comments and keeps a partial event', () => {
    expect(
      parseSse(': keep-alive\n\nevent: policy\ndata: {"a":\ndata: 1}\n\nevent: policy\ndata: x'),
    ).toEqual({
      events: [{ event: 'policy', data: '{"a":\n1}' }],
      rest: 'event: policy\ndata: x',
    });
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
    expect(client.current).toEqual({ kind: 'unavailable', problem: 'credentials' });
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
