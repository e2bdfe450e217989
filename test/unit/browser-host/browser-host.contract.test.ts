import { IDBFactory } from 'fake-indexeddb';
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createBrowserHost } from '../../../renderer/src/host/browser-host';
import { SETTINGS_STORAGE_KEY } from '../../../renderer/src/host/local-storage-repository';
import { describeHostContract } from '../../contract/host-contract';

function memoryStorage(): Storage {
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

function browserHost(storage: Storage, indexedDb: IDBFactory, search = '') {
  return createBrowserHost({
    storage,
    indexedDb,
    crypto: webcrypto as unknown as Crypto,
    search,
    languages: ['de-DE'],
    version: '0.1.0',
    console: { error: () => {} },
  });
}

describeHostContract('browser host (localStorage + WebCrypto)', async ({ dialLinkAtStart }) => {
  const storage = memoryStorage();
  const indexedDb = new IDBFactory();
  const search = dialLinkAtStart ? `?link=${encodeURIComponent(dialLinkAtStart)}` : '';
  return {
    host: browserHost(storage, indexedDb, search),
    restart: async () => browserHost(storage, indexedDb),
    persistedText: () =>
      JSON.stringify(
        Object.fromEntries(
          [...Array(storage.length).keys()].map((i) => [
            storage.key(i),
            storage.getItem(storage.key(i) ?? ''),
          ]),
        ),
      ),
  };
});

describe('browser host settings', () => {
  it('moves an unreadable document aside and says where', async () => {
    const storage = memoryStorage();
    storage.setItem(SETTINGS_STORAGE_KEY, '{"schemaVersion": 1, "account": ');
    const host = browserHost(storage, new IDBFactory());
    const info = await host.getAppInfo();
    expect(info).toMatchObject({
      ok: true,
      value: { secretStorage: 'weak', notices: [{ kind: 'settings-corrupt' }] },
    });
    const keys = [...Array(storage.length).keys()].map((i) => storage.key(i));
    const aside = keys.find((key) => key?.startsWith(`${SETTINGS_STORAGE_KEY}.corrupt-`));
    expect(aside).toBeDefined();
    expect(storage.getItem(aside ?? '')).toBe('{"schemaVersion": 1, "account": ');
  });
});
