import { ha1, hash, parseDigestHeader } from '../test/pbx/sip/digest';
import { DigestAuthenticator } from '../test/pbx/sip/digest';
import { AuthThrottle, DEFAULT_THROTTLE_RULES } from '../test/pbx/sip/auth-throttle';
import { Registrar } from '../test/pbx/sip/registrar';
import { SipService } from '../test/pbx/sip/sip-service';
import type { SipConnection } from '../test/pbx/transport/websocket';
import { round, summarize } from './lib/stats';

/**
 * The registrar's hot path in this process, without sockets: µs per re-REGISTER (digest answered,
 * next nonce count) and per new registration (REGISTER, 401, REGISTER, 200) through the SIP service
 * as the PBX wires it, with in-memory HA1s. Medians of batches. What each registrar optimisation
 * changes is measured here first (`node --import tsx bench/registrar-micro.ts`), then end to end by
 * `npm run bench -- --only=registrar`.
 */
const REALM = 'tollgate.test';
const CLIENTS = 64;
const password = (extension: string) => `demo-pass-${extension}`;

export function registrarMicro(batches = 15, perBatch = 2_000) {
  const now = () => Date.now();
  const authenticator = new DigestAuthenticator({
    realm: REALM,
    nonceLifetimeMs: 5 * 60_000,
    now,
    ha1For: (username, algorithm) => ha1(algorithm, username, REALM, password(username)),
  });
  const throttle = new AuthThrottle(DEFAULT_THROTTLE_RULES, now);
  let last = '';
  const sip = new SipService({
    isKnownUser: () => true,
    invites: () => ({
      isEmergency: () => false,
      route: () => ({ kind: 'refuse', status: 403, reason: 'x', toTag: 'x' }),
    }),
    authenticator,
    throttle,
    registrar: new Registrar(),
    log: () => {},
    now,
    domain: REALM,
  });
  const connection = (id: number): SipConnection => ({
    id: `c${id}`,
    remoteAddress: '127.0.0.1',
    send: (text) => ((last = text), true),
    close: () => {},
  });
  const clients = Array.from({ length: CLIENTS }, (_, index) => ({
    index,
    extension: String(10_000 + index),
    connection: connection(index),
    cseq: 0,
    nc: 0,
    nonce: '',
  }));
  const clientAt = (run: number) => {
    const client = clients[run % CLIENTS];
    if (!client) throw new Error('no client');
    return client;
  };
  const request = (client: (typeof clients)[number], withAuth: boolean) => {
    client.cseq++;
    let authorization = '';
    if (withAuth) {
      client.nc++;
      const nc = client.nc.toString(16).padStart(8, '0');
      const uri = `sip:${REALM}`;
      const digest = hash(
        'MD5',
        `${ha1('MD5', client.extension, REALM, password(client.extension))}:${client.nonce}:${nc}:c${client.index}:auth:${hash('MD5', `REGISTER:${uri}`)}`,
      );
      authorization = `Authorization: Digest username="${client.extension}", realm="${REALM}", nonce="${client.nonce}", uri="${uri}", response="${digest}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="c${client.index}"\r\n`;
    }
    const i = client.index;
    return (
      `REGISTER sip:${REALM} SIP/2.0\r\nVia: SIP/2.0/WS c${i}.invalid;branch=z9hG4bK${i}x${client.cseq}\r\nMax-Forwards: 70\r\n` +
      `From: <sip:${client.extension}@${REALM}>;tag=t${i}\r\nTo: <sip:${client.extension}@${REALM}>\r\nCall-ID: reg-${i}\r\n` +
      `CSeq: ${client.cseq} REGISTER\r\nContact: <sip:c${i}@c${i}.invalid;transport=ws>;expires=600\r\n${authorization}Content-Length: 0\r\n\r\n`
    );
  };
  const register = (client: (typeof clients)[number]) => {
    sip.receive(client.connection, request(client, client.nonce !== ''));
    if (last.startsWith('SIP/2.0 401')) {
      const line =
        last.split('\r\n').find((l) => l.startsWith('WWW-Authenticate:') && l.includes('MD5')) ?? '';
      client.nonce = parseDigestHeader(line.slice(line.indexOf(':') + 1))?.['nonce'] ?? '';
      client.nc = 0;
      sip.receive(client.connection, request(client, true));
    }
    if (!last.startsWith('SIP/2.0 200')) throw new Error(`not registered: ${last.split('\r\n')[0]}`);
  };
  // Building the client's requests costs time too: measured apart and subtracted.
  const perReRegister: number[] = [];
  for (const client of clients) register(client);
  for (let batch = 0; batch < batches + 2; batch++) {
    const started = performance.now();
    for (let run = 0; run < perBatch; run++) register(clientAt(run));
    if (batch >= 2) perReRegister.push(((performance.now() - started) * 1000) / perBatch);
  }
  const clientOnly: number[] = [];
  for (let batch = 0; batch < batches; batch++) {
    const started = performance.now();
    for (let run = 0; run < perBatch; run++) request(clientAt(run), true);
    clientOnly.push(((performance.now() - started) * 1000) / perBatch);
  }
  // New registrations: a fresh client (no nonce) each time, REGISTER → 401 → REGISTER → 200.
  const perNew: number[] = [];
  let fresh = 0;
  for (let batch = 0; batch < batches + 2; batch++) {
    const started = performance.now();
    for (let run = 0; run < perBatch / 4; run++) {
      const index = 1_000 + (fresh++ % 20_000);
      register({
        index,
        extension: String(10_000 + index),
        connection: connection(index),
        cseq: 0,
        nc: 0,
        nonce: '',
      });
    }
    if (batch >= 2) perNew.push(((performance.now() - started) * 1000) / (perBatch / 4));
  }
  sip.close();
  const client = summarize(clientOnly).median;
  return {
    reRegisterUs: round(summarize(perReRegister).median - client, 1),
    newRegistrationUs: round(summarize(perNew).median - 2 * client, 1),
    clientRequestUs: round(client, 1),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(registrarMicro());
