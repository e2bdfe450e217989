import { describe, expect, it } from 'vitest';
import {
  DigestAuthenticator,
  FailureThrottle,
  ha1,
  hash,
  parseDigestHeader,
  type DigestAlgorithm,
} from '../../../test/pbx/sip/digest';

const REALM = 'pbx.tollgate.test';
const PASSWORDS: Record<string, string> = { '201': 'pw-201' };

function authenticator(clock: { now: number }, lifetimeMs = 60_000) {
  return new DigestAuthenticator({
    realm: REALM,
    nonceLifetimeMs: lifetimeMs,
    now: () => clock.now,
    ha1For: (user, algorithm) => (PASSWORDS[user] ? ha1(algorithm, user, REALM, PASSWORDS[user]) : undefined),
  });
}

/** What a client computes for a challenge (RFC 7616 with qop=auth). */
function answer(
  challenge: string,
  options: {
    user?: string;
    password?: string;
    method?: string;
    uri?: string;
    nc?: number;
    algorithm?: DigestAlgorithm;
  },
) {
  const params = parseDigestHeader(challenge);
  const algorithm = options.algorithm ?? ((params?.['algorithm'] ?? 'MD5') as DigestAlgorithm);
  const user = options.user ?? '201';
  const uri = options.uri ?? 'sip:pbx.tollgate.test';
  const nc = (options.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = 'c0ffee';
  const nonce = params?.['nonce'] ?? '';
  const response = hash(
    algorithm,
    `${ha1(algorithm, user, REALM, options.password ?? 'pw-201')}:${nonce}:${nc}:${cnonce}:auth:${hash(algorithm, `${options.method ?? 'REGISTER'}:${uri}`)}`,
  );
  return `Digest username="${user}", realm="${REALM}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=${algorithm}, qop=auth, nc=${nc}, cnonce="${cnonce}"`;
}

describe('digest authentication', () => {
  it('offers SHA-256 first and MD5 last (the one sip.js reads), with qop=auth', () => {
    const [sha, md5] = authenticator({ now: 0 }).challenges();
    expect(md5).toMatch(/^Digest realm="pbx.tollgate.test", nonce="[^"]+", algorithm=MD5, qop="auth"$/);
    expect(sha).toContain('algorithm=SHA-256');
  });

  it.each(['MD5', 'SHA-256'] as const)('accepts a correct %s answer', (algorithm) => {
    const auth = authenticator({ now: 1_000 });
    const challenge = auth.challenges()[algorithm === 'MD5' ? 1 : 0] ?? '';
    expect(auth.verify(answer(challenge, {}), 'REGISTER')).toEqual({ kind: 'ok', username: '201' });
  });

  it('refuses a wrong password, an unknown user, a forged nonce and another realm', () => {
    const auth = authenticator({ now: 1_000 });
    const challenge = auth.challenges()[1] ?? '';
    expect(auth.verify(answer(challenge, { password: 'nope' }), 'REGISTER')).toEqual({
      kind: 'invalid',
      reason: 'wrong-response',
    });
    expect(auth.verify(answer(challenge, { user: '999' }), 'REGISTER')).toEqual({
      kind: 'invalid',
      reason: 'unknown-user',
    });
    const forged = answer(challenge.replace(/nonce="([^".]+)\./, 'nonce="zz.'), {});
    expect(auth.verify(forged, 'REGISTER')).toEqual({ kind: 'invalid', reason: 'bad-nonce' });
    expect(auth.verify(answer(challenge, {}).replace(REALM, 'other'), 'REGISTER')).toMatchObject({
      kind: 'invalid',
    });
    expect(auth.verify(undefined, 'REGISTER')).toEqual({ kind: 'invalid', reason: 'malformed' });
    expect(auth.verify('Basic abc', 'REGISTER')).toEqual({ kind: 'invalid', reason: 'malformed' });
  });

  it('binds the answer to the method and the URI', () => {
    const auth = authenticator({ now: 1_000 });
    const challenge = auth.challenges()[1] ?? '';
    expect(auth.verify(answer(challenge, { method: 'REGISTER' }), 'INVITE')).toMatchObject({
      kind: 'invalid',
    });
  });

  it('answers a correct response to an expired nonce with stale, and a wrong one with invalid', () => {
    const clock = { now: 1_000 };
    const auth = authenticator(clock, 60_000);
    const challenge = auth.challenges()[1] ?? '';
    clock.now += 60_001;
    expect(auth.verify(answer(challenge, {}), 'REGISTER')).toEqual({ kind: 'stale' });
    expect(auth.verify(answer(challenge, { password: 'x' }), 'REGISTER')).toMatchObject({ kind: 'invalid' });
    expect(auth.challenges(true)[0]).toContain('stale=true');
  });

  it('refuses a replayed nonce count, but lets REGISTER repeat it (sip.js un-REGISTER)', () => {
    const auth = authenticator({ now: 1_000 });
    const challenge = auth.challenges()[1] ?? '';
    expect(auth.verify(answer(challenge, { nc: 1, method: 'INVITE' }), 'INVITE').kind).toBe('ok');
    expect(auth.verify(answer(challenge, { nc: 1, method: 'INVITE' }), 'INVITE')).toEqual({
      kind: 'invalid',
      reason: 'replayed-nc',
    });
    expect(auth.verify(answer(challenge, { nc: 2, method: 'REGISTER' }), 'REGISTER').kind).toBe('ok');
    expect(auth.verify(answer(challenge, { nc: 2, method: 'REGISTER' }), 'REGISTER').kind).toBe('ok');
    expect(auth.verify(answer(challenge, { nc: 1, method: 'REGISTER' }), 'REGISTER')).toEqual({
      kind: 'invalid',
      reason: 'replayed-nc',
    });
  });

  it('parses quoted values with commas and escapes', () => {
    expect(parseDigestHeader('Digest realm="a, b", nonce="x\\"y", qop=auth')).toEqual({
      realm: 'a, b',
      nonce: 'x"y',
      qop: 'auth',
    });
    expect(parseDigestHeader('Basic x')).toBeNull();
  });
});

describe('failure throttle', () => {
  it('throttles a source after too many failures in the window, and forgets them later', () => {
    const clock = { now: 0 };
    const throttle = new FailureThrottle(3, 10_000, () => clock.now);
    for (let i = 0; i < 2; i++) throttle.recordFailure('10.0.0.1');
    expect(throttle.isThrottled('10.0.0.1')).toBe(false);
    throttle.recordFailure('10.0.0.1');
    expect(throttle.isThrottled('10.0.0.1')).toBe(true);
    expect(throttle.isThrottled('10.0.0.2')).toBe(false);
    clock.now += 10_001;
    expect(throttle.isThrottled('10.0.0.1')).toBe(false);
  });
});
