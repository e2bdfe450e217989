import { describe, expect, it } from 'vitest';
import { AuthThrottle, DEFAULT_THROTTLE_RULES } from '../../../test/pbx/sip/auth-throttle';
import { DigestAuthenticator, ha1, hash, parseDigestHeader } from '../../../test/pbx/sip/digest';
import { Registrar } from '../../../test/pbx/sip/registrar';
import { SipService } from '../../../test/pbx/sip/sip-service';
import type { SipConnection } from '../../../test/pbx/transport/websocket';

/**
 * Which extension a REGISTER's failure counts against, now that the SIP service asks the store
 * only when the digest verdict does not already say whether the user exists (the registrar's hot
 * path: no database query for a right answer). A failure counts against an extension only when it
 * exists; a right answer never queries the store.
 *
 * What breaks it (each seen failing once): treating an `unknown-user` verdict as a known user (the
 * made-up name would be throttled as an extension), asking the store on every REGISTER.
 */
const REALM = 'tollgate.test';
const USERS = new Map([['201', 'right-pass']]);

function setUp() {
  const asked: string[] = [];
  const failures: (string | null)[] = [];
  const throttle = new AuthThrottle(DEFAULT_THROTTLE_RULES, Date.now);
  const recordFailure = throttle.recordFailure.bind(throttle);
  throttle.recordFailure = (source, extension) => {
    failures.push(extension);
    recordFailure(source, extension);
  };
  const sent: string[] = [];
  const sip = new SipService({
    isKnownUser: (username) => {
      asked.push(username);
      return USERS.has(username);
    },
    invites: () => ({
      isEmergency: () => false,
      route: () => ({ kind: 'refuse', status: 403, reason: 'Forbidden', toTag: 'x' }),
    }),
    authenticator: new DigestAuthenticator({
      realm: REALM,
      nonceLifetimeMs: 60_000,
      now: Date.now,
      ha1For: (username, algorithm) => {
        const password = USERS.get(username);
        return password === undefined ? undefined : ha1(algorithm, username, REALM, password);
      },
    }),
    throttle,
    registrar: new Registrar(),
    log: () => {},
    now: Date.now,
    domain: REALM,
  });
  const connection: SipConnection = {
    id: 'c1',
    remoteAddress: '192.0.2.1',
    send: (text) => sent.push(text) > 0,
    close: () => {},
  };
  let cseq = 0;
  const register = (user: string, password: string | null, nonce?: string, uri = `sip:${REALM}`) => {
    cseq++;
    const nc = '00000001';
    const authorization =
      password === null || nonce === undefined
        ? ''
        : `Authorization: Digest username="${user}", realm="${REALM}", nonce="${nonce}", uri="${uri}", response="${hash(
            'MD5',
            `${ha1('MD5', user, REALM, password)}:${nonce}:${nc}:c1:auth:${hash('MD5', `REGISTER:${uri}`)}`,
          )}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="c1"\r\n`;
    sip.receive(
      connection,
      `REGISTER sip:${REALM} SIP/2.0\r\nVia: SIP/2.0/WS c1.invalid;branch=z9hG4bK${cseq}\r\nMax-Forwards: 70\r\n` +
        `From: <sip:${user}@${REALM}>;tag=t1\r\nTo: <sip:${user}@${REALM}>\r\nCall-ID: reg-1\r\nCSeq: ${cseq} REGISTER\r\n` +
        `Contact: <sip:c1@c1.invalid;transport=ws>;expires=600\r\n${authorization}Content-Length: 0\r\n\r\n`,
    );
    return sent.at(-1) ?? '';
  };
  const challenge = (user: string) => {
    const answer = register(user, null);
    const line = answer
      .split('\r\n')
      .find((header) => header.startsWith('WWW-Authenticate:') && header.includes('MD5'));
    return parseDigestHeader(line?.slice(line.indexOf(':') + 1) ?? '')?.['nonce'] ?? '';
  };
  return { sip, asked, failures, register, challenge };
}

describe('REGISTER: which extension a failure counts against', () => {
  it('registers a right answer without asking the store whether the user exists', () => {
    const { sip, asked, register, challenge } = setUp();
    expect(register('201', 'right-pass', challenge('201'))).toMatch(/^SIP\/2\.0 200 /);
    expect(asked).toEqual([]);
    sip.close();
  });

  it('counts a wrong password against the extension, a made-up user against none', () => {
    const { sip, failures, register, challenge } = setUp();
    expect(register('201', 'wrong-pass', challenge('201'))).toMatch(/^SIP\/2\.0 403 /);
    expect(register('999', 'any-pass', challenge('999'))).toMatch(/^SIP\/2\.0 403 /);
    expect(failures).toEqual(['201', null]);
    sip.close();
  });

  it('asks the store when the answer failed before the HA1 lookup (a forged nonce)', () => {
    const { sip, asked, failures, register } = setUp();
    expect(register('201', 'right-pass', 'forged.nonce.value')).toMatch(/^SIP\/2\.0 403 /);
    expect(register('999', 'right-pass', 'forged.nonce.value')).toMatch(/^SIP\/2\.0 403 /);
    expect(asked).toEqual(['201', '999']);
    expect(failures).toEqual(['201', null]);
    sip.close();
  });
});
