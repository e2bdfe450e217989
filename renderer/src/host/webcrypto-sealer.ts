import type { SecretSealer } from '../../../shared/host/host-service';

const DATABASE = 'tollgate-secrets';
const STORE = 'keys';
const KEY_ID = 'sip-password';

/**
 * The browser host's secret sealing: AES-GCM with a non-extractable key kept in IndexedDB.
 * The key never leaves the browser profile, but anyone who can use that profile can decrypt,
 * so the level is reported as 'weak' — the same standing as Electron's basic_text backend.
 */
export function createWebCryptoSealer(indexedDb: IDBFactory, crypto: Crypto): SecretSealer {
  let keyPromise: Promise<CryptoKey> | null = null;
  const key = () => (keyPromise ??= loadOrCreateKey(indexedDb, crypto));

  return {
    level: async () => 'weak',
    seal: async (plainText) => {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const cipherText = new Uint8Array(
        await crypto.subtle.encrypt(
          { name: 'AES-GCM', iv },
          await key(),
          new TextEncoder().encode(plainText),
        ),
      );
      const packed = new Uint8Array(iv.length + cipherText.length);
      packed.set(iv);
      packed.set(cipherText, iv.length);
      return { scheme: 'webcrypto-aes-gcm', data: toBase64(packed) };
    },
    unseal: async (sealed) => {
      if (sealed.scheme !== 'webcrypto-aes-gcm')
        throw new Error(`Cannot unseal a ${sealed.scheme} secret here`);
      const packed = fromBase64(sealed.data);
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: packed.slice(0, 12) },
        await key(),
        packed.slice(12),
      );
      return { plainText: new TextDecoder().decode(plain), shouldReseal: false };
    },
  };
}

async function loadOrCreateKey(indexedDb: IDBFactory, crypto: Crypto): Promise<CryptoKey> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDb.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
  });
  const existing = await idbRequest<CryptoKey | undefined>(
    db.transaction(STORE).objectStore(STORE).get(KEY_ID),
  );
  if (existing) return existing;
  const created = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  await idbRequest(db.transaction(STORE, 'readwrite').objectStore(STORE).put(created, KEY_ID));
  return created;
}

function idbRequest<T>(request: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result as T);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}
