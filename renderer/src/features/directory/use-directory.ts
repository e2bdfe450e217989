import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { useHostState } from '../../app/host-context';
import type { DirectoryStatus } from './directory-client';
import { nameFor, type DirectoryEntry } from './directory-lookup';
import { DirectoryStore } from './directory-store';

/**
 * The company directory and the names in it, for any component under the host context. One store
 * per app: the first component that asks loads the directory of the configured account.
 */
let shared: DirectoryStore | null = null;

function storeFor(getPassword: () => Promise<string | null>): DirectoryStore {
  shared ??= new DirectoryStore((...args) => window.fetch(...args), getPassword);
  return shared;
}

/** Tests start from a fresh store. */
export function resetDirectoryStoreForTests(): void {
  shared = null;
}

export function useDirectory(): { status: DirectoryStatus; refresh(): void } {
  const { host, view } = useHostState();
  const account = view.settings.account;
  const hasPassword = view.passwordState !== 'none';
  const store = useMemo(
    () =>
      storeFor(async () => {
        const result = await host.getSipPassword();
        return result.ok ? result.value : null;
      }),
    [host],
  );
  const apiUrl = account && hasPassword ? (account.policyApiUrl ?? null) : null;
  const extension = account?.extension ?? '';
  useEffect(() => store.use({ apiUrl, extension }), [store, apiUrl, extension]);
  const status = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return { status, refresh: () => store.refresh({ apiUrl, extension }) };
}

const NO_ENTRIES: readonly DirectoryEntry[] = [];

/**
 * The name of a colleague or favourite for a dialled target (extension, number or `sip:` URI), or
 * undefined when neither the PBX's directory nor the favourites know it.
 */
export function useDirectoryName(target: string): string | undefined {
  const { view } = useHostState();
  const { status } = useDirectory();
  const entries = status.kind === 'ready' ? status.directory.entries : NO_ENTRIES;
  return nameFor(target, entries, view.settings.favourites);
}
