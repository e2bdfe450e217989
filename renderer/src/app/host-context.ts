import { createContext, useContext } from 'react';
import type { DemoInfo } from '../../../shared/host/provisioning';
import type { AppInfo, HostApi, SettingsView } from '../../../shared/ipc/contract';

export interface HostState {
  host: HostApi;
  appInfo: AppInfo;
  /** npm start's demo in the browser host: what the demo banner shows (null everywhere else). */
  demo: DemoInfo | null;
  view: SettingsView;
  /** Replace the settings view after a successful host call that returned a new one. */
  setView(view: SettingsView): void;
}

export const HostContext = createContext<HostState | null>(null);

export function useHostState(): HostState {
  const state = useContext(HostContext);
  if (!state) throw new Error('useHostState outside <HostContext.Provider>');
  return state;
}
