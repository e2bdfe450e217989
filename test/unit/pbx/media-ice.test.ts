import { afterEach, describe, expect, it } from 'vitest';
import { RTCPeerConnection } from 'werift';
import { pbxCodecs } from '../../../test/pbx/media/media-endpoint';

/**
 * werift 0.24.4 fell back to Google's STUN server even with `iceServers: []`: every call of the PBX
 * (and of every werift test phone) looked up stun.l.google.com on libuv's thread pool — the pool the
 * PIN checks' scrypt runs on — and waited for that before its answer (issue #15).
 * `patches/werift+0.24.4.patch` makes an empty list mean no STUN server, as in browsers.
 *
 * Breaks: without the patch the ICE connection's STUN server is Google's.
 */
const open: RTCPeerConnection[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((pc) => pc.close()));
});

async function stunServerOf(config: ConstructorParameters<typeof RTCPeerConnection>[0]) {
  const pc = new RTCPeerConnection(config);
  open.push(pc);
  pc.addTransceiver('audio', { direction: 'sendrecv' });
  await pc.setLocalDescription(await pc.createOffer());
  const transport = pc.dtlsTransports[0]?.iceTransport as
    { connection?: { stunServer?: unknown } } | undefined;
  return transport?.connection?.stunServer;
}

describe('werift ICE servers (patched)', () => {
  it('iceServers: [] means no STUN server', async () => {
    expect(await stunServerOf({ codecs: pbxCodecs(), iceUseIpv6: false, iceServers: [] })).toBeUndefined();
  });

  it('a STUN server given is used', async () => {
    expect(
      await stunServerOf({
        codecs: pbxCodecs(),
        iceUseIpv6: false,
        iceServers: [{ urls: 'stun:127.0.0.1:9' }],
      }),
    ).toEqual(['127.0.0.1', 9]);
  });
});
