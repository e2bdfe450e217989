import { BrowserWindow } from 'electron';
import type { SettingsRepository } from '../../shared/host/host-service';
import type { WindowState } from '../../shared/settings/schema';
import { mainWindowWebPreferences } from './web-preferences';

export function createMainWindow(options: {
  preloadPath: string;
  entryUrl: string;
  settings: SettingsRepository;
  log: (message: string) => void;
}): BrowserWindow {
  const state = options.settings.read().window;
  const window = new BrowserWindow({
    width: state.width,
    height: state.height,
    ...(state.x !== null && state.y !== null ? { x: state.x, y: state.y } : {}),
    minWidth: 360,
    minHeight: 560,
    show: false,
    title: 'Tollgate',
    backgroundColor: '#f6f7f9',
    webPreferences: mainWindowWebPreferences(options.preloadPath),
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('close', () => saveWindowState(window, options.settings, options.log));
  void window.loadURL(options.entryUrl);
  return window;
}

function saveWindowState(
  window: BrowserWindow,
  settings: SettingsRepository,
  log: (message: string) => void,
): void {
  const bounds = window.getNormalBounds();
  const next: WindowState = {
    width: bounds.width,
    height: bounds.height,
    x: bounds.x,
    y: bounds.y,
    maximized: window.isMaximized(),
  };
  try {
    settings.write({ ...settings.read(), window: next });
  } catch (error) {
    log(`Window state not saved: ${String(error)}`);
  }
}
