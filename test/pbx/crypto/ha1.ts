import { createHash } from 'node:crypto';

/**
 * The stored form of a SIP/HTTP password: HA1 = H(username:realm:password) (RFC 7616 §3.4.2). It lives
 * at the bottom of the PBX (beside the constant-time compare) because three layers need it without
 * needing each other: the store keeps it, the digest check in sip/ verifies against it and the API's
 * sign-in compares it.
 */
export type DigestAlgorithm = 'MD5' | 'SHA-256';

export function hash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
    .update(text)
    .digest('hex');
}

export function ha1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return hash(algorithm, `${username}:${realm}:${password}`);
}
