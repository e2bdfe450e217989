import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RtpHeader, RtpPacket } from 'werift';

afterEach(() => vi.restoreAllMocks());

const header = fc.record({
  payloadType: fc.integer({ min: 0, max: 127 }),
  marker: fc.boolean(),
  sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
  timestamp: fc.integer({ min: 0, max: 0xffffffff }),
  ssrc: fc.integer({ min: 0, max: 0xffffffff }),
});

/**
 * werift 0.24.4 read each header bit by formatting the byte as a binary string; the PBX parses about
 * 50 RTP headers a second per call. `patches/werift+0.24.4.patch` reads the bits arithmetically.
 */
describe('werift RTP headers (patched)', () => {
  it('read back every field they were written with', () => {
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 32 }), (fields, payload) => {
        const packet = new RtpPacket(new RtpHeader(fields), Buffer.from(payload));
        const parsed = RtpPacket.deSerialize(packet.serialize());
        expect(parsed.header).toMatchObject({ ...fields, version: 2, padding: false, extension: false });
        expect([...parsed.payload]).toEqual([...payload]);
      }),
    );
  });

  it('are parsed without formatting numbers as strings', () => {
    const bytes = new RtpPacket(
      new RtpHeader({ payloadType: 101, marker: true, sequenceNumber: 7, timestamp: 160, ssrc: 42 }),
      Buffer.from([1, 0x8a, 0, 160]),
    ).serialize();
    const toString = vi.spyOn(Number.prototype, 'toString');
    const parsed = RtpPacket.deSerialize(bytes);
    expect(parsed.header.payloadType).toBe(101);
    expect(toString).not.toHaveBeenCalled();
  });
});
