import { randomInt } from 'node:crypto';
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  type MediaStreamTrack,
  type RtpPacket,
  type RTCRtpTransceiver,
} from 'werift';
import { DtmfDetector } from './rfc4733';
import { keepTelephoneEventRate, telephoneEventPayloadType } from './sdp';

/**
 * The PBX's own WebRTC media endpoint (werift): answers the caller's offer with PCMU and
 * telephone-event/8000 over DTLS-SRTP, plays µ-law audio, and reports audio and DTMF it receives.
 */
export const PCMU_PAYLOAD_TYPE = 0;
export const TELEPHONE_EVENT_PAYLOAD_TYPE = 101;
export const SAMPLES_PER_FRAME = 160; // 20 ms at 8 kHz

/**
 * The DTLS-SRTP protection profile the PBX offers: SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764), the profile
 * every WebRTC endpoint must implement (RFC 8827 6.5) and the one Chromium negotiates. werift's own list
 * prefers SRTP_AEAD_AES_128_GCM, for which it builds a Node cipher per packet (GCM takes its IV at
 * set-up); for AES-CM it sets the cipher up once per session (patches/werift+0.24.4.patch). The PBX
 * answers as the DTLS client (`a=setup:active`) and the DTLS server picks from the client's list by
 * its own order, so only a list without GCM makes a werift or GCM-preferring phone choose AES-CM.
 */
export const PBX_SRTP_PROFILES: readonly number[] = [ProtectionProfileAes128CmHmacSha1_80];

/** Names of the DTLS-SRTP protection profiles (RFC 5764 4.1.2, RFC 7714 14.2). */
const SRTP_PROFILE_NAMES: Record<number, string> = {
  [ProtectionProfileAes128CmHmacSha1_80]: 'SRTP_AES128_CM_HMAC_SHA1_80',
  [ProtectionProfileAeadAes128Gcm]: 'SRTP_AEAD_AES_128_GCM',
};

/** How many connected calls negotiated each SRTP profile in this process (read by the benchmark). */
const negotiatedProfiles = new Map<string, number>();
export function negotiatedSrtpProfiles(): Record<string, number> {
  return Object.fromEntries(negotiatedProfiles);
}

export function pbxCodecs() {
  return {
    audio: [
      new RTCRtpCodecParameters({
        mimeType: 'audio/PCMU',
        clockRate: 8000,
        channels: 1,
        payloadType: PCMU_PAYLOAD_TYPE,
      }),
      new RTCRtpCodecParameters({
        mimeType: 'audio/telephone-event',
        clockRate: 8000,
        channels: 1,
        payloadType: TELEPHONE_EVENT_PAYLOAD_TYPE,
      }),
    ],
  };
}

/**
 * Sends one RTP packet as it is. werift's `sender.sendRtp` rewrites every payload type to the first
 * negotiated codec, which would turn RFC 4733 events into PCMU; this goes to the DTLS-SRTP transport
 * directly, with the sender's SSRC (the one the SDP announces).
 */
export function sendRawRtp(
  sender: RTCRtpTransceiver['sender'],
  fields: { payloadType: number; sequenceNumber: number; timestamp: number; marker: boolean },
  payload: Buffer,
): void {
  if (sender.dtlsTransport.state !== 'connected') return;
  const header = new RtpHeader({ ...fields, ssrc: sender.ssrc });
  void sender.dtlsTransport.sendRtp(payload, header).catch(() => {});
}

export interface MediaEndpointEvents {
  /** A key press, once per RFC 4733 event (de-duplicated). */
  onDtmf(key: string, rtpTimestamp: number): void;
  /** Every packet from the phone that may be passed on: audio, and telephone-events not swallowed. */
  onRtp(packet: RtpPacket, kind: 'audio' | 'telephone-event'): void;
  onConnectionState(state: string): void;
}

export class MediaEndpoint {
  private sequence = randomInt(0, 0xffff);
  private timestamp = randomInt(0, 0x7fffffff);
  private readonly detector = new DtmfDetector();
  private events: Partial<MediaEndpointEvents> = {};
  private closed = false;
  /** Telephone-event timestamps to keep from the far end (the PIN phase's digits and their repeats). */
  private readonly swallowedEventTimestamps = new Set<number>();

  private constructor(
    private readonly pc: RTCPeerConnection,
    private readonly transceiver: RTCRtpTransceiver,
    private readonly remoteTelephoneEventPt: number | null,
    readonly localSdp: string,
  ) {}

  /** Answers an SDP offer. Non-trickle: the answer carries every host candidate. */
  static async answer(offerSdp: string): Promise<MediaEndpoint> {
    // No STUN server: werift's default (stun.l.google.com) costs a DNS lookup on libuv's thread
    // pool for every call — the pool the PIN checks (scrypt) run on — and waits for it before the
    // answer; the PBX's host candidates are all a phone needs to reach it.
    const pc = new RTCPeerConnection({
      codecs: pbxCodecs(),
      iceUseIpv6: false,
      iceServers: [],
      srtpProfiles: [...PBX_SRTP_PROFILES],
    });
    // The remote track appears during setRemoteDescription: hold it until the endpoint exists.
    const tracks: MediaStreamTrack[] = [];
    let attach = (track: MediaStreamTrack): void => {
      tracks.push(track);
    };
    pc.onTrack.subscribe((track) => attach(track));
    await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    const transceiver = pc.getTransceivers().find((candidate) => candidate.kind === 'audio');
    if (!transceiver) {
      await pc.close();
      throw new Error('The offer has no audio');
    }
    transceiver.setDirection('sendrecv');
    await pc.setLocalDescription(await pc.createAnswer());
    await waitForGathering(pc);
    const sdp = keepTelephoneEventRate(pc.localDescription?.sdp ?? '');
    const endpoint = new MediaEndpoint(pc, transceiver, telephoneEventPayloadType(offerSdp), sdp);
    endpoint.wireConnectionState();
    attach = (track) => endpoint.attachTrack(track);
    tracks.forEach(attach);
    return endpoint;
  }

  on(events: Partial<MediaEndpointEvents>): void {
    this.events = { ...this.events, ...events };
  }

  /** Until this resolves no packet reaches the phone. */
  connected(timeoutMs = 10_000): Promise<void> {
    if (this.pc.connectionState === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Media did not connect')), timeoutMs);
      const subscription = this.pc.connectionStateChange.subscribe((state) => {
        if (state === 'connected') {
          clearTimeout(timer);
          subscription.unSubscribe();
          resolve();
        } else if (state === 'failed' || state === 'closed') {
          clearTimeout(timer);
          subscription.unSubscribe();
          reject(new Error(`Media ${state}`));
        }
      });
    });
  }

  /** Sends one 20 ms µ-law frame. */
  sendAudioFrame(payload: Buffer, marker = false): void {
    if (this.closed) return;
    const fields = {
      payloadType: PCMU_PAYLOAD_TYPE,
      sequenceNumber: this.sequence,
      timestamp: this.timestamp,
      marker,
    };
    this.sequence = (this.sequence + 1) & 0xffff;
    this.timestamp = (this.timestamp + SAMPLES_PER_FRAME) >>> 0;
    sendRawRtp(this.transceiver.sender, fields, payload);
  }

  /** The DTLS-SRTP profile negotiated with the phone (its RFC name); undefined before DTLS is up. */
  get srtpProfile(): string | undefined {
    const profile = this.transceiver.sender.dtlsTransport.dtls?.srtp.srtpProfile;
    return profile === undefined ? undefined : (SRTP_PROFILE_NAMES[profile] ?? `0x${profile.toString(16)}`);
  }

  /** Telephone-events with this timestamp (a PIN digit and its repeats) are never passed on. */
  swallowEvent(rtpTimestamp: number): void {
    this.swallowedEventTimestamps.add(rtpTimestamp);
  }

  isSwallowed(rtpTimestamp: number): boolean {
    return this.swallowedEventTimestamps.has(rtpTimestamp);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pc.close().catch(() => {});
  }

  private wireConnectionState(): void {
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') {
        const profile = this.srtpProfile ?? 'none';
        negotiatedProfiles.set(profile, (negotiatedProfiles.get(profile) ?? 0) + 1);
      }
      this.events.onConnectionState?.(state);
    });
  }

  private attachTrack(track: MediaStreamTrack): void {
    track.onReceiveRtp.subscribe((packet) => {
      if (this.remoteTelephoneEventPt !== null && packet.header.payloadType === this.remoteTelephoneEventPt) {
        const key = this.detector.receive(packet.header.timestamp, packet.payload);
        // The listener decides here, synchronously, whether this event is to be swallowed.
        if (key !== null) this.events.onDtmf?.(key, packet.header.timestamp);
        if (!this.isSwallowed(packet.header.timestamp)) this.events.onRtp?.(packet, 'telephone-event');
        return;
      }
      this.events.onRtp?.(packet, 'audio');
    });
  }
}

async function waitForGathering(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise<void>((resolve) => {
    const subscription = pc.iceGatheringStateChange.subscribe((state) => {
      if (state === 'complete') {
        subscription.unSubscribe();
        resolve();
      }
    });
  });
}
