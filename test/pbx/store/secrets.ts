import { createHmac, randomBytes, scrypt, type BinaryLike, type ScryptOptions } from 'node:crypto';
import { constantTimeEqual } from '../crypto/constant-time';

/**
 * Unlock codes and admin/provider passwords: salted scrypt over HMAC-SHA-256(pepper, secret),
 * compared in constant time, never stored in clear. The pepper lives outside the database (see
 * `pepper.ts`), so a stolen `pbx.sqlite` alone cannot be searched offline: its hashes do not match
 * scrypt of any code without the pepper.
 *
 * Format: `scrypt-peppered$N$r$p$salt$key`. Hashes from before the pepper (`scrypt$…`) still verify
 * (`match-unpeppered`) so existing databases keep working; the store re-hashes such a secret with the
 * pepper the next time it is entered correctly.
 */
const PARAMETERS = { N: 16384, r: 8, p: 1, keylen: 32 } as const;
const PEPPERED = 'scrypt-peppered';
const UNPEPPERED = 'scrypt';

export type SecretCheck = 'match' | 'match-unpeppered' | 'no-match';

function scryptAsync(
  secret: BinaryLike,
  salt: Buffer,
  keylen: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function peppered(secret: string, pepper: Buffer): Buffer {
  return createHmac('sha256', pepper).update(secret, 'utf8').digest();
}

export async function hashSecret(secret: string, pepper: Buffer): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keylen } = PARAMETERS;
  const key = await scryptAsync(peppered(secret, pepper), salt, keylen, { N, r, p });
  return `${PEPPERED}$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export function isPeppered(stored: string | null): boolean {
  return stored?.startsWith(`${PEPPERED}$`) ?? false;
}

export async function verifySecret(
  secret: string,
  stored: string | null,
  pepper: Buffer,
): Promise<SecretCheck> {
  // With nothing stored, still spend the same time so the answer's timing says nothing.
  const [scheme, n, r, p, saltText, keyText] = (stored ?? '').split('$');
  const valid = (scheme === PEPPERED || scheme === UNPEPPERED) && n && r && p && saltText && keyText;
  const salt = valid ? Buffer.from(saltText, 'base64') : randomBytes(16);
  const expected = valid ? Buffer.from(keyText, 'base64') : randomBytes(PARAMETERS.keylen);
  const options = valid
    ? { N: Number(n), r: Number(r), p: Number(p) }
    : { N: PARAMETERS.N, r: PARAMETERS.r, p: PARAMETERS.p };
  const input = scheme === UNPEPPERED ? secret : peppered(secret, pepper);
  const actual = await scryptAsync(input, salt, expected.length, options);
  const match = Boolean(valid) && constantTimeEqual(actual, expected);
  if (!match) return 'no-match';
  return scheme === UNPEPPERED ? 'match-unpeppered' : 'match';
}
