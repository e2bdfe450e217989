import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, globalShortcut, ipcMain, safeStorage, session, type BrowserWindow } from 'electron';
import ElectronStore from 'electron-store';
import { appContentSecurityPolicy } from '../../shared/host/content-security-policy';
import { applyProvisioning, parseProvisioning } from '../../shared/host/provisioning';
import { HOST_EVENT_CHANNELS } from '../../shared/ipc/channels';
import type { DesktopCommand, HostHandlers } from '../../shared/ipc/contract';
import { accountOrigins } from '../../shared/settings/schema';
import { APP_ENTRY_URL, trustedRendererOrigins } from './app-origin';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { createDesktopShell } from './desktop-shell';
import { DIAL_LINK_SCHEMES, DialLinkInbox } from './dial-links';
import { HotkeyRegistrar } from './hotkeys';
import { registerHostIpc } from './host-ipc';
import { readLaunchOptions } from './launch-options';
import { createMainWindow } from './main-window';
import { unregisterBeforeQuit } from './quit-guard';
import { createMainHost } from './main-host';
import { installNavigationGuards, installPermissionHandlers } from './security-handlers';
import type { KeyValueStore } from './settings-store';
import { installTestHooks } from './test-hooks';
import { StatusTray } from './tray';

/** Composition root of the main process: wires the services; behaviour lives in the modules. */
const here = fileURLToPath(new URL('.', import.meta.url));
const log = (message: string): void => console.log(`[tollgate] ${message}`);

// Test and development switches: all of them are ignored in a packaged build (launch-options.ts).
const launch = readLaunchOptions(process.env, app.isPackaged);
const devServerUrl = launch.devServerUrl ?? undefined;
if (launch.userDataDirectory) app.setPath('userData', launch.userDataDirectory);
for (const [name, value] of launch.chromiumSwitches) app.commandLine.appendSwitch(name, value);

registerAppScheme();
const inbox = new DialLinkInbox();

if (!app.requestSingleInstanceLock()) {
  // Another Tollgate runs: it receives our argv (and any tel: link) through 'second-instance'.
  app.quit();
} else {
  inbox.receiveArgs(process.argv);
  app.on('open-url', (event, url) => {
    event.preventDefault();
    inbox.receiveUrl(url);
  });
  if (app.isPackaged) for (const scheme of DIAL_LINK_SCHEMES) app.setAsDefaultProtocolClient(scheme);
  app.whenReady().then(start, (error: unknown) => {
    log(`Start failed: ${String(error)}`);
    app.exit(1);
  });
  app.on('window-all-closed', () => app.quit());
}

async function start(): Promise<void> {
  // Tray and hotkeys ask the renderer (it owns the call and the settings view); the window and
  // tray exist only after the host is built, so the shell looks them up on each call.
  let window: BrowserWindow | null = null;
  let tray: StatusTray | null = null;
  const sendCommand = (command: DesktopCommand) => {
    if (window && !window.isDestroyed()) window.webContents.send(HOST_EVENT_CHANNELS.desktopCommand, command);
  };
  const hotkeys = new HotkeyRegistrar(globalShortcut, sendCommand);
  if (launch.testHooks)
    installTestHooks({ trayStatus: () => tray?.status ?? null, sendDesktopCommand: sendCommand });
  app.on('will-quit', () => hotkeys.dispose());
  const mainHost = createMainHost({
    userDataDirectory: app.getPath('userData'),
    // electron-store is conf with Electron's paths; the options are the shared ones. Its generic
    // options type wants the document type, which the zod schema (not electron-store) owns.
    createStore: (options) =>
      new ElectronStore(options as ConstructorParameters<typeof ElectronStore>[0]) as KeyValueStore,
    safeStorage,
    platform: process.platform,
    inbox,
    describeApp: () => ({
      version: app.getVersion(),
      systemLocales: app.getPreferredSystemLanguages(),
    }),
    desktop: createDesktopShell({
      window: () => window,
      tray: () => tray,
      hotkeys,
      ...(process.platform === 'darwin' ? { focusApp: () => app.focus({ steal: true }) } : {}),
    }),
  });
  // TOLLGATE_PROVISION (npm start's demo; unpackaged builds only): used only when no account is set up.
  // Its demo part (the banner with the demo PIN) is the browser host's alone; it never crosses IPC.
  await applyProvisioning(mainHost.handlers, parseProvisioning(launch.provisioning));
  const settings = mainHost.settings;
  const baseHandlers = mainHost.handlers;
  for (const notice of mainHost.notices)
    log(`Settings notice: ${notice.kind} (moved to ${notice.movedTo ?? '-'})`);

  const devOrigin = devServerUrl ? new URL(devServerUrl).origin : undefined;
  const trusted = trustedRendererOrigins(devServerUrl);
  let loadedOrigins = accountOrigins(settings.read().account);
  const contentSecurityPolicy = () => {
    loadedOrigins = accountOrigins(settings.read().account);
    return appContentSecurityPolicy(loadedOrigins, devOrigin);
  };
  serveRenderer(join(here, '../renderer'), contentSecurityPolicy);
  if (devOrigin) {
    session.defaultSession.webRequest.onHeadersReceived({ urls: [`${devOrigin}/*`] }, (details, callback) => {
      const headers = { ...details.responseHeaders };
      if (details.resourceType === 'mainFrame')
        headers['Content-Security-Policy'] = [contentSecurityPolicy()];
      callback({ responseHeaders: headers });
    });
  }
  installPermissionHandlers(session.defaultSession, trusted);
  // Every web contents, the main window's included, gets the navigation and window-open guards.
  app.on('web-contents-created', (_event, contents) => installNavigationGuards(contents, log));

  const mainWindow = createMainWindow({
    preloadPath: join(here, '../preload/index.cjs'),
    entryUrl: devServerUrl ?? APP_ENTRY_URL,
    settings: settings,
    log,
  });
  window = mainWindow;
  // raiseWindow may flash the taskbar entry; it stops once the user comes to the window.
  mainWindow.on('focus', () => mainWindow.flashFrame(false));
  try {
    tray = new StatusTray((item) => {
      if (item === 'toggle-dnd') sendCommand('toggle-dnd');
      else if (item === 'quit') app.quit();
      else {
        if (mainWindow.isMinimized()) mainWindow.restore();
        mainWindow.show();
        mainWindow.focus();
      }
    });
  } catch (error) {
    // Some Linux desktops have no status area; the app works without a tray.
    log(`No tray icon: ${String(error)}`);
  }

  // The CSP names the PBX origins of the account the document was loaded with; when the account
  // points somewhere else, reload so the new origins are allowed (and the old ones are not).
  const reloadIfOriginsChanged = () => {
    const now = accountOrigins(settings.read().account);
    if (now.join(' ') !== loadedOrigins.join(' ')) setTimeout(() => mainWindow.webContents.reload(), 50);
  };
  const handlers: HostHandlers = {
    ...baseHandlers,
    saveAccount: async (input) => {
      const result = await baseHandlers.saveAccount(input);
      reloadIfOriginsChanged();
      return result;
    },
    clearAccount: async (input) => {
      const result = await baseHandlers.clearAccount(input);
      reloadIfOriginsChanged();
      return result;
    },
  };
  registerHostIpc(ipcMain, handlers, trusted, log);

  mainWindow.webContents.on('did-finish-load', () =>
    inbox.attach((target) => mainWindow.webContents.send(HOST_EVENT_CHANNELS.dialLinkOpened, target)),
  );
  mainWindow.webContents.on('did-start-loading', () => inbox.detach());
  unregisterBeforeQuit(app, ipcMain, mainWindow);
  app.on('second-instance', (_event, argv) => {
    inbox.receiveArgs(argv);
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
}
