import { z } from 'zod';
import { stripSeparators } from '../dial-plan/separators';

/** A number handed to Tollgate by a `tel:` or `sip:` link. It is only ever filled in, never dialled. */
export const DialTargetSchema = z.object({
  number: z.string().regex(/^\+?[0-9*#]{1,32}$/),
  scheme: z.enum(['tel', 'sip']),
});
export type DialTarget = z.output<typeof DialTargetSchema>;

/**
 * Parses a `tel:` (RFC 3966) or `sip:`/`sips:` (RFC 3261) link into a dialable number.
 * Returns null for anything that is not such a link or does not carry a dialable number.
 */
export function parseDialLink(link: string): DialTarget | null {
  const trimmed = link.trim();
  const match = /^(tel|sips?):(.*)$/i.exec(trimmed);
  if (!match) return null;
  const scheme = match[1]?.toLowerCase() === 'tel' ? 'tel' : 'sip';
  let rest = match[2] ?? '';
  if (scheme === 'sip') {
    rest = rest.replace(/^\/\//, '');
    const at = rest.indexOf('@');
    if (at < 0) return null;
    rest = rest.slice(0, at);
  }
  // Parameters (;phone-context=…, ;user=phone, ;isub=…) and headers (?…) carry no digits to dial.
  const userPart = rest.split(/[;?]/)[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(userPart);
  } catch {
    return null;
  }
  const number = stripSeparators(decoded); // escaped spaces are decoded by now
  const parsed = DialTargetSchema.safeParse({ number, scheme });
  return parsed.success ? parsed.data : null;
}

/** Finds the first dial link among command-line arguments (how Windows and Linux hand links over). */
export function findDialLinkInArgs(args: readonly string[]): DialTarget | null {
  for (const arg of args) {
    if (/^(tel|sips?):/i.test(arg)) {
      const target = parseDialLink(arg);
      if (target) return target;
    }
  }
  return null;
}
