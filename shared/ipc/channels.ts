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
} as const;

export const HOST_EVENT_CHANNELS = {
  dialLinkOpened: 'tollgate:dial-link:opened',
} as const;

export type HostMethodName = keyof typeof HOST_METHOD_CHANNELS;

/** How long the renderer waits for the host before it reports a timeout. */
export const HOST_CALL_TIMEOUT_MS = 10_000;

/** The name under which the preload exposes the bridge on `window`. */
export const BRIDGE_GLOBAL = 'tollgateHost';
