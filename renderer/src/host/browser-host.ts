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
  /**
   * The page's fragment as it was opened: `#provision=…` carries npm start's demo account. A fragment,
   * not the query: it never reaches a server or its log, and the entry removes it from the address
   * and the history before anything else runs (browser-main.tsx). A `?provision=` is ignored.
   */
  hash?: string;
  languages: readonly string[];
  version: string;
  console: Pick<Console, 'error'>;
}

export interface BrowserHost {
  host: HostApi;
  /**
   * The demo banner's data (the demo extension, its published demo PIN, numbers to try) when the page
   * was opened with `#provision=` by npm start's demo. Outside the host contract on purpose: the
   * Electron app never carries it over IPC.
   */
  demo: Promise<DemoInfo | null>;
}

/** The demo provisioning carried in the fragment (`#provision=…`), or null. */
export function provisionOf(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get('provision');
}

/** The browser host without the demo part (tests and callers that need only the contract). */
export function createBrowserHost(environment: BrowserHostEnvironment): HostApi {
  return openBrowserHost(environment).host;
}

/**
 * The host for running the renderer in a plain browser (`browser.html`: development, npm start and
 * Playwright on machines without the Electron binary). It implements the same contract as the
 * preload, over the same handlers and the same validation; only the storage edges differ.
 */
export function openBrowserHost(environment: BrowserHostEnvironment): BrowserHost {
  const { repository, notices } = openLocalStorageSettings(environment.storage);
  let pendingLink: DialTarget | null = null;
  const link = new URLSearchParams(environment.search).get('link');
  if (link) pendingLink = parseDialLink(link);

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
      }),
      takePendingDialLink: () => {
        const target = pendingLink;
        pendingLink = null;
        return target;
      },
    },
  );

  // `#provision=` (npm start's demo): applied before the first call is answered, never over an account.
  const demo = applyProvisioning(handlers, decodeProvisioning(provisionOf(environment.hash ?? ''))).catch(
    (error: unknown) => {
      environment.console.error('Provisioning failed', error);
      return null;
    },
  );

  const methods = Object.fromEntries(
    (Object.keys(HOST_METHOD_CHANNELS) as HostMethodName[]).map((name) => [
      name,
      // structuredClone: the same copy semantics as IPC, so no caller can share objects with the host.
      async (input?: unknown) => {
        await demo;
        return dispatchHostCall(handlers, name, structuredClone(input), (method, error) =>
          environment.console.error(`Host method ${method} failed`, error),
        );
      },
    ]),
  );
  const host: HostApi = {
    // Each generated function dispatches to the handler of the same name through the contract's
    // validation, so this cast only restores the per-method types.
    ...(methods as unknown as Omit<HostApi, 'onDialLinkOpened'>),
    // A browser tab receives links only when it is opened (through ?link=).
    onDialLinkOpened: () => () => {},
  };
  return { host, demo };
}
