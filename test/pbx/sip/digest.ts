import { createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../crypto/constant-time';
import { hash, type DigestAlgorithm } from '../crypto/ha1';
import { MAX_AUTH_HEADER_BYTES, parseAuthHeader } from './auth-header';

export { ha1, hash, type DigestAlgorithm } from '../crypto/ha1';

/**
 * SIP digest authentication (RFC 3261 §22, RFC 7616/8760 algorithms), sans-IO apart from one unref'd
 * sweep timer. Nonces are stateless (time + HMAC) so expiry needs no table; the highest nonce count
 * seen per nonce is kept until the nonce expires, so a captured request cannot be replayed. The
 * server stores only HA1 values, never passwords.
 *
 * What a response must be to be accepted:
 * - `qop=auth` with an 8-hex-digit `nc` and a `cnonce` (RFC 2069 answers without qop are refused:
 *   they carry no nonce count and could be replayed for the nonce's whole lifetime);
 * - its `uri` is the request's Request-URI (an answer computed for `sip:0800…` authorises nothing
 *   but `sip:0800…`);
 * - its nonce was issued here and has not expired;
 * - its nonce count is higher than any seen for that nonce, for every method.
 *
 * sip.js 0.21 re-sends its last Authorization (same nonce, same nc) on re-REGISTER and un-REGISTER.
 * Such a repeat is answered with a fresh challenge (`stale`), which sip.js answers with a new nonce
 * and nc=1; it is never accepted as it is.
 */
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

export type InvalidReason =
  'unknown-user' | 'wrong-response' | 'bad-nonce' | 'wrong-uri' | 'no-qop' | 'malformed';

export type DigestVerdict =
  | { kind: 'ok'; username: string }
  /** The password was right but the nonce expired, or its count was used before: challenge again. */
  | { kind: 'stale'; why: 'expired' | 'replayed'; username: string }
  /** `username` is the claimed user when the header named one (for per-extension throttling). */
  | { kind: 'invalid'; reason: InvalidReason; username?: string };

/** The request an Authorization header must belong to. */
export interface DigestRequest {
  method: string;
  /** True when the `uri` directive names the request's Request-URI. */
  uriMatches(uri: string): boolean;
}

/**
 * Parses `Digest a="b", c=d` into a map (quoted strings may contain commas), in linear time. No size
 * cap here (the caller's business: `credentialsFrom` refuses more than MAX_AUTH_HEADER_BYTES).
 */
export function parseDigestHeader(header: string): Record<string, string> | null {
  const parsed = parseAuthHeader(header);
  return parsed?.scheme === 'digest' ? parsed.params : null;
}

export function credentialsFrom(header: string): DigestCredentials | null {
  if (header.length > MAX_AUTH_HEADER_BYTES) return null;
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
  /** How often nonce counts of expired nonces are forgotten (default: a tenth of the lifetime). */
  pruneIntervalMs?: number;
}

const NC_PATTERN = /^[0-9a-fA-F]{8}$/;

export class DigestAuthenticator {
  private readonly secret: Buffer;
  /** Highest nonce count seen per nonce, until the nonce expires (swept by a timer). */
  private readonly nonceCounts = new Map<string, { nc: number; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: DigestAuthenticatorOptions) {
    this.secret = options.secret ?? randomBytes(32);
    const interval = options.pruneIntervalMs ?? Math.max(1_000, Math.round(options.nonceLifetimeMs / 10));
    this.sweeper = setInterval(() => this.pruneNonceCounts(), interval);
    this.sweeper.unref();
  }

  get realm(): string {
    return this.options.realm;
  }

  /** Nonces whose counts are remembered (for the PBX's stats). */
  get trackedNonces(): number {
    return this.nonceCounts.size;
  }

  close(): void {
    clearInterval(this.sweeper);
    this.nonceCounts.clear();
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

  verify(header: string | undefined, request: DigestRequest): DigestVerdict {
    if (!header) return { kind: 'invalid', reason: 'malformed' };
    const credentials = credentialsFrom(header);
    if (!credentials || credentials.realm !== this.options.realm)
      return { kind: 'invalid', reason: 'malformed' };
    const username = credentials.username;
    const nonceState = this.checkNonce(credentials.nonce);
    if (nonceState === 'bad') return { kind: 'invalid', reason: 'bad-nonce', username };
    if (credentials.qop !== 'auth' || !credentials.cnonce || !NC_PATTERN.test(credentials.nc ?? ''))
      return { kind: 'invalid', reason: 'no-qop', username };
    const nc = Number.parseInt(credentials.nc ?? '', 16);
    if (nc < 1) return { kind: 'invalid', reason: 'malformed', username };
    if (!request.uriMatches(credentials.uri)) return { kind: 'invalid', reason: 'wrong-uri', username };

    const storedHa1 = this.options.ha1For(username, credentials.algorithm);
    if (storedHa1 === undefined) return { kind: 'invalid', reason: 'unknown-user', username };
    const expected = expectedResponse(storedHa1, credentials, request.method);
    if (expected === null || !constantTimeEqual(expected, credentials.response.toLowerCase())) {
      return { kind: 'invalid', reason: 'wrong-response', username };
    }
    // A correct answer to an expired nonce: the password is right, the nonce is old.
    if (nonceState === 'expired') return { kind: 'stale', why: 'expired', username };
    const seen = this.nonceCounts.get(credentials.nonce);
    if (seen && nc <= seen.nc) return { kind: 'stale', why: 'replayed', username };
    this.nonceCounts.set(credentials.nonce, {
      nc,
      expiresAt: (nonceIssuedAt(credentials.nonce) ?? 0) + this.options.nonceLifetimeMs,
    });
    return { kind: 'ok', username };
  }

  private issueNonce(): string {
    const issued = this.options.now().toString(36);
    const salt = randomBytes(8).toString('hex');
    return `${issued}.${salt}.${this.sign(`${issued}.${salt}`)}`;
  }

  private checkNonce(nonce: string): 'fresh' | 'expired' | 'bad' {
    const [issued, salt, signature, ...rest] = nonce.split('.');
    if (
      rest.length > 0 ||
      !issued ||
      !salt ||
      !signature ||
      !constantTimeEqual(signature, this.sign(`${issued}.${salt}`))
    )
      return 'bad';
    const issuedAt = Number.parseInt(issued, 36);
    return this.options.now() - issuedAt > this.options.nonceLifetimeMs ? 'expired' : 'fresh';
  }

  private sign(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url').slice(0, 22);
  }

  /** Forgets the counts of expired nonces (an expired nonce is answered `stale` before its count matters). */
  pruneNonceCounts(): void {
    const now = this.options.now();
    for (const [nonce, state] of this.nonceCounts) if (state.expiresAt < now) this.nonceCounts.delete(nonce);
  }
}

function nonceIssuedAt(nonce: string): number | null {
  const issued = nonce.split('.')[0];
  return issued ? Number.parseInt(issued, 36) : null;
}

/** The `response` a client computes; null unless qop=auth (the only quality of protection accepted). */
export function expectedResponse(storedHa1: string, c: DigestCredentials, method: string): string | null {
  if (c.qop !== 'auth' || !c.nc || !c.cnonce) return null;
  const ha2 = hash(c.algorithm, `${method}:${c.uri}`);
  return hash(c.algorithm, `${storedHa1}:${c.nonce}:${c.nc}:${c.cnonce}:auth:${ha2}`);
}
