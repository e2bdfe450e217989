import { createHostHandlers } from '../../../shared/host/host-service';
import { applyProvisioning, decodeProvisioning, type DemoInfo } from '../../../shared/host/provisioning';
import { HOST_METHOD_CHANNELS, type HostMethodName } from '../../../shared/ipc/channels';
import type { HostApi } from '../../../shared/ipc/contract';
import { dispatchHostCall } from '../../../shared/ipc/dispatch';
import { parseDialLink, type DialTarget } from '../../../shared/links/dial-link';
import { openLocalStorageSettings } from './local-storage-repository';
import { createWebCryptoSealer } from './webcrypto-sealer';

export interface BrowserHostEnvironment {
  storage: Storage;
  indexedDb: IDBFactory;
  crypto: Crypto;
  /** The page's query string: `?link=tel:…` hands a dial link over, like a command-line argument. */
  search: string;
  languages: readonly string[];
  version: string;
  console: Pick<Console, 'error'>;
}

/**
 * The host for running the renderer in a plain browser (development, Playwright on machines without
 * the Electron binary). It implements the same contract as the preload, over the same handlers and
 * the same validation; only the storage edges differ.
 */
export function createBrowserHost(environment: BrowserHostEnvironment): HostApi {
  const { repository, notices } = openLocalStorageSettings(environment.storage);
  let pendingLink: DialTarget | null = null;
  const link = new URLSearchParams(environment.search).get('link');
  if (link) pendingLink = parseDialLink(link);

  let demo: DemoInfo | null = null;
  const handlers = createHostHandlers(
    repository,
    createWebCryptoSealer(environment.indexedDb, environment.crypto),
    {
      appInfo: (secretStorage) => ({
        productName: 'Tollgate',
        version: environment.version,
        host: 'browser',
        platform: 'browser',
        systemLocales: [...environment.languages],
        secretStorage,
        notices,
        demo,
      }),
      takePendingDialLink: () => {
        const target = pendingLink;
        pendingLink = null;
        return target;
      },
    },
  );

  // `?provision=` (npm start's demo): applied before the first call is answered, never over an account.
  const ready = applyProvisioning(
    handlers,
    decodeProvisioning(new URLSearchParams(environment.search).get('provision')),
  )
    .then((info) => {
      demo = info;
    })
    .catch((error: unknown) => environment.console.error('Provisioning failed', error));

  const methods = Object.fromEntries(
    (Object.keys(HOST_METHOD_CHANNELS) as HostMethodName[]).map((name) => [
      name,
      // structuredClone: the same copy semantics as IPC, so no caller can share objects with the host.
      async (input?: unknown) => {
        await ready;
        return dispatchHostCall(handlers, name, structuredClone(input), (method, error) =>
          environment.console.error(`Host method ${method} failed`, error),
        );
      },
    ]),
  );
  return {
    // Each generated function dispatches to the handler of the same name through the contract's
    // validation, so this cast only restores the per-method types.
    ...(methods as unknown as Omit<HostApi, 'onDialLinkOpened'>),
    // A browser tab receives links only when it is opened (through ?link=).
    onDialLinkOpened: () => () => {},
  };
}
