import { createContext, useContext } from 'react';
import type { AppInfo, HostApi, SettingsView } from '../../../shared/ipc/contract';

export interface HostState {
  host: HostApi;
  appInfo: AppInfo;
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
