import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { SETTINGS_STORAGE_KEY } from '../../../renderer/src/host/local-storage-repository';
import { describeHostContract } from '../../contract/host-contract';
import { browserHostForTest, memoryStorage, storageKeys } from '../../support/browser-host-fixture';

describeHostContract('browser host (localStorage + WebCrypto)', async ({ dialLinkAtStart }) => {
  const storage = memoryStorage();
  const indexedDb = new IDBFactory();
  const search = dialLinkAtStart ? `?link=${encodeURIComponent(dialLinkAtStart)}` : '';
  return {
    host: browserHostForTest({ storage, indexedDb, search }),
    restart: async () => browserHostForTest({ storage, indexedDb }),
    persistedText: () => JSON.stringify(storageKeys(storage).map((key) => [key, storage.getItem(key)])),
  };
});

describe('browser host settings', () => {
  it('moves an unreadable document aside and says where', async () => {
    const storage = memoryStorage();
    storage.setItem(SETTINGS_STORAGE_KEY, '{"schemaVersion": 1, "account": ');
    const host = browserHostForTest({ storage });
    const info = await host.getAppInfo();
    expect(info).toMatchObject({
      ok: true,
      value: { secretStorage: 'weak', notices: [{ kind: 'settings-corrupt' }] },
    });
    const aside = storageKeys(storage).find((key) => key.startsWith(`${SETTINGS_STORAGE_KEY}.corrupt-`));
    expect(aside).toBeDefined();
    expect(storage.getItem(aside ?? '')).toBe('{"schemaVersion": 1, "account": ');
  });

  it('keeps a document from a newer version aside', async () => {
    const storage = memoryStorage();
    storage.setItem(SETTINGS_STORAGE_KEY, JSON.stringify({ schemaVersion: 99 }));
    const info = await browserHostForTest({ storage }).getAppInfo();
    expect(info).toMatchObject({ ok: true, value: { notices: [{ kind: 'settings-from-newer-version' }] } });
  });
});
