import type { DesktopShell } from '../../shared/host/host-service';
import type { DesktopStatus } from '../../shared/ipc/contract';
import type { HotkeyRegistrar } from './hotkeys';

/** The parts of a BrowserWindow raising needs. */
export interface RaisableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
  isFocused(): boolean;
  /** Taskbar attention where the system refuses to hand the focus over (Windows, some Linux desktops). */
  flashFrame(flag: boolean): void;
}

/**
 * The Electron desktop around the window: the tray shows the renderer's status, an incoming call
 * raises the window, the hotkeys come from the saved settings. The window and tray arrive after the
 * host is built (index.ts), so they are looked up on each call.
 *
 * Raising is allowed only while the renderer's last reported status says a call rings: a renderer
 * (or script in it) cannot pull the window over the user's work at any other time.
 */
export function createDesktopShell(deps: {
  window(): RaisableWindow | null;
  tray(): { show(status: DesktopStatus): void } | null;
  hotkeys: HotkeyRegistrar;
  /** macOS brings an app forward only with app.focus({ steal: true }); elsewhere not needed. */
  focusApp?: () => void;
}): DesktopShell {
  let ringing = false;
  return {
    setStatus: (status) => {
      ringing = status.state === 'ringing';
      deps.tray()?.show(status);
    },
    raiseWindow: () => {
      if (!ringing) return false;
      const window = deps.window();
      if (!window || window.isDestroyed()) return false;
      if (window.isMinimized()) window.restore();
      window.show();
      deps.focusApp?.();
      window.focus();
      if (!window.isFocused()) window.flashFrame(true);
      return true;
    },
    applyHotkeys: (hotkeys) => deps.hotkeys.apply(hotkeys),
  };
}
