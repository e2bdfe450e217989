import type { ExtensionDirectory, ExtensionRecord } from '../store/ports';

/**
 * The company directory a phone shows (`GET /policy/directory`, contract 2): every extension of the
 * caller's company with its name, and whether the PBX offers presence (SUBSCRIBE to the `dialog`
 * event package, sip/subscriptions.ts — the test PBX always does). Nothing else about an
 * extension (its PIN state, lock, product) is anyone else's business.
 */
export interface DirectoryView {
  entries: { extension: string; name: string }[];
  presence: boolean;
}

export interface DirectoryStore extends Pick<ExtensionDirectory, 'findExtension'> {
  listExtensions(companyId: string): ExtensionRecord[];
}

/** The directory for the phone of `number`, or null for no such extension. */
export function directoryFor(store: DirectoryStore, number: string): DirectoryView | null {
  const own = store.findExtension(number);
  if (!own) return null;
  const entries = store
    .listExtensions(own.companyId)
    .map((record) => ({ extension: record.number, name: record.displayName }))
    .sort((a, b) => a.extension.localeCompare(b.extension, 'en', { numeric: true }));
  return { entries, presence: true };
}
