import { describe, expect, it } from 'vitest';
import { createSafeStorageSealer } from '../../../electron/main/secret-sealer';
import { fakeSafeStorage } from './fakes';

describe('safeStorage sealer', () => {
  it.each([
    ['linux', 'gnome_libsecret', true, 'os'],
    ['linux', 'kwallet6', true, 'os'],
    ['linux', 'basic_text', true, 'weak'],
    ['linux', 'unknown', true, 'weak'],
    ['darwin', 'unknown', true, 'os'],
    ['win32', 'unknown', true, 'os'],
    ['linux', 'gnome_libsecret', false, 'unavailable'],
  ] as const)('on %s with %s (available: %s) reports %s', async (platform, backend, available, level) => {
    expect(await createSafeStorageSealer(fakeSafeStorage(backend, available), platform).level()).toBe(level);
  });

  it('seals to base64 ciphertext that does not contain the secret, and unseals it', async () => {
    const sealer = createSafeStorageSealer(fakeSafeStorage(), 'linux');
    const sealed = await sealer.seal('s3cret-Passw0rd');
    expect(sealed.scheme).toBe('electron-safe-storage');
    expect(sealed.data).not.toContain('s3cret');
    expect(Buffer.from(sealed.data, 'base64').toString('latin1')).not.toContain('s3cret');
    expect(await sealer.unseal(sealed)).toEqual({ plainText: 's3cret-Passw0rd', shouldReseal: false });
  });

  it('asks for resealing after a key rotation', async () => {
    const storage = fakeSafeStorage();
    const sealer = createSafeStorageSealer(storage, 'linux');
    const sealed = await sealer.seal('pw');
    storage.rotate();
    expect(await sealer.unseal(sealed)).toEqual({ plainText: 'pw', shouldReseal: true });
  });

  it('refuses a secret sealed by another scheme', async () => {
    const sealer = createSafeStorageSealer(fakeSafeStorage(), 'linux');
    await expect(sealer.unseal({ scheme: 'webcrypto-aes-gcm', data: 'AAAA' })).rejects.toThrow(
      /Cannot unseal/,
    );
  });
});
