import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { encodeProvisioning, ProvisioningSchema } from '../../../shared/host/provisioning';
import { openBrowserHost } from '../../../renderer/src/host/browser-host';
import { SETTINGS_STORAGE_KEY } from '../../../renderer/src/host/local-storage-repository';
import { describeHostContract } from '../../contract/host-contract';
import {
  browserHostEnvironmentForTest,
  browserHostForTest,
  memoryStorage,
  storageKeys,
} from '../../support/browser-host-fixture';

// The same bound as the node project's: CI runs this on 2 busy cores (the dom project's default is 5 s).
vi.setConfig({ testTimeout: 30_000 });

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

describe('browser host demo data (npm start)', () => {
  const provisioning = {
    account: { sipWebSocketUrl: 'ws://127.0.0.1:5070/ws', extension: '201', displayName: 'Empfang' },
    password: 'demo-pass-201',
    demo: {
      extension: '201',
      pin: '471108',
      tryNumbers: [{ number: '030 1234567', kind: 'paid' as const }],
    },
  };

  // Breaks when the demo data goes back into getAppInfo (the Electron app would carry it over IPC).
  it('hands the demo banner its data beside the contract, never through it', async () => {
    const storage = memoryStorage();
    const { host, demo } = openBrowserHost({
      ...browserHostEnvironmentForTest({ storage }),
      hash: `#provision=${encodeProvisioning(ProvisioningSchema.parse(provisioning))}`,
    });
    expect(await demo).toEqual(provisioning.demo);
    const answers = await Promise.all([host.getAppInfo(), host.getSettings(), host.takePendingDialLink()]);
    expect(answers.every((answer) => answer.ok)).toBe(true);
    expect(JSON.stringify(answers)).not.toContain('471108');
    expect(JSON.stringify(storageKeys(storage).map((key) => storage.getItem(key)))).not.toContain('471108');
  });

  // Breaks when the query string is read again: the address npm start prints would carry the password.
  it('ignores provisioning in the query string', async () => {
    const { demo } = openBrowserHost({
      ...browserHostEnvironmentForTest({}),
      search: `?provision=${encodeProvisioning(ProvisioningSchema.parse(provisioning))}`,
    });
    expect(await demo).toBeNull();
  });

  it('has no demo data without provisioning', async () => {
    expect(await openBrowserHost(browserHostEnvironmentForTest({})).demo).toBeNull();
  });
});
