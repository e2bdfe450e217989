import { IDBFactory } from 'fake-indexeddb';
import { webcrypto } from 'node:crypto';
import { createBrowserHost, type BrowserHostEnvironment } from '../../renderer/src/host/browser-host';

/** A Storage held in memory, as localStorage would be. */
export function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}

export function storageKeys(storage: Storage): string[] {
  return [...Array(storage.length).keys()].map((index) => storage.key(index) ?? '');
}

type BrowserHostTestOptions = {
  storage?: Storage;
  indexedDb?: IDBFactory;
  search?: string;
  languages?: string[];
};

/** The real browser host over in-memory storage, Node's WebCrypto and an in-memory IndexedDB. */
export function browserHostForTest(options: BrowserHostTestOptions = {}) {
  return createBrowserHost(browserHostEnvironmentForTest(options));
}

export function browserHostEnvironmentForTest(options: BrowserHostTestOptions): BrowserHostEnvironment {
  return {
    storage: options.storage ?? memoryStorage(),
    indexedDb: options.indexedDb ?? new IDBFactory(),
    // Node's WebCrypto implements the same interface the DOM types describe.
    crypto: webcrypto as unknown as Crypto,
    search: options.search ?? '',
    languages: options.languages ?? ['de-DE'],
    version: '0.1.0',
    console: { error: () => {} },
  };
}
