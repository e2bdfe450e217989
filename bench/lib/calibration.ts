import { parseWithGrammar as parseSip } from '../../test/pbx/sip/fast-parse';
import { verifySecret } from '../../test/pbx/store/secrets';
import { round, summarize } from './stats';

/**
 * The machine's speed at the two things that bound the PBX, measured in every run so that results
 * from different machines (or a busy and a quiet one) can be compared: one scrypt hash with the PBX's
 * parameters (a PIN check) and one REGISTER parsed with sip.js's grammar (what the PBX does for every
 * message). Medians of repeated runs, after a warm-up.
 */
export interface Calibration {
  scryptHashMs: number;
  scryptRuns: number;
  registerParseUs: number;
  registerParseRuns: number;
}

const REGISTER = [
  'REGISTER sip:tollgate.test SIP/2.0',
  'Via: SIP/2.0/WS c1.invalid;branch=z9hG4bK1x2',
  'Max-Forwards: 70',
  'From: <sip:10001@tollgate.test>;tag=t1',
  'To: <sip:10001@tollgate.test>',
  'Call-ID: reg-1',
  'CSeq: 2 REGISTER',
  'Contact: <sip:c1@c1.invalid;transport=ws>;expires=600',
  'Authorization: Digest username="10001", realm="tollgate.test", nonce="abcdef0123456789", uri="sip:tollgate.test", response="0123456789abcdef0123456789abcdef", algorithm=MD5, qop=auth, nc=00000001, cnonce="c1"',
  'User-Agent: Tollgate bench',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

export async function calibrate(): Promise<Calibration> {
  const SCRYPT_RUNS = 7;
  const scrypt: number[] = [];
  // With nothing stored the PBX's check still runs one scrypt with its own parameters (so that its
  // timing says nothing): exactly one PIN check. The pepper argument is ignored by stores without one.
  const check = verifySecret as (secret: string, stored: null, pepper: Buffer) => Promise<unknown>;
  const pepper = Buffer.alloc(32, 7);
  await check('000000', null, pepper); // warm-up
  for (let run = 0; run < SCRYPT_RUNS; run++) {
    const started = performance.now();
    await check('000000', null, pepper);
    scrypt.push(performance.now() - started);
  }
  const PARSE_BATCH = 200;
  const PARSE_BATCHES = 15;
  for (let run = 0; run < PARSE_BATCH; run++) parseSip(REGISTER); // warm-up (JIT)
  const parse: number[] = [];
  for (let batch = 0; batch < PARSE_BATCHES; batch++) {
    const started = performance.now();
    for (let run = 0; run < PARSE_BATCH; run++) {
      if (!parseSip(REGISTER)) throw new Error('The calibration REGISTER does not parse');
    }
    parse.push(((performance.now() - started) * 1000) / PARSE_BATCH);
  }
  return {
    scryptHashMs: round(summarize(scrypt).median, 1),
    scryptRuns: SCRYPT_RUNS,
    registerParseUs: round(summarize(parse).median, 1),
    registerParseRuns: PARSE_BATCH * PARSE_BATCHES,
  };
}
