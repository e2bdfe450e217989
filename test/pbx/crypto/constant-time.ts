import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The one constant-time comparison of the test PBX (passwords, digest responses, signed nonces,
 * tokens): Node's `crypto.timingSafeEqual` over SHA-256 digests of both sides. Hashing first makes
 * the compared lengths equal (32 bytes), so neither where the inputs differ nor how long they are
 * shows in the time taken; equal digests mean equal inputs. Strings are compared as UTF-8.
 */
export function constantTimeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

function sha256(value: string | Uint8Array): Buffer {
  return createHash('sha256').update(value).digest();
}
