import { createHostHandlers } from '../../shared/host/host-service';
import type { AppInfo, HostHandlers, StartupNotice } from '../../shared/ipc/contract';
import type { DesktopShell, SettingsRepository } from '../../shared/host/host-service';
import type { DialLinkInbox } from './dial-links';
import { createSafeStorageSealer, type SafeStorageLike } from './secret-sealer';
import { openSettingsStore, type StoreFactory } from './settings-store';

/** Everything the main process serves over IPC, built from its edges (used by index.ts and tests). */
export interface MainHost {
  handlers: HostHandlers;
  settings: SettingsRepository;
  notices: StartupNotice[];
}

export function createMainHost(options: {
  userDataDirectory: string;
  createStore: StoreFactory;
  safeStorage: SafeStorageLike;
  platform: NodeJS.Platform;
  inbox: DialLinkInbox;
  describeApp: () => Pick<AppInfo, 'version' | 'systemLocales'>;
  /** Tray, window raising, global hotkeys (index.ts); without it the host acts as if it had none. */
  desktop?: DesktopShell;
}): MainHost {
  const opened = openSettingsStore(options.userDataDirectory, options.createStore);
  const handlers = createHostHandlers(
    opened.repository,
    createSafeStorageSealer(options.safeStorage, options.platform),
    {
      appInfo: (secretStorage) => ({
        productName: 'Tollgate',
        host: 'electron',
        platform: options.platform,
        secretStorage,
        notices: opened.notices,
        ...options.describeApp(),
      }),
      takePendingDialLink: () => options.inbox.takePending(),
      ...(options.desktop ? { desktop: options.desktop } : {}),
    },
  );
  return { handlers, settings: opened.repository, notices: opened.notices };
}
