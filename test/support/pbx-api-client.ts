/** A small client for the test PBX's HTTP API, for tests and QA fixtures. */
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
      const reader = response.body?.getReader();
      if (!reader) throw new Error('No event stream');
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error('Event stream closed');
        buffer += decoder.decode(value, { stream: true });
        let boundary: number;
        while ((boundary = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const data = event
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (data) {
            const policy = JSON.parse(data) as Record<string, unknown>;
            if (accept(policy)) return policy;
          }
        }
      }
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }
}
