import type { SecretSealer } from '../../shared/host/host-service';
import type { SecretStorageLevel } from '../../shared/ipc/contract';

/** The part of Electron's safeStorage used here (the asynchronous API only). */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  getSelectedStorageBackend?(): string;
}

/**
 * Seals secrets with Electron's safeStorage (Keychain, DPAPI, libsecret/KWallet). On Linux without a
 * keyring Chromium falls back to `basic_text`: a hard-coded key, which we report as 'weak' so the UI says so.
 */
export function createSafeStorageSealer(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform,
): SecretSealer {
  const level = async (): Promise<SecretStorageLevel> => {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) return 'unavailable';
    if (platform === 'linux') {
      const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
      if (backend === 'basic_text' || backend === 'unknown') return 'weak';
    }
    return 'os';
  };
  return {
    level,
    seal: async (plainText) => ({
      scheme: 'electron-safe-storage',
      data: (await safeStorage.encryptStringAsync(plainText)).toString('base64'),
    }),
    unseal: async (sealed) => {
      if (sealed.scheme !== 'electron-safe-storage')
        throw new Error(`Cannot unseal a ${sealed.scheme} secret here`);
      const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(
        Buffer.from(sealed.data, 'base64'),
      );
      return { plainText: result, shouldReseal: shouldReEncrypt };
    },
  };
}
