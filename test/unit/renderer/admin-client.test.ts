/**
 * The typed admin client of issue #14 (contract 1): paths, methods, bodies, and zod checks of every
 * answer. What breaks each test is said above it.
 */
import { describe, expect, it } from 'vitest';
import { AdminClient } from '../../../renderer/src/policy/admin-client';

type Seen = { method: string; url: string; body: unknown; auth: string | null };

function fakeFetch(answer: (seen: Seen) => Response) {
  const seen: Seen[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const entry: Seen = {
      method: init?.method ?? 'GET',
      url: String(input),
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : null,
      auth: headers.get('Authorization'),
    };
    seen.push(entry);
    if (entry.url.endsWith('/admin/session')) return Response.json({ token: 'tok' });
    return answer(entry);
  }) as typeof fetch;
  return { seen, fetcher };
}

async function signedIn(answer: (seen: Seen) => Response) {
  const { seen, fetcher } = fakeFetch(answer);
  const result = await AdminClient.signIn('https://pbx.test/api/v1', 'chef', 'pw', fetcher);
  if (!result.ok) throw new Error(result.code);
  return { client: result.value, seen };
}

const code = {
  id: 7,
  label: 'Maria',
  enabled: true,
  validFrom: null,
  validUntil: '2026-12-31',
  createdAt: '2026-11-01T08:00:00.000Z',
  lastUsedAt: null,
};

describe('AdminClient: personal codes', () => {
  // Breaks when a field the PBX sends beyond the contract (a code, a hash) is passed on to the UI.
  it('lists codes and drops anything beyond the contract', async () => {
    const { client, seen } = await signedIn(() =>
      Response.json({ codes: [{ ...code, code: '4821', hash: 'scrypt$…' }] }),
    );
    const result = await client.listCodes('201');
    expect(result).toEqual({ ok: true, value: [{ ...code, id: '7' }] });
    expect(JSON.stringify(result)).not.toContain('4821');
    expect(seen[1]).toMatchObject({
      method: 'GET',
      url: 'https://pbx.test/api/v1/admin/extensions/201/codes',
      auth: 'Bearer tok',
    });
  });

  // Breaks when the body, method or path differs from contract 1.
  it('adds, changes and deletes with the contract’s paths and bodies', async () => {
    const { client, seen } = await signedIn((request) =>
      request.method === 'DELETE'
        ? new Response(null, { status: 204 })
        : Response.json({ code }, { status: request.method === 'POST' ? 201 : 200 }),
    );
    expect(
      await client.addCode('201', { label: 'Maria', code: '4821', validUntil: '2026-12-31' }),
    ).toMatchObject({
      ok: true,
      value: { id: '7', label: 'Maria' },
    });
    expect(seen[1]).toMatchObject({
      method: 'POST',
      url: 'https://pbx.test/api/v1/admin/extensions/201/codes',
      body: { label: 'Maria', code: '4821', validUntil: '2026-12-31' },
    });
    await client.changeCode('201', '7', { enabled: false });
    expect(seen[2]).toMatchObject({
      method: 'PATCH',
      url: 'https://pbx.test/api/v1/admin/extensions/201/codes/7',
      body: { enabled: false },
    });
    expect(await client.deleteCode('201', '7')).toEqual({ ok: true, value: null });
    expect(seen[3]).toMatchObject({
      method: 'DELETE',
      url: 'https://pbx.test/api/v1/admin/extensions/201/codes/7',
    });
  });

  // Breaks when the API's error code is lost (the UI could not say "code taken").
  it('passes the PBX’s error code on, and refuses an answer of the wrong shape', async () => {
    const { client } = await signedIn((request) =>
      request.method === 'POST'
        ? Response.json({ error: { code: 'code-taken', message: 'x' } }, { status: 409 })
        : Response.json({ codes: [{ id: 1 }] }),
    );
    expect(await client.addCode('201', { label: 'A', code: '1234' })).toEqual({
      ok: false,
      code: 'code-taken',
    });
    expect(await client.listCodes('201')).toEqual({ ok: false, code: 'invalid-response' });
  });
});

describe('AdminClient: scope and PIN usage', () => {
  // Breaks when the scope patch or the company call use other paths or bodies.
  it('patches the scope and the company default', async () => {
    const { client, seen } = await signedIn((request) =>
      request.url.endsWith('/admin/company')
        ? Response.json({ defaultPinScope: 'international', name: 'Muster' })
        : Response.json({ error: { code: 'extension-not-found', message: 'x' } }, { status: 404 }),
    );
    expect(await client.changeCompany({ defaultPinScope: 'international' })).toEqual({
      ok: true,
      value: { defaultPinScope: 'international' },
    });
    expect(seen[1]).toMatchObject({ method: 'PATCH', body: { defaultPinScope: 'international' } });
    expect(await client.changeCallSettings('209', { pinScope: null })).toEqual({
      ok: false,
      code: 'extension-not-found',
    });
    expect(seen[2]).toMatchObject({
      method: 'PATCH',
      url: 'https://pbx.test/api/v1/admin/extensions/209/call-settings',
      body: { pinScope: null },
    });
  });

  // Breaks when the query is not sent or the answer is not checked.
  it('reads PIN usage for 30 days, optionally for one extension', async () => {
    const { client, seen } = await signedIn(() =>
      Response.json({
        calls: [
          {
            callId: 'c1',
            extension: '201',
            codeLabel: null,
            destination: '+44',
            startedAt: '2026-11-30T09:00:00.000Z',
            durationSeconds: 3,
            outcome: 'answered',
            code: '4821',
          },
        ],
        events: [{ at: '2026-11-30T09:00:00.000Z', extension: '201', kind: 'future-kind', by: null }],
      }),
    );
    const result = await client.pinUsage({ days: 30, extension: '201' });
    expect(seen[1]?.url).toBe('https://pbx.test/api/v1/admin/pin-usage?days=30&extension=201');
    expect(result.ok && result.value.calls[0]).not.toHaveProperty('code');
    expect(result.ok && result.value.events[0]?.kind).toBe('future-kind');
  });
});
