import type { DesktopCommand, DesktopStatus } from '../../shared/ipc/contract';

/**
 * What the end-to-end tests read and do in the main process (test/e2e/desktop-electron.spec.ts,
 * through electronApp.evaluate): the tray's status and tooltip (Electron's Tray cannot be read back),
 * and the tray's and hotkeys' commands sent as main sends them. Installed only with TOLLGATE_E2E=1 in
 * an unpackaged build (launch-options.ts); an installed Tollgate never has them.
 */
export interface MainTestHooks {
  /** What the tray shows now (its tooltip is `text.status`); null where no tray could be made. */
  trayStatus(): DesktopStatus | null;
  /** Sends a command to the renderer exactly as the tray menu and the global hotkeys do. */
  sendDesktopCommand(command: DesktopCommand): void;
}

export const TEST_HOOKS_GLOBAL = '__tollgateTestHooks';

export function installTestHooks(hooks: MainTestHooks): void {
  (globalThis as Record<string, unknown>)[TEST_HOOKS_GLOBAL] = hooks;
}
