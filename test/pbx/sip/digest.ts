import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * SIP digest authentication (RFC 3261 §22, RFC 7616/8760 algorithms), sans-IO.
 * Nonces are stateless (time + HMAC) so expiry needs no table; nonce counts are tracked per nonce to
 * refuse replays. The server stores only HA1 values, never passwords.
 */
export type DigestAlgorithm = 'MD5' | 'SHA-256';
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['MD5', 'SHA-256'];

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: DigestAlgorithm;
  qop: string | undefined;
  nc: string | undefined;
  cnonce: string | undefined;
  opaque: string | undefined;
}

export type DigestVerdict =
  | { kind: 'ok'; username: string }
  | { kind: 'stale' }
  | {
      kind: 'invalid';
      reason: 'unknown-user' | 'wrong-response' | 'bad-nonce' | 'replayed-nc' | 'malformed';
    };

export function hash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
    .update(text)
    .digest('hex');
}

export function ha1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return hash(algorithm, `${username}:${realm}:${password}`);
}

/** Parses `Digest a="b", c=d` into a map (quoted strings may contain commas). */
export function parseDigestHeader(header: string): Record<string, string> | null {
  const match = /^\s*Digest\s+(.*)$/is.exec(header);
  if (!match?.[1]) return null;
  const params: Record<string, string> = {};
  const pattern = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))\s*(?:,|$)/g;
  let part: RegExpExecArray | null;
  while ((part = pattern.exec(match[1])) !== null) {
    const key = part[1]?.toLowerCase();
    if (key) params[key] = part[2] !== undefined ? part[2].replace(/\\(.)/g, '$1') : (part[3] ?? '');
  }
  return params;
}

export function credentialsFrom(header: string): DigestCredentials | null {
  const params = parseDigestHeader(header);
  if (!params) return null;
  const algorithm = (params['algorithm'] ?? 'MD5').toUpperCase();
  if (algorithm !== 'MD5' && algorithm !== 'SHA-256') return null;
  const { username, realm, nonce, uri, response } = params;
  if (!username || !realm || !nonce || !uri || !response) return null;
  return {
    username,
    realm,
    nonce,
    uri,
    response,
    algorithm,
    qop: params['qop'],
    nc: params['nc'],
    cnonce: params['cnonce'],
    opaque: params['opaque'],
  };
}

export interface DigestAuthenticatorOptions {
  realm: string;
  /** How long a nonce is accepted; after that the client is told `stale=true` and retries silently. */
  nonceLifetimeMs: number;
  now: () => number;
  /** HA1 of a user for an algorithm, or undefined for an unknown user. */
  ha1For(username: string, algorithm: DigestAlgorithm): string | undefined;
  secret?: Buffer;
}

const PRUNE_INTERVAL_MS = 1000;

export class DigestAuthenticator {
  private readonly secret: Buffer;
  /** Highest nonce count seen per nonce (bounded by nonce lifetime; pruned on use). */
  private readonly nonceCounts = new Map<string, { nc: number; issuedAt: number }>();
  private lastPrunedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: DigestAuthenticatorOptions) {
    this.secret = options.secret ?? randomBytes(32);
  }

  get realm(): string {
    return this.options.realm;
  }

  /**
   * The challenge header values, most preferred first as RFC 8760 asks: SHA-256, then MD5. sip.js
   * 0.21 answers only MD5 and its parser keeps the last WWW-Authenticate header, so MD5 goes last.
   */
  challenges(stale = false): string[] {
    const nonce = this.issueNonce();
    return [...DIGEST_ALGORITHMS]
      .reverse()
      .map(
        (algorithm) =>
          `Digest realm="${this.options.realm}", nonce="${nonce}", algorithm=${algorithm}, qop="auth"` +
          (stale ? ', stale=true' : ''),
      );
  }

  verify(header: string | undefined, method: string): DigestVerdict {
    if (!header) return { kind: 'invalid', reason: 'malformed' };
    const credentials = credentialsFrom(header);
    if (!credentials || credentials.realm !== this.options.realm)
      return { kind: 'invalid', reason: 'malformed' };
    const nonceState = this.checkNonce(credentials.nonce);
    if (nonceState === 'bad') return { kind: 'invalid', reason: 'bad-nonce' };

    const storedHa1 = this.options.ha1For(credentials.username, credentials.algorithm);
    if (storedHa1 === undefined) return { kind: 'invalid', reason: 'unknown-user' };

    const expected = expectedResponse(storedHa1, credentials, method);
    if (expected === null || !constantTimeEqual(expected, credentials.response.toLowerCase())) {
      return { kind: 'invalid', reason: 'wrong-response' };
    }
    // A correct answer to an expired nonce: the password is right, the nonce is old.
    if (nonceState === 'expired') return { kind: 'stale' };

    if (credentials.qop === 'auth') {
      const nc = Number.parseInt(credentials.nc ?? '', 16);
      if (!Number.isFinite(nc) || nc < 1) return { kind: 'invalid', reason: 'malformed' };
      const seen = this.nonceCounts.get(credentials.nonce);
      // sip.js re-sends the same nc on un-REGISTER: an equal count is accepted for REGISTER only.
      if (seen && (nc < seen.nc || (nc === seen.nc && method !== 'REGISTER'))) {
        return { kind: 'invalid', reason: 'replayed-nc' };
      }
      this.nonceCounts.set(credentials.nonce, { nc, issuedAt: nonceIssuedAt(credentials.nonce) ?? 0 });
    }
    this.pruneNonceCounts();
    return { kind: 'ok', username: credentials.username };
  }

  private issueNonce(): string {
    const issued = this.options.now().toString(36);
    const salt = randomBytes(8).toString('hex');
    return `${issued}.${salt}.${this.sign(`${issued}.${salt}`)}`;
  }

  private checkNonce(nonce: string): 'fresh' | 'expired' | 'bad' {
    const [issued, salt, signature] = nonce.split('.');
    if (!issued || !salt || !signature || !constantTimeEqual(signature, this.sign(`${issued}.${salt}`)))
      return 'bad';
    const issuedAt = Number.parseInt(issued, 36);
    return this.options.now() - issuedAt > this.options.nonceLifetimeMs ? 'expired' : 'fresh';
  }

  private sign(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url').slice(0, 22);
  }

  /** Forgets expired nonces, sweeping at most once a second rather than on every request. */
  private pruneNonceCounts(): void {
    const now = this.options.now();
    if (now - this.lastPrunedAt < PRUNE_INTERVAL_MS) return;
    this.lastPrunedAt = now;
    const oldest = now - this.options.nonceLifetimeMs;
    for (const [nonce, state] of this.nonceCounts)
      if (state.issuedAt < oldest) this.nonceCounts.delete(nonce);
  }
}

function nonceIssuedAt(nonce: string): number | null {
  const issued = nonce.split('.')[0];
  return issued ? Number.parseInt(issued, 36) : null;
}

export function expectedResponse(storedHa1: string, c: DigestCredentials, method: string): string | null {
  const ha2 = hash(c.algorithm, `${method}:${c.uri}`);
  if (c.qop === undefined) return hash(c.algorithm, `${storedHa1}:${c.nonce}:${ha2}`);
  if (c.qop !== 'auth' || !c.nc || !c.cnonce) return null;
  return hash(c.algorithm, `${storedHa1}:${c.nonce}:${c.nc}:${c.cnonce}:auth:${ha2}`);
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Counts failed attempts per source and refuses a source that fails too often (sliding window). */
export class FailureThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  recordFailure(source: string): void {
    const recent = this.recent(source);
    recent.push(this.now());
    this.failures.set(source, recent);
  }

  isThrottled(source: string): boolean {
    return this.recent(source).length >= this.limit;
  }

  private recent(source: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const recent = (this.failures.get(source) ?? []).filter((time) => time > cutoff);
    if (recent.length === 0) this.failures.delete(source);
    return recent;
  }
}
