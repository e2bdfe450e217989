import { afterEach, describe, expect, it } from 'vitest';
import { RTCPeerConnection } from 'werift';
import { MediaEndpoint, negotiatedSrtpProfiles, pbxCodecs } from '../../../test/pbx/media/media-endpoint';

/**
 * The PBX's media endpoint negotiates SRTP_AES128_CM_HMAC_SHA1_80 with a werift phone whose own list
 * prefers SRTP_AEAD_AES_128_GCM (werift's default, used by the test phones and the IVR benchmark's
 * callers). AES-CM is the profile whose cipher werift sets up once per session
 * (patches/werift+0.24.4.patch); with GCM it builds a cipher per packet (issue #15).
 *
 * Breaks: without `srtpProfiles` in the endpoint's peer config (werift's list, GCM first), or with GCM
 * listed as well (the phone, the DTLS server, picks by its own order), the call negotiates GCM; without
 * the werift patch the config option is ignored (same).
 */
const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
});

function connected(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    if (pc.connectionState === 'connected') return resolve();
    const subscription = pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') {
        subscription.unSubscribe();
        resolve();
      } else if (state === 'failed' || state === 'closed') reject(new Error(`phone ${state}`));
    });
  });
}

describe('PBX media endpoint: DTLS-SRTP profile', () => {
  it('negotiates AES-CM with a werift phone that prefers GCM', async () => {
    // The phone as the test phones and the benchmark's callers are: werift's own SRTP profile list.
    const phone = new RTCPeerConnection({ codecs: pbxCodecs(), iceUseIpv6: false, iceServers: [] });
    open.push(phone);
    phone.addTransceiver('audio', { direction: 'sendrecv' });
    await phone.setLocalDescription(await phone.createOffer());
    await new Promise<void>((resolve) => {
      if (phone.iceGatheringState === 'complete') return resolve();
      phone.iceGatheringStateChange.subscribe((state) => state === 'complete' && resolve());
    });
    const before = negotiatedSrtpProfiles()['SRTP_AES128_CM_HMAC_SHA1_80'] ?? 0;
    const endpoint = await MediaEndpoint.answer(phone.localDescription?.sdp ?? '');
    open.push(endpoint);
    await phone.setRemoteDescription({ type: 'answer', sdp: endpoint.localSdp });
    await Promise.all([endpoint.connected(20_000), connected(phone)]);

    expect(endpoint.srtpProfile).toBe('SRTP_AES128_CM_HMAC_SHA1_80');
    // The phone's side agrees (its SRTP context was set up with the same profile).
    const phoneProfile = phone.dtlsTransports[0]?.dtls?.srtp.srtpProfile;
    expect(phoneProfile).toBe(1); // RFC 5764: SRTP_AES128_CM_HMAC_SHA1_80 = {0x00, 0x01}
    // The benchmark's tally counts it.
    await expect
      .poll(() => negotiatedSrtpProfiles()['SRTP_AES128_CM_HMAC_SHA1_80'] ?? 0, { timeout: 10_000 })
      .toBe(before + 1);
  }, 60_000);
});
