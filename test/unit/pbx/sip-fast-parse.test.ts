import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { parseFast, parseWithGrammar } from '../../../test/pbx/sip/fast-parse';
import { parseSip } from '../../../test/pbx/sip/message';

/**
 * The hot-path scanner (test/pbx/sip/fast-parse.ts) against sip.js's grammar: for every message of a
 * corpus of common, unusual and malformed ones, both parsers must give deep-equal messages (same
 * classes, same headers with the same parsed objects, same URIs, tags, Call-ID, CSeq, body), or both
 * refuse it. A mismatch fails the test.
 *
 * What breaks it (each seen failing once): keeping `tag` in From's parameters before the others (the
 * grammar sets it last — order only, still equal), not lower-casing a URI's `transport` value, taking
 * `;expires=0600` as "0600" (the grammar reads 600), taking `CSeq: 2 REGISTERZ` (the
 * grammar refuses a known method with more after it), reading `1.2.3.4` as a domain (the grammar says
 * IPv4), dropping the quotes of a quoted Contact parameter.
 */

const SIPJS_CONTACT =
  'Contact: <sip:abc@def.invalid;transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:0a1b-2c3d>";expires=600';
const AUTHORIZATION =
  'Authorization: Digest username="10001", realm="tollgate.test", nonce="abc.def.ghi", uri="sip:tollgate.test", response="0123456789abcdef0123456789abcdef", algorithm=MD5, qop=auth, nc=00000001, cnonce="c1"';
const NAMED_FROM = 'From: "Bench 10001" <sip:10001@tollgate.test>;tag=t1';

const BASE: Record<string, string> = {
  line: 'REGISTER sip:tollgate.test SIP/2.0',
  via: 'Via: SIP/2.0/WS c1.invalid;branch=z9hG4bK1x2',
  maxForwards: 'Max-Forwards: 70',
  from: 'From: <sip:10001@tollgate.test>;tag=t1',
  to: 'To: <sip:10001@tollgate.test>',
  callId: 'Call-ID: reg-1',
  cseq: 'CSeq: 2 REGISTER',
  contact: 'Contact: <sip:c1@c1.invalid;transport=ws>;expires=600',
  authorization: AUTHORIZATION,
  length: 'Content-Length: 0',
};

/** Alternatives for each part: common shapes, shapes the scanner hands to the grammar, broken ones. */
const VARIANTS: Record<string, string[]> = {
  line: [
    'REGISTER sip:tollgate.test SIP/2.0',
    'REGISTER sips:tollgate.test SIP/2.0',
    'REGISTER sip:TollGate.Test SIP/2.0',
    'REGISTER sip:tollgate.test:5060 SIP/2.0',
    'REGISTER sip:tollgate.test;transport=WS SIP/2.0',
    'REGISTER sip:tollgate.test;lr SIP/2.0',
    'REGISTER sip:tollgate.test;lr=1 SIP/2.0',
    'REGISTER sip:tollgate.test;user=phone SIP/2.0',
    'REGISTER sip:tollgate.test;method=INVITE SIP/2.0',
    'REGISTER sip:tollgate.test;maddr=x.invalid SIP/2.0',
    'REGISTER sip:tollgate.test;ttl=5 SIP/2.0',
    'REGISTER sip:tollgate.test;Foo=Bar;baz SIP/2.0',
    'REGISTER sip:127.0.0.1 SIP/2.0',
    'REGISTER sip:1.2.3 SIP/2.0',
    'REGISTER sip:[::1] SIP/2.0',
    'REGISTER sip:a-b.c-d.example SIP/2.0',
    'REGISTER sip:a--b.c-d-e.x1-y2.example SIP/2.0',
    `REGISTER sip:${'a'.repeat(600)}.example SIP/2.0`,
    'REGISTER sip:-ab.example SIP/2.0',
    'REGISTER sip:ab-.example SIP/2.0',
    'REGISTER sip:example. SIP/2.0',
    'REGISTER sip:1example.com SIP/2.0',
    'REGISTER sip:ex_ample.com SIP/2.0',
    'REGISTER sip:tollgate.test?subject=x SIP/2.0',
    'REGISTER sip:tollgate.test:99999 SIP/2.0',
    'REGISTER sip:tollgate.test:0 SIP/2.0',
    'REGISTER sip:tollgate.test:007 SIP/2.0',
    'REGISTER sip:user:pw@tollgate.test SIP/2.0',
    'REGISTER tel:+4930123 SIP/2.0',
    'REGISTER  sip:tollgate.test SIP/2.0',
    'REGISTER sip:tollgate.test SIP/3.0',
    'register sip:tollgate.test SIP/2.0',
    'SIP/2.0 200 OK',
    'OPTIONS sip:201@tollgate.test SIP/2.0',
    'BYE sip:pbx@pbx.invalid;transport=ws SIP/2.0',
    'INFO sip:+4930@tollgate.test SIP/2.0',
    "BYE sip:a.b!~*'()@x.invalid SIP/2.0",
    'REGISTERX sip:tollgate.test SIP/2.0',
    'BYEBYE sip:tollgate.test SIP/2.0',
    'MESSAGE sip:tollgate.test SIP/2.0',
    'UPDATE sip:tollgate.test SIP/2.0',
    'PRACK sip:tollgate.test SIP/2.0',
    'VXACH sip:tollgate.test SIP/2.0',
    'FOO sip:tollgate.test SIP/2.0',
    'BYE sip:a%20b@x.invalid SIP/2.0',
    'BYE sip:a;b=c@x.invalid SIP/2.0',
    'BYE sip:x.invalid;transport SIP/2.0',
    'BYE sip:x.invalid;=x SIP/2.0',
  ],
  via: [
    'Via: SIP/2.0/WS c1.invalid;branch=z9hG4bK1x2',
    'Via: SIP/2.0/WSS abcdefgh.invalid;branch=z9hG4bK5893150',
    'v: SIP/2.0/WS c1.invalid;branch=z9hG4bK1x2',
    'VIA: SIP/2.0/WS c1.invalid;branch=z9hG4bK1x2',
    'Via: SIP/2.0/UDP host.example:5060;branch=z9hG4bKx;rport',
    'Via: SIP/2.0/UDP host.example;rport=5060;branch=z9hG4bKx',
    'Via: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bKx',
    'Via: SIP/2.0/ws c1.invalid;branch=z9hG4bK1x2',
    'Via: SIP/2.0/WS c1.invalid;Branch=z9hG4bK1x2',
    'Via: SIP/2.0/WS c1.invalid;branch=a;branch=b',
    'Via: SIP/2.0/WS c1.invalid;received=1.2.3.4;branch=x',
    'Via: SIP/2.0/WS c1.invalid;foo=bar;branch=x',
    'Via: SIP/2.0/WS c1.invalid',
    'Via: SIP/2.0/WS c1.invalid;branch=',
    'Via: SIP/2.0/WS c1.invalid;branch=x, SIP/2.0/WS c2.invalid;branch=y',
    'Via: SIP/2.0/WS  c1.invalid;branch=x',
    'Via: SIP/2.0/WS c1.invalid ;branch=x',
    'Via: SIP/2.0/XYZ c1.invalid;branch=x',
    'Via: SIP/2.0/WS [::1];branch=x',
    'Via: garbage',
    'Via:',
    'Via: SIP/2.0/WS c1.invalid;branch=z9hG4bK1x2\r\nVia: SIP/2.0/WS c2.invalid;branch=second',
    'Via: SIP/2.0/WS c2.invalid;branch=second\r\nVia: garbage',
  ],
  from: [
    'From: <sip:10001@tollgate.test>;tag=t1',
    'From: "Bench 10001" <sip:10001@tollgate.test>;tag=t1',
    'From: "Bench 10001"<sip:10001@tollgate.test>;tag=t1',
    'From: "" <sip:10001@tollgate.test>;tag=t1',
    'From: "Ä Müller" <sip:10001@tollgate.test>;tag=t1',
    'From: "a \\"b\\"" <sip:10001@tollgate.test>;tag=t1',
    'From: Bench <sip:10001@tollgate.test>;tag=t1',
    'From: Bench Two <sip:10001@tollgate.test>;tag=t1',
    'From: sip:10001@tollgate.test;tag=t1',
    'f: <sip:10001@tollgate.test>;tag=t1',
    'From: <sip:10001@tollgate.test>;TAG=t1',
    'From: <sip:10001@tollgate.test>;tag=t1;x=y',
    'From: <sip:10001@tollgate.test>;x=y;tag=t1',
    'From: <sip:10001@tollgate.test>;x="quoted value";tag=t1',
    'From: <sip:10001@tollgate.test>;tag="t1"',
    'From: <sip:10001@tollgate.test>;tag',
    'From: <sip:10001@tollgate.test>;tag=t1;tag=t2',
    'From: <sip:10001@tollgate.test>',
    'From: <sip:10001@tollgate.test> ;tag=t1',
    'From: <sip:10001@tollgate.test;transport=WS>;tag=t1',
    'From: <sip:10001@TollGate.Test>;tag=t1',
    'From: <tel:+4930123>;tag=t1',
    'From: <sip:10001@tollgate.test;tag=t1',
    'From: <>',
    'From:',
  ],
  to: [
    'To: <sip:10001@tollgate.test>',
    'To: <sip:10001@tollgate.test>;tag=reg',
    't: <sip:10001@tollgate.test>',
    'To: "X" <sip:10001@tollgate.test>',
    'To: sip:10001@tollgate.test',
    'To: <sip:10001@1.2.3.4>',
    'To: <sips:10001@tollgate.test:5061>',
    'To: <sip:10001@tollgate.test>;tag=a;foo',
  ],
  callId: [
    'Call-ID: reg-1',
    'i: reg-1',
    'Call-ID: abc@host.invalid',
    'Call-ID: 3c26700b0f1aa7b2d2f1a4cb1a5b6f7e',
    "Call-ID: a.b!%*_+`'~-",
    'Call-ID: a@b@c',
    'Call-ID: a b',
    'Call-ID: <a>:"b"/[c]?{d}',
    'Call-ID:',
    'CALL-ID: reg-1',
  ],
  cseq: [
    'CSeq: 2 REGISTER',
    'CSeq: 1 INVITE',
    'CSeq: 0 REGISTER',
    'CSeq: 0007 REGISTER',
    'CSeq: 4294967295 REGISTER',
    'CSeq: 99999999999 REGISTER',
    'CSeq: 2  REGISTER',
    'CSeq: 2 register',
    'CSeq: 2 REGISTERZ',
    'CSeq: 2 INVITED',
    'CSeq: 2 INFO',
    'CSeq: 2 FOO',
    'CSeq: REGISTER',
    'CSeq: -1 REGISTER',
    'cseq: 2 REGISTER',
  ],
  contact: [
    'Contact: <sip:c1@c1.invalid;transport=ws>;expires=600',
    'Contact: <sip:c1@c1.invalid;transport=ws>',
    'Contact: <sip:c1@c1.invalid;transport=ws;ob>;expires=600',
    'Contact: <sip:abc@def.invalid;transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:0a1b-2c3d>";expires=600',
    'Contact: "Bench" <sip:c1@c1.invalid;transport=ws>;expires=600',
    'm: <sip:c1@c1.invalid;transport=ws>;expires=600',
    'Contact: <sip:c1@c1.invalid;transport=ws>;expires=0',
    'Contact: <sip:c1@c1.invalid;transport=ws>;expires=0600',
    'Contact: <sip:c1@c1.invalid;transport=ws>;expires=abc',
    'Contact: <sip:c1@c1.invalid;transport=ws>;expires',
    'Contact: <sip:c1@c1.invalid;transport=ws>;EXPIRES=60',
    'Contact: <sip:c1@c1.invalid;transport=ws>;q=0.5',
    'Contact: <sip:c1@c1.invalid;transport=ws>;q=1',
    'Contact: <sip:c1@c1.invalid>, <sip:c2@c2.invalid>',
    'Contact: <sip:c1@c1.invalid>\r\nContact: <sip:c2@c2.invalid>;expires=60',
    'Contact: *',
    'Contact: sip:c1@c1.invalid;expires=60',
    'Contact: <sip:c1@127.0.0.1:5060>',
    'Contact: <sip:c1@c1.invalid;transport=ws>;expires=99999999999',
    'Contact: <sip:c1@c1.invalid?X-Header=1>',
    'Contact: <sip:c1@c1.invalid>;tag=x',
    'Contact:',
  ],
  authorization: [AUTHORIZATION, 'Authorization: garbage', 'Expires: 600', 'Expires: abc'],
  length: [
    'Content-Length: 0',
    'l: 0',
    'Content-Length: 00',
    'Content-Length: 5',
    'Content-Length: x',
    'Content-Length: 99999999999',
    'Content-Length:',
    'Content-Type: application/sdp\r\nContent-Length: 4',
    'Content-Type: application/sdp;;\r\nContent-Length: 4',
    'Record-Route: <sip:proxy.invalid;lr>\r\nContent-Length: 0',
  ],
  maxForwards: [
    'Max-Forwards: 70',
    'Max-Forwards: 0',
    'Max-Forwards: x',
    'Max-Forwards: 070',
    'Max-Forwards:',
  ],
};

const PARTS = Object.keys(BASE);
const variantsOf = (part: string): string[] => VARIANTS[part] ?? [];

function message(parts: Record<string, string>, body = ''): string {
  return `${PARTS.map((part) => parts[part]).join('\r\n')}\r\n\r\n${body}`;
}

/** Both parsers' results for `text`; equal when both refuse or both give deep-equal messages. */
function compare(text: string): { equal: boolean; fast: unknown; grammar: unknown } {
  const fast = parseFast(text);
  const grammar = parseWithGrammar(text);
  return { equal: isDeepStrictEqual(fast, grammar), fast, grammar };
}

function expectSame(text: string): void {
  const { equal, fast, grammar } = compare(text);
  if (!equal) expect({ text, fast }).toEqual({ text, fast: grammar });
  expect(equal).toBe(true);
}

describe('fast SIP parser against sip.js grammar', () => {
  it('parses the common REGISTER to the very objects the grammar builds', () => {
    const text = message(BASE);
    const parsed = parseFast(text);
    expect(parsed).not.toBeNull();
    expectSame(text);
  });

  it('takes the common shapes without the grammar (the point of it)', async () => {
    const sipJs = await import('sip.js');
    const grammar = vi.spyOn(sipJs.Grammar, 'parse');
    const parsed = parseFast(message(BASE));
    expect(parsed?.getHeader('contact')).toBe('<sip:c1@c1.invalid;transport=ws>;expires=600');
    expect(grammar).not.toHaveBeenCalled();
    grammar.mockRestore();
  });

  for (const part of PARTS) {
    it(`agrees on every variant of ${part} (${variantsOf(part).length})`, () => {
      for (const variant of variantsOf(part)) {
        expectSame(message({ ...BASE, [part]: variant }));
        expectSame(message({ ...BASE, [part]: variant }, 'v=0\r\n'));
      }
    });
  }

  it('agrees on random combinations of the variants', () => {
    const combination = fc.record(
      Object.fromEntries(PARTS.map((part) => [part, fc.constantFrom(...variantsOf(part))])) as Record<
        string,
        fc.Arbitrary<string>
      >,
    );
    fc.assert(
      fc.property(combination, fc.constantFrom('', 'v=0\r\n', 'abcdef'), (parts, body) => {
        expect(compare(message(parts, body)).equal).toBe(true);
      }),
      { numRuns: 600 },
    );
  });

  it('agrees on random mutations of a REGISTER (characters inserted, replaced and removed)', () => {
    const base = message({
      ...BASE,
      from: 'From: "Bench 10001" <sip:10001@tollgate.test;transport=ws>;x=y;tag=t1',
      contact: SIPJS_CONTACT,
    });
    const tricky = fc.constantFrom(
      ...' \t\r\n;:,=<>"@.\\/?[]%+-_0123456789aZ\u00e4'.split(''),
      '\r\n ',
      '\r\n\r\n',
    );
    const edit = fc.record({
      at: fc.nat({ max: base.length }),
      cut: fc.nat({ max: 3 }),
      insert: fc.option(tricky),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        let text = base;
        for (const { at, cut, insert } of edits) {
          const position = Math.min(at, text.length);
          text = text.slice(0, position) + (insert ?? '') + text.slice(position + cut);
        }
        expect(compare(text).equal).toBe(true);
      }),
      { numRuns: Number(process.env['TOLLGATE_FUZZ_RUNS'] ?? 3_000) },
    );
  }, 120_000);

  it('refuses what the grammar refuses: no CRLF, an unreadable first line, a header without its end', () => {
    for (const text of ['REGISTER sip:x SIP/2.0', 'garbage\r\n\r\n', `${message(BASE).slice(0, -4)}`, '']) {
      expect(parseFast(text)).toBeNull();
      expect(parseWithGrammar(text)).toBeNull();
    }
  });

  it('is what the PBX parses with', () => {
    const parsed = parseSip(message({ ...BASE, from: NAMED_FROM }));
    expect(parsed?.from.displayName).toBe('Bench 10001');
    expect(parsed?.fromTag).toBe('t1');
  });
});
