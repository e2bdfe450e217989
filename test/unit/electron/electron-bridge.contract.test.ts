import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN } from '../../../electron/main/app-origin';
import { createDesktopShell } from '../../../electron/main/desktop-shell';
import { DialLinkInbox } from '../../../electron/main/dial-links';
import { HotkeyRegistrar } from '../../../electron/main/hotkeys';
import { registerHostIpc } from '../../../electron/main/host-ipc';
import { createMainHost } from '../../../electron/main/main-host';
import type { KeyValueStore, StoreOptions } from '../../../electron/main/settings-store';
import { BRIDGE_GLOBAL, HOST_EVENT_CHANNELS } from '../../../shared/ipc/channels';
import type { DesktopCommand, HostApi } from '../../../shared/ipc/contract';
import { describeHostContract } from '../../contract/host-contract';
import { createFakeIpc } from './electron-ipc-fake';
import { fakeSafeStorage } from './fakes';

const electron = vi.hoisted(() => ({ exposed: new Map<string, unknown>(), ipc: null as unknown }));
const fakeIpc = createFakeIpc();
electron.ipc = fakeIpc;
vi.mock('electron', () => ({
  ipcRenderer: (electron.ipc as ReturnType<typeof createFakeIpc>).ipcRenderer,
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
}));

// Importing the preload runs it, as Electron does: it exposes the bridge through contextBridge.
const { createPreloadBridge } = await import('../../../electron/preload/index');

/** conf is electron-store's engine: same options, no Electron needed. */
export const confStore = (options: StoreOptions): KeyValueStore =>
  new Conf({ ...options, projectName: 'tollgate-test' } as ConstructorParameters<
    typeof Conf
  >[0]) as KeyValueStore;

/** globalShortcut stand-in: every combination is free; pressing one runs its callback. */
const pressed = new Map<string, () => void>();
const hotkeys = new HotkeyRegistrar(
  {
    register: (accelerator, callback) => {
      pressed.set(accelerator, callback);
      return true;
    },
    unregister: (accelerator) => void pressed.delete(accelerator),
  },
  (command) => fakeIpc.sendToRenderer(HOST_EVENT_CHANNELS.desktopCommand, command),
);

function startMain(directory: string, safeStorage: ReturnType<typeof fakeSafeStorage>, link?: string) {
  fakeIpc.clearHandlers();
  hotkeys.dispose();
  const inbox = new DialLinkInbox();
  if (link) inbox.receiveArgs(['/opt/Tollgate/tollgate', '--no-sandbox', link]);
  const mainHost = createMainHost({
    userDataDirectory: directory,
    createStore: confStore,
    safeStorage,
    platform: 'linux',
    inbox,
    describeApp: () => ({ version: '0.1.0', systemLocales: ['de-DE', 'en-US'] }),
    desktop: createDesktopShell({ window: () => null, tray: () => null, hotkeys }),
  });
  registerHostIpc(fakeIpc.ipcMain, mainHost.handlers, [APP_ORIGIN], () => {});
  return inbox;
}

describeHostContract('Electron preload over IPC to the main process', async ({ dialLinkAtStart }) => {
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-electron-'));
  const safeStorage = fakeSafeStorage();
  startMain(directory, safeStorage, dialLinkAtStart);
  return {
    host: createPreloadBridge(),
    restart: async () => {
      startMain(directory, safeStorage);
      return createPreloadBridge();
    },
    persistedText: () => readFileSync(join(directory, 'settings.json'), 'utf8'),
  };
});

describe('Electron preload bridge', () => {
  beforeEach(() => fakeIpc.setSenderFrame({ url: 'app://tollgate/index.html', parent: null }));

  it('is exposed under one global name, with only the contract methods', () => {
    const exposed = electron.exposed.get(BRIDGE_GLOBAL) as Record<string, unknown>;
    expect(Object.keys(exposed).sort()).toEqual(
      [
        'clearAccount',
        'getAppInfo',
        'getSettings',
        'getSipPassword',
        'onDialLinkOpened',
        'onPrepareQuit',
        'onDesktopCommand',
        'setDesktopStatus',
        'raiseWindow',
        'applyHotkeys',
        'saveAccount',
        'takePendingDialLink',
        'updatePreferences',
      ].sort(),
    );
  });

  it('refuses calls from a frame that is not the app document', async () => {
    startMain(mkdtempSync(join(tmpdir(), 'tollgate-electron-')), fakeSafeStorage());
    const host: HostApi = createPreloadBridge();
    fakeIpc.setSenderFrame({ url: 'https://evil.example/', parent: null });
    expect(await host.getSipPassword()).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
    fakeIpc.setSenderFrame({ url: 'app://tollgate/index.html', parent: {} });
    expect(await host.getSettings()).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
    fakeIpc.setSenderFrame(null);
    expect(await host.getSettings()).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
  });

  it('delivers dial links opened while the app runs, and stops after unsubscribe', async () => {
    const inbox = startMain(mkdtempSync(join(tmpdir(), 'tollgate-electron-')), fakeSafeStorage());
    inbox.attach((target) => fakeIpc.sendToRenderer(HOST_EVENT_CHANNELS.dialLinkOpened, target));
    const host = createPreloadBridge();
    const received: unknown[] = [];
    const unsubscribe = host.onDialLinkOpened((target) => received.push(target));
    inbox.receiveArgs(['tollgate', 'sip:0301234567@pbx.example.test']);
    unsubscribe();
    inbox.receiveUrl('tel:110');
    expect(received).toEqual([{ number: '0301234567', scheme: 'sip' }]);
  });

  it('delivers hotkey commands registered from the saved settings, and stops after unsubscribe', async () => {
    startMain(mkdtempSync(join(tmpdir(), 'tollgate-electron-')), fakeSafeStorage());
    const host = createPreloadBridge();
    await host.updatePreferences({ desktop: { hotkeys: { enabled: true, answer: 'Alt+F7' } } });
    expect(await host.applyHotkeys()).toEqual({
      ok: true,
      value: { answer: 'registered', hangUp: 'registered' },
    });
    const received: DesktopCommand[] = [];
    const unsubscribe = host.onDesktopCommand?.((command) => received.push(command)) ?? (() => {});
    pressed.get('Alt+F7')?.();
    pressed.get('CommandOrControl+Shift+H')?.();
    fakeIpc.sendToRenderer(HOST_EVENT_CHANNELS.desktopCommand, 'format-disk');
    unsubscribe();
    pressed.get('Alt+F7')?.();
    expect(received).toEqual(['answer', 'hang-up']);
  });
});
