import type { HistoryEntry } from '../../history/call-history';
import { displayNumber } from '../../history/display-number';

/**
 * Whether a Verlauf entry matches what was typed in the search field: its name (the directory's or
 * the caller's), the code's label, or its number — typed with or without separators, national or
 * international (`030 123`, `+4930123`, `0049 30 123` all find `+4930123…`).
 */
export function matchesQuery(
  entry: HistoryEntry,
  query: string,
  context: { country: string | null; directoryName: string | undefined },
): boolean {
  const needle = query.trim().toLocaleLowerCase();
  if (needle === '') return true;
  const shown = displayNumber(entry.number, context.country);
  const texts = [entry.number, shown, entry.name ?? '', context.directoryName ?? '', entry.codeLabel ?? ''];
  if (texts.some((text) => text.toLocaleLowerCase().includes(needle))) return true;
  const digits = needle.replace(/[^0-9+*#]/g, '');
  if (digits.length < 2 || /[a-z]/i.test(needle.replace(/^sips?:/, ''))) return false;
  const compact = (text: string) => text.replace(/[^0-9+*#]/g, '');
  const forms = [compact(entry.number), compact(shown)];
  // A number typed nationally finds the same number stored internationally and the other way round.
  const national = compact(displayNumber(digits, context.country));
  return forms.some((form) => form.includes(digits) || (national !== digits && form.includes(national)));
}
