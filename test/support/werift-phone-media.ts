import { randomInt } from 'node:crypto';
import type { Session, SessionDescriptionHandler } from 'sip.js';
import { RTCPeerConnection, type RTCRtpTransceiver } from 'werift';
import { pbxCodecs, PCMU_PAYLOAD_TYPE, SAMPLES_PER_FRAME, sendRawRtp } from '../pbx/media/media-endpoint';
import { encodeTelephoneEvent, eventOf } from '../pbx/media/rfc4733';
import { telephoneEventPayloadType } from '../pbx/media/sdp';

/**
 * A phone's media for protocol tests: a sip.js SessionDescriptionHandler backed by werift instead
 * of a browser. It really does DTLS-SRTP, sends 20 ms µ-law frames and RFC 4733 DTMF the way
 * Chromium does (start packets, updates, three end packets, one timestamp per key).
 */
export interface PhoneMediaOptions {
  /** Share of RTP packets dropped before sending (loss injection for benchmarks). */
  lossRate?: number;
  /** Called when a key's first packet is sent, with its RTP timestamp. */
  onKeySent?(rtpTimestamp: number, at: number): void;
  /** Called with every audio payload received from the far side (attack suite: hears the prompts). */
  onAudio?(payload: Buffer, media: WeriftPhoneMedia): void;
  /** Called with every RTP packet received, header fields included (a far end decoding RFC 4733). */
  onRtp?(packet: { payloadType: number; timestamp: number; payload: Buffer }): void;
  /**
   * Tone length and gap as passed to Chromium's `insertDTMF` (bench/tone-lengths.ts): an event
   * packet every 20 ms frame while the tone lasts, the three end packets in the frame that reaches
   * its length, the next key `durationMs + gapMs` after this one began. Without it: 100 ms, 60 ms gap.
   */
  tone?: { durationMs: number; gapMs: number };
}

export class WeriftPhoneMedia implements SessionDescriptionHandler {
  constructor(private readonly options: PhoneMediaOptions = {}) {}

  // No STUN server (werift's default is Google's): no DNS lookup per call on the thread pool.
  readonly pc = new RTCPeerConnection({ codecs: pbxCodecs(), iceUseIpv6: false, iceServers: [] });
  private transceiver: RTCRtpTransceiver | null = null;
  private remoteSdp = '';
  private sequence = randomInt(0, 0xffff);
  private timestamp = randomInt(0, 0x7fffffff);
  private audioTimer: NodeJS.Timeout | null = null;
  private dtmfQueue: Promise<void> = Promise.resolve();
  receivedAudioPackets = 0;

  getDescription = async () => {
    if (!this.transceiver) {
      if (this.remoteSdp) {
        // Answering: the transceiver came with the offer.
        this.transceiver = this.pc.getTransceivers()[0] ?? null;
      } else {
        this.transceiver = this.pc.addTransceiver('audio', { direction: 'sendrecv' });
      }
      this.transceiver?.onTrack.subscribe((track) =>
        track.onReceiveRtp.subscribe((rtp) => {
          this.receivedAudioPackets++;
          this.options.onAudio?.(rtp.payload, this);
        }),
      );
    }
    const description = this.remoteSdp ? await this.pc.createAnswer() : await this.pc.createOffer();
    await this.pc.setLocalDescription(description);
    await new Promise<void>((resolve) => {
      if (this.pc.iceGatheringState === 'complete') return resolve();
      const subscription = this.pc.iceGatheringStateChange.subscribe((state) => {
        if (state === 'complete') {
          subscription.unSubscribe();
          resolve();
        }
      });
    });
    return { body: this.pc.localDescription?.sdp ?? '', contentType: 'application/sdp' };
  };

  hasDescription = (contentType: string) => contentType === 'application/sdp';

  setDescription = async (sdp: string) => {
    const type = this.pc.localDescription ? 'answer' : 'offer';
    this.remoteSdp = sdp;
    // Before the remote description: an answering phone's track arrives with the offer.
    this.watchRtp();
    await this.pc.setRemoteDescription({ type, sdp });
    this.startAudio();
  };

  /** Queues keys like Chromium's tone buffer: one after another, never replacing each other. */
  sendDtmf = (tones: string): boolean => {
    const payloadType = telephoneEventPayloadType(this.remoteSdp);
    if (payloadType === null || !this.transceiver) return false;
    for (const key of tones) this.dtmfQueue = this.dtmfQueue.then(() => this.sendKey(key, payloadType));
    return true;
  };

  /** Resolves once every queued key has been sent. */
  dtmfSent(): Promise<void> {
    return this.dtmfQueue;
  }

  close = () => {
    if (this.audioTimer) clearInterval(this.audioTimer);
    void this.pc.close();
  };

  private watchingRtp = false;

  private watchRtp(): void {
    const onRtp = this.options.onRtp;
    if (!onRtp || this.watchingRtp) return;
    this.watchingRtp = true;
    this.pc.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp) =>
        onRtp({ payloadType: rtp.header.payloadType, timestamp: rtp.header.timestamp, payload: rtp.payload }),
      ),
    );
  }

  private startAudio(): void {
    if (this.audioTimer) return;
    const silence = Buffer.alloc(SAMPLES_PER_FRAME, 0xff);
    this.audioTimer = setInterval(() => this.send(PCMU_PAYLOAD_TYPE, silence, false, true), 20);
  }

  private send(
    payloadType: number,
    payload: Buffer,
    marker: boolean,
    advance: boolean,
    timestamp = this.timestamp,
  ) {
    if (!this.transceiver || this.pc.connectionState !== 'connected') return;
    if (this.options.lossRate && Math.random() < this.options.lossRate) {
      this.sequence = (this.sequence + 1) & 0xffff; // lost on the way: the sequence number is used up
      if (advance) this.timestamp = (this.timestamp + SAMPLES_PER_FRAME) >>> 0;
      return;
    }
    sendRawRtp(
      this.transceiver.sender,
      { payloadType, sequenceNumber: this.sequence, timestamp, marker },
      payload,
    );
    this.sequence = (this.sequence + 1) & 0xffff;
    if (advance) this.timestamp = (this.timestamp + SAMPLES_PER_FRAME) >>> 0;
  }

  private async sendKey(key: string, payloadType: number): Promise<void> {
    if (this.options.tone) return this.sendTone(key, payloadType, this.options.tone);
    const event = eventOf(key);
    const start = this.timestamp;
    this.options.onKeySent?.(start, performance.now());
    for (let step = 1; step <= 5; step++) {
      this.send(
        payloadType,
        encodeTelephoneEvent({ event, end: false, volume: 10, duration: step * 160 }),
        step === 1,
        false,
        start,
      );
      await sleep(20);
    }
    for (let repeat = 0; repeat < 3; repeat++) {
      this.send(
        payloadType,
        encodeTelephoneEvent({ event, end: true, volume: 10, duration: 800 }),
        false,
        false,
        start,
      );
    }
    await sleep(60);
  }

  private async sendTone(
    key: string,
    payloadType: number,
    tone: { durationMs: number; gapMs: number },
  ): Promise<void> {
    const event = eventOf(key);
    const start = this.timestamp;
    const began = performance.now();
    this.options.onKeySent?.(start, began);
    const frames = Math.max(1, Math.ceil(tone.durationMs / 20));
    for (let frame = 1; frame < frames; frame++) {
      const duration = frame * SAMPLES_PER_FRAME;
      this.send(
        payloadType,
        encodeTelephoneEvent({ event, end: false, volume: 10, duration }),
        frame === 1,
        false,
        start,
      );
      await sleep(20);
    }
    const total = tone.durationMs * 8;
    for (let repeat = 0; repeat < 3; repeat++) {
      const payload = encodeTelephoneEvent({ event, end: true, volume: 10, duration: total });
      this.send(payloadType, payload, frames === 1 && repeat === 0, false, start);
    }
    await sleep(Math.max(0, began + tone.durationMs + tone.gapMs - performance.now()));
  }
}

export const weriftMediaFactory = () => (_session: Session) => new WeriftPhoneMedia();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
