import { describe, expect, it } from 'vitest';
import { firstUdpCandidate, isRtp, pointAt } from '../../../bench/lib/relay';

const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 50000 UDP/TLS/RTP/SAVPF 0 101',
  'c=IN IP4 10.0.0.5',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2130706431 10.0.0.5 50000 typ host',
  'a=candidate:2 1 udp 2130706430 172.17.0.1 50002 typ host',
  'a=candidate:3 1 tcp 1518280447 10.0.0.5 9 typ host tcptype active',
  'a=rtpmap:101 telephone-event/8000',
  '',
].join('\r\n');

describe('the lossy relay points SDP at itself', () => {
  it('takes the first UDP IPv4 host candidate', () => {
    expect(firstUdpCandidate(OFFER)).toEqual({ address: '10.0.0.5', port: 50000 });
  });

  // Breaks if other candidates are kept (the phone could bypass the relay) or the address is not
  // replaced everywhere the peer may read it.
  it('keeps that one candidate, rewritten, and drops the others', () => {
    const sdp = pointAt(OFFER, { address: '10.0.0.5', port: 50000 }, { address: '127.0.0.1', port: 40000 });
    const candidates = sdp.split('\r\n').filter((line) => line.startsWith('a=candidate:'));
    expect(candidates).toEqual(['a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host']);
    expect(sdp).toContain('c=IN IP4 127.0.0.1');
    expect(sdp).toContain('m=audio 40000 ');
    expect(sdp).not.toContain('a=rtcp:');
  });

  it('tells RTP from RTCP, STUN and DTLS', () => {
    expect(isRtp(Buffer.from([0x80, 101]))).toBe(true); // telephone-event
    expect(isRtp(Buffer.from([0x80, 0x80]))).toBe(true); // PCMU with the marker bit
    expect(isRtp(Buffer.from([0x80, 200]))).toBe(false); // RTCP sender report
    expect(isRtp(Buffer.from([0x00, 0x01]))).toBe(false); // STUN binding request
    expect(isRtp(Buffer.from([22, 0xfe]))).toBe(false); // DTLS handshake
  });
});
