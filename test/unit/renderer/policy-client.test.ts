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

/** Resolves with the first status the client emits that `accept` takes (the event stream has ended, say). */
function until(client: PolicyClient, accept: (status: PolicyStatus) => boolean): Promise<PolicyStatus> {
  return new Promise((resolve) => {
    const unsubscribe = client.subscribe((status) => {
      if (!accept(status)) return;
      unsubscribe();
      resolve(status);
    });
  });
}
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
    const client = new PolicyClient(
      'http://pbx/api/v1',
      '201',
      'pw',
      deps(
        fakeFetch({
          events: [
            `event: policy\ndata: ${JSON.stringify(first)}\n\n`,
            `event: policy\ndata: ${JSON.stringify(second)}\n\n`,
          ],
        }),
        storage,
      ),
    );
    const seen = collect(client);
    const ended = until(client, streamEnded);
    client.start();
    await ended;
    client.stop();
    expect(
      seen
        .filter((status) => status.kind === 'fresh')
        .map((status) => status.kind === 'fresh' && status.policy.version),
    ).toEqual(['v1', 'v2']);
    // The stream ended: the last policy stays, marked stale.
    expect(client.current).toMatchObject({ kind: 'stale', policy: { version: 'v2' }, problem: 'network' });
    const restarted = new PolicyClient(
      'http://pbx/api/v1',
      '201',
      'pw',
      deps(fakeFetch({ token: 503 }), storage),
    );
    expect(restarted.current).toMatchObject({ kind: 'stale', policy: { version: 'v2' } });
  });

  it('reports unavailable without a cache, and names wrong credentials', async () => {
    const client = new PolicyClient('http://pbx/api/v1', '201', 'bad', deps(fakeFetch({ token: 401 })));
    const failed = until(client, (status) => status.kind !== 'fresh');
    client.start();
    await failed;
    client.stop();
    expect(client.current).toEqual({ kind: 'unavailable', problem: 'credentials' });
  });

  it('treats a garbage policy as invalid and keeps the last good one', async () => {
    const storage = memoryStorage();
    const good = new PolicyClient(
      'http://pbx/api/v1',
      '201',
      'pw',
      deps(fakeFetch({ events: [`event: policy\ndata: ${JSON.stringify(samplePolicy())}\n\n`] }), storage),
    );
    const goodEnded = until(good, streamEnded);
    good.start();
    await goodEnded;
    good.stop();
    const garbage = new PolicyClient(
      'http://pbx/api/v1',
      '201',
      'pw',
      deps(
        fakeFetch({
          events: [
            'event: policy\ndata: {"version": 1, "extension": null}\n\n',
            'event: policy\ndata: not json\n\n',
          ],
        }),
        storage,
      ),
    );
    const garbageEnded = until(garbage, streamEnded);
    garbage.start();
    await garbageEnded;
    garbage.stop();
    expect(garbage.current).toMatchObject({ kind: 'stale', policy: { version: 'v1' } });
  });
});
