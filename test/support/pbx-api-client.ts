/** A small client for the test PBX's HTTP API, for tests and QA fixtures. */
import { readEventStream } from '../../shared/policy/event-stream';
export class PbxApiClient {
  constructor(
    readonly baseUrl: string,
    private token: string | null = null,
  ) {}

  async request(method: string, path: string, requestBody?: unknown, headers: Record<string, string> = {}) {
    // fetch refuses a body on GET and HEAD.
    const body = method === 'GET' || method === 'HEAD' ? undefined : requestBody;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return {
      status: response.status,
      headers: response.headers,
      body: json as Record<string, unknown> & unknown,
    };
  }

  static async signIn(
    baseUrl: string,
    kind: 'extension' | 'admin' | 'provider',
    user: string,
    password: string,
  ) {
    const client = new PbxApiClient(baseUrl);
    const path = kind === 'extension' ? '/token' : `/${kind}/session`;
    const body = kind === 'extension' ? { extension: user, password } : { username: user, password };
    const response = await client.request('POST', path, body);
    if (response.status !== 200)
      throw new Error(`Sign-in failed: ${response.status} ${JSON.stringify(response.body)}`);
    client.token = String((response.body as { token: string }).token);
    return client;
  }

  /** Reads the policy event stream until `accept` returns true for a pushed policy. */
  async waitForPolicy(accept: (policy: Record<string, unknown>) => boolean, timeoutMs = 5_000) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(`${this.baseUrl}/policy/events`, {
        headers: { Authorization: `Bearer ${this.token ?? ''}` },
        signal: controller.signal,
      });
      if (!response.body) throw new Error('No event stream');
      let accepted = null as Record<string, unknown> | null;
      await readEventStream(response.body, (event) => {
        const policy = JSON.parse(event.data) as Record<string, unknown>;
        if (!accept(policy)) return false;
        accepted = policy;
        return true;
      });
      if (!accepted) throw new Error('Event stream closed');
      return accepted;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }
}
