import { randomBytes, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';

/** Unlock codes and admin passwords: salted scrypt, compared in constant time. Never stored in clear. */
const PARAMETERS = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

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

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keylen } = PARAMETERS;
  const key = await scryptAsync(secret, salt, keylen, { N, r, p });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifySecret(secret: string, stored: string | null): Promise<boolean> {
  // With nothing stored, still spend the same time so the answer's timing says nothing.
  const [scheme, n, r, p, saltText, keyText] = (stored ?? '').split('$');
  const valid = scheme === 'scrypt' && n && r && p && saltText && keyText;
  const salt = valid ? Buffer.from(saltText, 'base64') : randomBytes(16);
  const expected = valid ? Buffer.from(keyText, 'base64') : randomBytes(PARAMETERS.keylen);
  const options = valid
    ? { N: Number(n), r: Number(r), p: Number(p) }
    : { N: PARAMETERS.N, r: PARAMETERS.r, p: PARAMETERS.p };
  const actual = await scryptAsync(secret, salt, expected.length, options);
  return Boolean(valid) && actual.length === expected.length && timingSafeEqual(actual, expected);
}
