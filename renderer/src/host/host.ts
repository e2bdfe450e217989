import { BRIDGE_GLOBAL } from '../../../shared/ipc/channels';
import type { HostApi } from '../../../shared/ipc/contract';

/**
 * The preload's bridge, or null when the page runs without it. The Electron entry has no fallback:
 * without the bridge it shows an error screen (the browser host is the separate `browser.html` entry).
 */
export function electronBridge(scope: object): HostApi | null {
  const bridge: unknown = Reflect.get(scope, BRIDGE_GLOBAL);
  return typeof bridge === 'object' && bridge !== null ? (bridge as HostApi) : null;
}
