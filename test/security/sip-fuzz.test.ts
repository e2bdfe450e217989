import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { Grammar } from 'sip.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ha1, hash, parseDigestHeader } from '../pbx/sip/digest';
import { parseSip } from '../pbx/sip/message';
import type { SipConnection } from '../pbx/transport/websocket';
import { DEMO, startTestPbx } from '../support/pbx-fixture';
import { WeriftPhoneMedia } from '../support/werift-phone-media';

/**
 * Fuzzing the SIP side in-process: messages go straight into the SIP service, answers are collected.
 * Bounded for CI; TOLLGATE_FUZZ_RUNS raises the number of runs (e.g. 20000) for a longer session.
 */
const RUNS = Number(process.env['TOLLGATE_FUZZ_RUNS'] ?? 300);
const INVITE_RUNS = Math.max(12, Math.round(RUNS / 12));

let fixture: Awaited<ReturnType<typeof startTestPbx>>;
let offer = '';
beforeAll(async () => {
  fixture = await startTestPbx({ farEndRingMs: 0 });
  const media = new WeriftPhoneMedia();
  offer = (await media.getDescription()).body;
  media.close();
});
afterAll(async () => {
  fixture.pbx.sipService.terminateAll();
  await fixture.pbx.stop();
});

/** A parseable SIP message, or a 400/416 whose Vias the grammar reads (its To may hold a tel: URI). */
function routable(answer: string): boolean {
  if (parseSip(answer)) return true;
  if (!/^SIP\/2\.0 (400 Bad Request|416 Unsupported URI Scheme)\r\n/.test(answer)) return false;
  const vias = answer.split('\r\n').filter((line) => /^(via|v)\s*:/i.test(line));
  return (
    vias.length > 0 &&
    vias.every((line) => Grammar.parse(line.slice(line.indexOf(':') + 1).trim(), 'Via') !== -1)
  );
}

function fakeConnection(id: string) {
  const sent: string[] = [];
  const connection: SipConnection = {
    id,
    remoteAddress: `fuzz-${id}`,
    send: (text) => sent.push(text) > 0,
    close: () => {},
  };
  return { connection, sent };
}

const realm = () => fixture.addresses.realm;

function invite(options: {
  requestUri: string;
  callId: string;
  cseq: number;
  extraHeaders: string[];
  authorization?: string;
}) {
  return [
    `INVITE ${options.requestUri} SIP/2.0`,
    `Via: SIP/2.0/WS fuzz.invalid;branch=z9hG4bK${options.callId}${options.cseq}`,
    'Max-Forwards: 70',
    `From: <sip:201@${realm()}>;tag=f${options.callId}`,
    `To: <sip:target@${realm()}>`,
    `Call-ID: ${options.callId}`,
    `CSeq: ${options.cseq} INVITE`,
    `Contact: <sip:fuzz@fuzz.invalid;transport=ws>`,
    ...options.extraHeaders,
    ...(options.authorization ? [`Proxy-Authorization: ${options.authorization}`] : []),
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(offer)}`,
    '',
    offer,
  ].join('\r\n');
}

const validRegister = () =>
  [
    `REGISTER sip:${realm()} SIP/2.0`,
    'Via: SIP/2.0/WS fuzz.invalid;branch=z9hG4bKreg',
    'Max-Forwards: 70',
    `From: <sip:201@${realm()}>;tag=r1`,
    `To: <sip:201@${realm()}>`,
    'Call-ID: reg-fuzz',
    'CSeq: 1 REGISTER',
    'Contact: <sip:fuzz@fuzz.invalid;transport=ws>;expires=600',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

/** Byte-level and line-level mutations of a valid request. */
const mutatedMessage = fc
  .tuple(
    fc.constantFrom(validRegister, () =>
      invite({ requestUri: `sip:0301234567@${realm()}`, callId: 'm', cseq: 1, extraHeaders: [] }),
    ),
    fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat(40) }),
        fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ maxLength: 30 }) }),
        fc.record({ kind: fc.constant('line' as const), at: fc.nat(), text: fc.string({ maxLength: 80 }) }),
      ),
      { maxLength: 6 },
    ),
  )
  .map(([make, mutations]) => {
    let text = make();
    for (const mutation of mutations) {
      const at = mutation.at % (text.length + 1);
      if (mutation.kind === 'delete') text = text.slice(0, at) + text.slice(at + mutation.length);
      else if (mutation.kind === 'insert') text = text.slice(0, at) + mutation.text + text.slice(at);
      else {
        const lines = text.split('\r\n');
        lines.splice(at % lines.length, 0, mutation.text);
        text = lines.join('\r\n');
      }
    }
    return text;
  });

/**
 * How long one message may hold the event loop. Generous (a loaded 2-core CI box), yet far below
 * what the backtracking digest regex took on one 60 KB header (about 6 s; a 112 call placed meanwhile
 * rang 23–31 s late). Breaks if a super-linear parse of a header comes back.
 */
const STALL_LIMIT_MS = 1_000;

/** Hands a message to the SIP service, timing how long it blocks the loop (parse, auth, routing). */
function receiveTimed(connection: SipConnection, text: string): number {
  const start = performance.now();
  fixture.pbx.sipService.receive(connection, text);
  return performance.now() - start;
}

/** Headers an attacker can send unauthenticated, each up to the transport's 64 KB frame. */
const pathologicalHeader = fc
  .tuple(
    fc.constantFrom('Proxy-Authorization', 'Authorization'),
    fc.constantFrom(
      (n: number) => `Digest ${'a'.repeat(n)}`,
      (n: number) => `Digest username="${'\\a'.repeat(n / 2)}`,
      (n: number) => `Digest ${'a=b,'.repeat(n / 4)}`,
      (n: number) => `Digest ${'a=, '.repeat(n / 4)}`,
      (n: number) => `Digest ${' '.repeat(n)}x`,
      (n: number) => `Digest uri="${'sip:'.repeat(n / 4)}"`,
    ),
    fc.integer({ min: 1_000, max: 60_000 }),
  )
  .map(([name, shape, size]) => `${name}: ${shape(size)}`);

describe('SIP fuzzing', () => {
  it(
    'survives anything on the socket and answers only with well-formed SIP, never stalling the loop',
    async () => {
      let count = 0;
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.string({ maxLength: 400 }), mutatedMessage), async (text) => {
          const { connection, sent } = fakeConnection(`c${count++}`);
          let blocked = 0;
          expect(() => (blocked = receiveTimed(connection, text))).not.toThrow();
          expect(blocked, text.slice(0, 160)).toBeLessThan(STALL_LIMIT_MS);
          await new Promise((resolve) => setImmediate(resolve));
          for (const answer of sent) expect(routable(answer), answer.slice(0, 160)).toBe(true);
        }),
        { numRuns: RUNS },
      );
      loop.disable();
      expect(loop.max / 1e6).toBeLessThan(STALL_LIMIT_MS);
    },
    30_000 + RUNS * 20,
  );

  it(
    'answers pathological auth headers (up to 60 KB) at once, as malformed, without stalling the loop',
    async () => {
      let count = 0;
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      await fc.assert(
        fc.asyncProperty(
          pathologicalHeader,
          fc.constantFrom('INVITE', 'REGISTER'),
          async (header, method) => {
            const callId = `patho${count++}`;
            const { connection, sent } = fakeConnection(callId);
            const text =
              method === 'INVITE'
                ? invite({ requestUri: `sip:112@${realm()}`, callId, cseq: 1, extraHeaders: [header] })
                : validRegister().replace('Content-Length: 0', `${header}\r\nContent-Length: 0`);
            expect(receiveTimed(connection, text), header.slice(0, 80)).toBeLessThan(STALL_LIMIT_MS);
            await new Promise((resolve) => setImmediate(resolve));
            // A challenge (the header was not the kind asked for) or a refusal; never accepted.
            const statuses = sent.map((answer) => /^SIP\/2\.0 (\d{3})/.exec(answer)?.[1]);
            for (const status of statuses) expect(['401', '403', '407']).toContain(status);
          },
        ),
        { numRuns: Math.max(12, Math.round(RUNS / 10)) },
      );
      loop.disable();
      expect(loop.max / 1e6).toBeLessThan(STALL_LIMIT_MS);
    },
    60_000 + RUNS * 50,
  );

  it(
    'never routes a paid call of the protected extension anywhere but to the PIN IVR, however it is spelled',
    async () => {
      const digits = fc.stringMatching(/^[1-9][0-9]{5,9}$/);
      const spelling = fc
        .tuple(
          fc.constantFrom('0', '+49', '0049', '+49 ', '(0)', '0 ', '+49-'),
          digits,
          fc.constantFrom('', '-', ' ', '.', '%20'),
          fc.constantFrom('', ';phone-context=+49', ';isub=1', ';user=phone'),
        )
        .map(
          ([prefix, number, separator, parameters]) =>
            `${prefix}${number.slice(0, 3)}${separator}${number.slice(3)}${parameters}`,
        );
      const header = fc.constantFrom(
        'X-Skip-PIN: 1',
        'P-Asserted-Identity: <sip:112@x>',
        'Priority: emergency',
        'Route: <sip:110@x;lr>',
        'Diversion: <sip:201@x>',
        'X-Foo: bar',
      );
      let call = 0;
      await fc.assert(
        fc.asyncProperty(spelling, fc.array(header, { maxLength: 3 }), async (user, extraHeaders) => {
          const callId = `fz${call++}`;
          const requestUri = `sip:${user.replace(/ /g, '%20').replace(/\(/g, '%28').replace(/\)/g, '%29')}@${realm()}`;
          const { connection, sent } = fakeConnection(callId);
          fixture.pbx.sipService.receive(connection, invite({ requestUri, callId, cseq: 1, extraHeaders }));
          const challenge = parseSip(sent.find((text) => text.startsWith('SIP/2.0 407')) ?? '');
          const md5 =
            challenge?.getHeaders('proxy-authenticate').find((value) => value.includes('MD5')) ?? '';
          const nonce = parseDigestHeader(md5)?.['nonce'] ?? '';
          const response = hash(
            'MD5',
            `${ha1('MD5', '201', realm(), DEMO.protectedExtension.password)}:${nonce}:00000001:c:auth:${hash('MD5', `INVITE:${requestUri}`)}`,
          );
          const authorization = `Digest username="201", realm="${realm()}", nonce="${nonce}", uri="${requestUri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c"`;
          fixture.pbx.sipService.receive(
            connection,
            invite({ requestUri, callId, cseq: 2, extraHeaders, authorization }),
          );
          // Unprotected, the far end (ring 0 ms) would be dialled at once; give it every chance.
          await new Promise((resolve) => setTimeout(resolve, 150));
          expect(fixture.pbx.farEndCalls.filter((record) => record.callId === callId)).toEqual([]);
          const finals = sent
            .map((text) => /^SIP\/2\.0 (\d{3})/.exec(text)?.[1])
            .filter((status) => status && status >= '200');
          // Either refused, or answered by the PBX's own IVR (200) — never forwarded anywhere.
          for (const status of finals) expect(['200', '404', '407', '484']).toContain(status);
        }),
        { numRuns: INVITE_RUNS },
      );
    },
    30_000 + INVITE_RUNS * 400,
  );
});
