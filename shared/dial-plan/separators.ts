/**
 * The visual separators RFC 3966 allows in a phone number (`-`, `.`, `(`, `)` and white space,
 * no-break space included): they carry no meaning when dialling. The one definition for the dial
 * plan, `tel:`/`sip:` links and the phone's dial pad.
 */
export const VISUAL_SEPARATORS = /[\s\-.()]/g;

/** The number without visual separators ("030 123-45" → "03012345"). */
export function stripSeparators(number: string): string {
  return number.replace(VISUAL_SEPARATORS, '');
}
