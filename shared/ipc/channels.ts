/**
 * Every IPC channel name, in one place. The preload imports only this file (it must stay tiny:
 * a sandboxed preload cannot load modules), the main process and the contract reference it.
 */
export const HOST_METHOD_CHANNELS = {
  getAppInfo: 'tollgate:app-info',
  getSettings: 'tollgate:settings:get',
  updatePreferences: 'tollgate:settings:update-preferences',
  saveAccount: 'tollgate:account:save',
  clearAccount: 'tollgate:account:clear',
  getSipPassword: 'tollgate:account:sip-password',
  takePendingDialLink: 'tollgate:dial-link:take-pending',
  setDesktopStatus: 'tollgate:desktop:status',
  raiseWindow: 'tollgate:desktop:raise-window',
  applyHotkeys: 'tollgate:desktop:apply-hotkeys',
} as const;

export const HOST_EVENT_CHANNELS = {
  dialLinkOpened: 'tollgate:dial-link:opened',
  /** The app is about to quit or close its window: hang up and unregister now. */
  prepareQuit: 'tollgate:app:prepare-quit',
  /** The tray menu or a global hotkey asked for something only the renderer does (answer, DND). */
  desktopCommand: 'tollgate:desktop:command',
} as const;

/** The renderer's answer to prepareQuit (renderer → main, no payload). */
export const QUIT_READY_CHANNEL = 'tollgate:app:ready-to-quit';

/** The main process waits at most this long for QUIT_READY_CHANNEL, so quitting never hangs. */
export const QUIT_PREPARE_TIMEOUT_MS = 1_500;

export type HostMethodName = keyof typeof HOST_METHOD_CHANNELS;

/** How long the renderer waits for the host before it reports a timeout. */
export const HOST_CALL_TIMEOUT_MS = 10_000;

/** The name under which the preload exposes the bridge on `window`. */
export const BRIDGE_GLOBAL = 'tollgateHost';
