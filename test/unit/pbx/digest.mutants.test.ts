import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_AUTH_HEADER_BYTES } from '../../pbx/sip/auth-header';
import {
  credentialsFrom,
  DigestAuthenticator,
  expectedResponse,
  ha1,
  hash,
  parseDigestHeader,
} from '../../pbx/sip/digest';

/**
 * Digest cases written to kill the mutants Stryker found surviving (`npm run test:mutation`): the
 * hash computed independently (not with the module's own `hash`), every missing directive, the
 * nonce-count format and value, forged nonces, and the exact expiry boundary.
 */
const REALM = 'tollgate.test';
const URI = 'sip:0301234567@tollgate.test';
const open: DigestAuthenticator[] = [];
afterEach(() => open.splice(0).forEach((auth) => auth.close()));

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function authenticator(clock: { now: number }, lifetimeMs = 60_000) {
  const auth = new DigestAuthenticator({
    realm: REALM,
    nonceLifetimeMs: lifetimeMs,
    now: () => clock.now,
    ha1For: (user, algorithm) => (user === '201' ? ha1(algorithm, '201', REALM, 'pw') : undefined),
  });
  open.push(auth);
  return auth;
}

const request = { method: 'INVITE', uriMatches: (uri: string) => uri === URI };

function nonceOf(auth: DigestAuthenticator): string {
  const params = parseDigestHeader(auth.challenges()[0] ?? '');
  return params?.['nonce'] ?? '';
}

/** A client's MD5 answer computed with node:crypto directly; `drop` leaves directives out. */
function header(
  nonce: string,
  options: { nc?: string; cnonce?: string; drop?: string[]; response?: string } = {},
) {
  const nc = options.nc ?? '00000001';
  const cnonce = options.cnonce ?? 'c0ffee';
  const response =
    options.response ??
    md5(`${md5(`201:${REALM}:pw`)}:${nonce}:${nc}:${cnonce}:auth:${md5(`INVITE:${URI}`)}`);
  const directives = {
    username: '"201"',
    realm: `"${REALM}"`,
    nonce: `"${nonce}"`,
    uri: `"${URI}"`,
    response: `"${response}"`,
    algorithm: 'MD5',
    qop: 'auth',
    nc,
    cnonce: `"${cnonce}"`,
  };
  const dropped = new Set(options.drop ?? []);
  return `Digest ${Object.entries(directives)
    .filter(([name]) => !dropped.has(name))
    .map(([name, value]) => `${name}=${value}`)
    .join(', ')}`;
}

describe('digest: hashes are the standard ones', () => {
  it('MD5 and SHA-256 as node:crypto computes them', () => {
    expect(hash('MD5', 'abc')).toBe(md5('abc'));
    expect(hash('SHA-256', 'abc')).toBe(sha256('abc'));
    expect(ha1('SHA-256', '201', REALM, 'pw')).toBe(sha256(`201:${REALM}:pw`));
  });

  it('accepts an answer computed independently of the module', () => {
    const auth = authenticator({ now: 1_000_000 });
    expect(auth.verify(header(nonceOf(auth)), request)).toEqual({ kind: 'ok', username: '201' });
  });
});

describe('digest: every directive is required', () => {
  for (const name of ['username', 'realm', 'nonce', 'uri', 'response']) {
    it(`a header without ${name} is not credentials`, () => {
      expect(credentialsFrom(header('n.s.x', { drop: [name] }))).toBeNull();
    });
  }

  it('an unknown algorithm is refused, a missing one means MD5', () => {
    expect(credentialsFrom(header('n.s.x').replace('algorithm=MD5', 'algorithm=SHA-1'))).toBeNull();
    expect(credentialsFrom(header('n.s.x', { drop: ['algorithm'] }))?.algorithm).toBe('MD5');
    expect(credentialsFrom(header('n.s.x'))).toMatchObject({ opaque: undefined, cnonce: 'c0ffee' });
  });

  it('refuses an answer without cnonce or with a malformed or zero nonce count', () => {
    const auth = authenticator({ now: 1_000_000 });
    const nonce = nonceOf(auth);
    expect(auth.verify(header(nonce, { drop: ['cnonce'] }), request)).toMatchObject({ reason: 'no-qop' });
    expect(auth.verify(header(nonce, { drop: ['nc'] }), request)).toMatchObject({ reason: 'no-qop' });
    expect(auth.verify(header(nonce, { nc: '1' }), request)).toMatchObject({ reason: 'no-qop' });
    expect(auth.verify(header(nonce, { nc: '000000001' }), request)).toMatchObject({ reason: 'no-qop' });
    expect(auth.verify(header(nonce, { nc: 'x00000001' }), request)).toMatchObject({ reason: 'no-qop' });
    expect(auth.verify(header(nonce, { nc: '00000000' }), request)).toEqual({
      kind: 'invalid',
      reason: 'malformed',
      username: '201',
    });
  });

  it('refuses a response that differs only in length', () => {
    const auth = authenticator({ now: 1_000_000 });
    const nonce = nonceOf(auth);
    const right = md5(`${md5(`201:${REALM}:pw`)}:${nonce}:00000001:c0ffee:auth:${md5(`INVITE:${URI}`)}`);
    expect(auth.verify(header(nonce, { response: `${right}0` }), request)).toMatchObject({
      reason: 'wrong-response',
    });
  });
});

describe('digest: nonces', () => {
  it('refuses forged nonces: missing parts, extra parts, a wrong signature', () => {
    const auth = authenticator({ now: 1_000_000 });
    const [issued, salt, signature] = nonceOf(auth).split('.');
    for (const forged of [
      `${issued}.${salt}`,
      `${issued}..${signature}`,
      `.${salt}.${signature}`,
      `${issued}.${salt}.${signature}.x`,
      `${issued}.${salt}.${(signature ?? '').slice(1)}A`,
    ]) {
      expect(auth.verify(header(forged), request), forged).toMatchObject({ reason: 'bad-nonce' });
    }
  });

  it('a nonce is fresh up to its lifetime exactly and expired one millisecond after', () => {
    const clock = { now: 1_000_000 };
    const auth = authenticator(clock, 60_000);
    const nonce = nonceOf(auth);
    clock.now += 60_000;
    expect(auth.verify(header(nonce), request)).toEqual({ kind: 'ok', username: '201' });
    clock.now += 1;
    expect(auth.verify(header(nonce, { nc: '00000002' }), request)).toEqual({
      kind: 'stale',
      why: 'expired',
      username: '201',
    });
  });

  it('keeps a nonce count until the nonce expires, then forgets it', () => {
    const clock = { now: 1_000_000 };
    const auth = authenticator(clock, 60_000);
    const nonce = nonceOf(auth);
    expect(auth.verify(header(nonce), request).kind).toBe('ok');
    clock.now += 60_000;
    auth.pruneNonceCounts();
    // Not yet expired: the count is still known, a replay is stale.
    expect(auth.verify(header(nonce), request)).toMatchObject({ kind: 'stale', why: 'replayed' });
  });
});

describe('digest: the rest of the answer', () => {
  it('without qop=auth there is no expected response at all', () => {
    const c = credentialsFrom(header('n.s.x'));
    if (!c) throw new Error('no credentials');
    expect(expectedResponse('ha1', c, 'INVITE')).toMatch(/^[0-9a-f]{32}$/);
    expect(expectedResponse('ha1', { ...c, qop: undefined }, 'INVITE')).toBeNull();
    expect(expectedResponse('ha1', { ...c, qop: 'auth-int' }, 'INVITE')).toBeNull();
    expect(expectedResponse('ha1', { ...c, nc: undefined }, 'INVITE')).toBeNull();
    expect(expectedResponse('ha1', { ...c, cnonce: undefined }, 'INVITE')).toBeNull();
  });

  it('refuses an answer without qop as no-qop', () => {
    const auth = authenticator({ now: 1_000_000 });
    expect(auth.verify(header(nonceOf(auth), { drop: ['qop'] }), request)).toMatchObject({
      reason: 'no-qop',
    });
  });

  it('keeps opaque, and takes headers up to the size limit exactly', () => {
    expect(credentialsFrom(`${header('n.s.x')}, opaque="abc"`)?.opaque).toBe('abc');
    const base = header('n.s.x');
    const padded = `${base}, opaque="${'a'.repeat(MAX_AUTH_HEADER_BYTES - base.length - 11)}"`;
    expect(padded.length).toBe(MAX_AUTH_HEADER_BYTES);
    expect(credentialsFrom(padded)).not.toBeNull();
    expect(credentialsFrom(`${padded}a`)).toBeNull();
  });
});
