/**
 * Pure name lookup for the directory: which name belongs to a dialled target, from the company's
 * directory first and the user's own favourites second. A target may be a bare extension, a number
 * with separators, or a `sip:` URI whose user part is the extension.
 */
export interface DirectoryEntry {
  extension: string;
  name: string;
}

export interface NamedTarget {
  target: string;
  name: string;
}

/** The dialable part of a target: the user part of a SIP URI, without separators. */
export function targetKey(target: string): string {
  let value = target.trim();
  const uri = /^sips?:([^@;?]+)(@[^;?]*)?/i.exec(value);
  if (uri?.[1]) value = uri[1];
  try {
    value = decodeURIComponent(value);
  } catch {
    // Not percent-encoded after all: keep it as typed.
  }
  return value.replace(/[\s\-/().]/g, '');
}

export function nameFor(
  target: string,
  entries: readonly DirectoryEntry[],
  favourites: readonly NamedTarget[],
): string | undefined {
  const key = targetKey(target);
  if (key === '') return undefined;
  const entry = entries.find((candidate) => candidate.extension === key);
  if (entry && entry.name.trim() !== '') return entry.name;
  const favourite = favourites.find((candidate) => targetKey(candidate.target) === key);
  return favourite && favourite.name.trim() !== '' ? favourite.name : undefined;
}

/** Entries whose name or number contains the query (case-insensitive), directory order kept. */
export function searchEntries<T extends { name: string }>(
  items: readonly T[],
  query: string,
  numberOf: (item: T) => string,
): T[] {
  const needle = query.trim().toLocaleLowerCase();
  if (needle === '') return [...items];
  const digits = targetKey(needle);
  return items.filter(
    (item) =>
      item.name.toLocaleLowerCase().includes(needle) ||
      (digits !== '' && targetKey(numberOf(item)).includes(digits)),
  );
}
