import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SafeStorageLike } from '../../../electron/main/secret-sealer';

/** A stand-in for Electron's safeStorage: real AES, a key that lives as long as the object. */
export function fakeSafeStorage(
  backend = 'gnome_libsecret',
  available = true,
): SafeStorageLike & { rotate(): void } {
  let key = randomBytes(32);
  let rotated = false;
  const previousKeys: Buffer[] = [];
  const decryptWith = (secret: Buffer, encrypted: Buffer) => {
    const decipher = createDecipheriv('aes-256-gcm', secret, encrypted.subarray(0, 12));
    decipher.setAuthTag(encrypted.subarray(12, 28));
    return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
  };
  return {
    isAsyncEncryptionAvailable: async () => available,
    getSelectedStorageBackend: () => backend,
    encryptStringAsync: async (plainText) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptStringAsync: async (encrypted) => {
      try {
        return { result: decryptWith(key, encrypted), shouldReEncrypt: false };
      } catch (error) {
        for (const old of previousKeys) {
          try {
            return { result: decryptWith(old, encrypted), shouldReEncrypt: rotated };
          } catch {
            // try the next older key
          }
        }
        throw error;
      }
    },
    rotate() {
      previousKeys.push(key);
      key = randomBytes(32);
      rotated = true;
    },
  };
}
