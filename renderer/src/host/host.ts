import { BRIDGE_GLOBAL } from '../../../shared/ipc/channels';
import type { HostApi } from '../../../shared/ipc/contract';
import { createBrowserHost } from './browser-host';

/** The preload's bridge inside Electron; the browser host everywhere else. */
export function resolveHost(): HostApi {
  const bridge = (window as unknown as Record<string, HostApi | undefined>)[BRIDGE_GLOBAL];
  if (bridge) return bridge;
  return createBrowserHost({
    storage: window.localStorage,
    indexedDb: window.indexedDB,
    crypto: window.crypto,
    search: window.location.search,
    languages: navigator.languages,
    version: import.meta.env.VITE_APP_VERSION ?? '0.0.0',
    console,
  });
}
