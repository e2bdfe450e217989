import { randomBytes } from 'node:crypto';
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  RtpHeader,
  SrtpSession,
} from 'werift';
import { round } from './stats';

/**
 * CPU per RTP packet of werift's SRTP as the PBX runs it (patched, patches/werift+0.24.4.patch): one
 * 20 ms PCMU frame (160 bytes) encrypted by one session and decrypted by its peer, for each
 * DTLS-SRTP profile werift offers. Rounds alternate between the profiles, so that a busy machine
 * slows both alike; the figure is the median round. Measured on this thread, in microseconds.
 */
export interface SrtpCost {
  /** Median µs per packet (encrypt + decrypt), by profile name. */
  perPacketUs: Record<string, number>;
  packetsPerRound: number;
  rounds: number;
}

const PROFILES = [
  { name: 'SRTP_AES128_CM_HMAC_SHA1_80', profile: ProtectionProfileAes128CmHmacSha1_80, saltBytes: 14 },
  { name: 'SRTP_AEAD_AES_128_GCM', profile: ProtectionProfileAeadAes128Gcm, saltBytes: 12 },
] as const;

function sessionPair(profile: number, saltBytes: number): [SrtpSession, SrtpSession] {
  const [aKey, aSalt, bKey, bSalt] = [
    randomBytes(16),
    randomBytes(saltBytes),
    randomBytes(16),
    randomBytes(saltBytes),
  ];
  const make = (
    localMasterKey: Buffer,
    localMasterSalt: Buffer,
    remoteMasterKey: Buffer,
    remoteMasterSalt: Buffer,
  ) =>
    new SrtpSession({
      keys: { localMasterKey, localMasterSalt, remoteMasterKey, remoteMasterSalt },
      profile,
    });
  return [make(aKey, aSalt, bKey, bSalt), make(bKey, bSalt, aKey, aSalt)];
}

export function measureSrtpCost(packetsPerRound = 5_000, rounds = 9): SrtpCost {
  const payload = randomBytes(160);
  const pairs = PROFILES.map(({ profile, saltBytes }) => sessionPair(profile, saltBytes));
  const samples: number[][] = PROFILES.map(() => []);
  let sequenceNumber = 0;
  const round1 = (index: number): number => {
    const [phone, pbx] = pairs[index] as [SrtpSession, SrtpSession];
    const started = process.cpuUsage();
    for (let packet = 0; packet < packetsPerRound; packet++) {
      sequenceNumber = (sequenceNumber + 1) & 0xffff;
      const header = new RtpHeader({
        payloadType: 0,
        sequenceNumber,
        timestamp: sequenceNumber * 160,
        ssrc: 4242,
        marker: false,
      });
      pbx.decrypt(phone.encrypt(payload, header));
    }
    const used = process.cpuUsage(started);
    return (used.user + used.system) / packetsPerRound;
  };
  PROFILES.forEach((_, index) => round1(index)); // warm-up
  for (let round = 0; round < rounds; round++)
    PROFILES.forEach((_, index) => samples[index]?.push(round1(index)));
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  return {
    perPacketUs: Object.fromEntries(
      PROFILES.map(({ name }, index) => [name, round(median(samples[index] ?? []), 2)]),
    ),
    packetsPerRound,
    rounds,
  };
}
