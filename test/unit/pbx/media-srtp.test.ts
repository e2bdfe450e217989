import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RtpHeader, SrtpSession } from 'werift';

/**
 * SRTP (AES-CM-128, HMAC-SHA1-80) in werift as the PBX uses it for every RTP packet of every call.
 * werift 0.24.4 set up a new AES-128-CTR cipher and a new HMAC key for every packet (about 10 % of
 * the PBX's time under IVR load, issue #15). `patches/werift+0.24.4.patch` keeps one AES-ECB cipher
 * per session for the keystream (the HMAC stays one createHmac per packet: copying precomputed
 * inner/outer hash states measured slower, bench/lib/srtp-cost.ts); the bytes must not change.
 *
 * Breaks: without the patch the session holds no cipher of its own (the "once per session" test);
 * a keystream block counter in the wrong place or a missing rollover counter in the tag changes
 * the bytes (the reference test) or fails decryption at the far end.
 */
const PROFILE_AES128_CM_HMAC_SHA1_80 = 1;

interface SessionKeys {
  srtpSessionKey: Buffer;
  srtpSessionSalt: Buffer;
  srtpSessionAuthTag: Buffer;
}
/** werift's context: its session keys (RFC 3711 key derivation) and its cipher. */
interface Context extends SessionKeys {
  cipher: object;
}
interface Session {
  localContext: Context;
  remoteContext: Context;
  encrypt(payload: Buffer, header: RtpHeader): Buffer;
  decrypt(packet: Buffer): Buffer;
}

function pair(): { phone: Session; pbx: Session } {
  const [aKey, aSalt, bKey, bSalt] = [randomBytes(16), randomBytes(14), randomBytes(16), randomBytes(14)];
  const make = (
    localMasterKey: Buffer,
    localMasterSalt: Buffer,
    remoteMasterKey: Buffer,
    remoteMasterSalt: Buffer,
  ) =>
    new SrtpSession({
      keys: { localMasterKey, localMasterSalt, remoteMasterKey, remoteMasterSalt },
      profile: PROFILE_AES128_CM_HMAC_SHA1_80,
    }) as unknown as Session;
  return { phone: make(aKey, aSalt, bKey, bSalt), pbx: make(bKey, bSalt, aKey, aSalt) };
}

/** RFC 3711 by the book, one fresh cipher and HMAC per packet (what werift did before the patch). */
function referencePacket(
  keys: SessionKeys,
  header: RtpHeader,
  payload: Buffer,
  rolloverCounter: number,
): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(header.ssrc, 4);
  iv.writeUInt32BE(rolloverCounter, 8);
  iv.writeUInt16BE(header.sequenceNumber, 12);
  keys.srtpSessionSalt.forEach((byte, index) => (iv[index] = (iv[index] ?? 0) ^ byte));
  const encrypted = createCipheriv('aes-128-ctr', keys.srtpSessionKey, iv).update(payload);
  const headerBytes = header.serialize(header.serializeSize);
  const roc = Buffer.alloc(4);
  roc.writeUInt32BE(rolloverCounter);
  const tag = createHmac('sha1', keys.srtpSessionAuthTag)
    .update(headerBytes)
    .update(encrypted)
    .update(roc)
    .digest()
    .subarray(0, 10);
  return Buffer.concat([headerBytes, encrypted, tag]);
}

describe('SRTP in werift (patched: cipher per session)', () => {
  it('encrypts byte for byte as RFC 3711 says, across a sequence-number wrap, and decrypts at the far end', () => {
    const { phone, pbx } = pair();
    const ssrc = 0x1234abcd;
    let rolloverCounter = 0;
    // 0 to 300 bytes: empty, shorter than a block, not a multiple of 16, a 20 ms PCMU frame (160).
    const sizes = [0, 1, 4, 15, 16, 17, 160, 172, 300];
    for (let step = 0; step < 40; step++) {
      const sequenceNumber = (0xfff0 + step) & 0xffff;
      if (sequenceNumber === 0) rolloverCounter++;
      const header = new RtpHeader({
        payloadType: step % 3 === 0 ? 101 : 0,
        sequenceNumber,
        timestamp: (step * 160) >>> 0,
        ssrc,
        marker: step === 0,
      });
      const payload = randomBytes(sizes[step % sizes.length] ?? 160);
      const packet = phone.encrypt(payload, header);
      expect(packet.equals(referencePacket(phone.localContext, header, payload, rolloverCounter))).toBe(true);
      const decrypted = pbx.decrypt(packet);
      expect(decrypted.subarray(decrypted.length - payload.length).equals(payload)).toBe(true);
    }
  });

  it('refuses a packet whose bytes were changed on the way', () => {
    const { phone, pbx } = pair();
    const header = new RtpHeader({
      payloadType: 0,
      sequenceNumber: 7,
      timestamp: 160,
      ssrc: 42,
      marker: false,
    });
    const packet = phone.encrypt(Buffer.alloc(160, 0xff), header);
    packet[20] = (packet[20] ?? 0) ^ 1;
    expect(() => pbx.decrypt(packet)).toThrow(/authenticate/);
  });

  it('sets the cipher up once per session, not per packet', () => {
    const { phone, pbx } = pair();
    const cipherOf = (session: Session) => session.localContext.cipher as { srtpEcb?: object };
    const send = (sequenceNumber: number) =>
      pbx.decrypt(
        phone.encrypt(
          Buffer.alloc(160, sequenceNumber & 0xff),
          new RtpHeader({
            payloadType: 0,
            sequenceNumber,
            timestamp: sequenceNumber * 160,
            ssrc: 9,
            marker: false,
          }),
        ),
      );
    send(1);
    const first = cipherOf(phone).srtpEcb;
    expect(first, 'a keystream cipher held by the session').toBeDefined();
    for (let sequenceNumber = 2; sequenceNumber < 50; sequenceNumber++) send(sequenceNumber);
    expect(cipherOf(phone).srtpEcb).toBe(first);
    expect((pbx.remoteContext.cipher as { srtpEcb?: object }).srtpEcb).toBeDefined();
  });
});
