/**
 * Why a transfer was refused, in the user's words (issue #13 audit): the PBX's reason phrase is
 * English protocol text, so the phone maps the phrases it knows (the test PBX's transfer rule,
 * docs/test-pbx.md) and the common status codes to sentences of its own. An unknown phrase is kept
 * only as a secondary detail next to the sentence for its status code.
 */

/** The i18n keys under `transferRefusal.why`. */
export type TransferRefusalWhy =
  | 'onlyInternal'
  | 'headersNotAllowed'
  | 'replacesNotYours'
  | 'alreadyInCall'
  | 'onlyAnsweredInternal'
  | 'onlyInCall'
  | 'forbidden'
  | 'notFound'
  | 'unavailable'
  | 'busy'
  | 'notAcceptable'
  | 'declined'
  | 'other';

/** The test PBX's reason phrases (test/pbx/calls/transfer-target.ts, sip-service.ts), lower case. */
const KNOWN_PHRASES: ReadonlyMap<string, TransferRefusalWhy> = new Map([
  ['transfer only to internal extensions', 'onlyInternal'],
  ['refer-to headers not allowed', 'headersNotAllowed'],
  ['replaces names no call of yours', 'replacesNotYours'],
  ['transfer target is already in this call', 'alreadyInCall'],
  ['transfer only from an answered internal call', 'onlyAnsweredInternal'],
  ['transfer only inside a call', 'onlyInCall'],
]);

const BY_STATUS: ReadonlyMap<number, TransferRefusalWhy> = new Map([
  [403, 'forbidden'],
  [404, 'notFound'],
  [480, 'unavailable'],
  [486, 'busy'],
  [488, 'notAcceptable'],
  [603, 'declined'],
]);

/** The standard reason phrases of those codes (RFC 3261): nothing to add as a detail. */
const STANDARD_PHRASES: ReadonlySet<string> = new Set([
  'forbidden',
  'not found',
  'temporarily unavailable',
  'busy here',
  'not acceptable here',
  'decline',
  'declined',
]);

export interface TransferRefusalText {
  why: TransferRefusalWhy;
  /** The PBX's own words, shown as a secondary detail: only a phrase the phone has no sentence for. */
  detail: string | null;
}

export function transferRefusalText(status: number | null, reason: string | null): TransferRefusalText {
  const phrase = reason?.trim() ?? '';
  const known = KNOWN_PHRASES.get(phrase.toLowerCase());
  if (known) return { why: known, detail: null };
  const why = (status !== null ? BY_STATUS.get(status) : undefined) ?? 'other';
  const standard = phrase === '' || STANDARD_PHRASES.has(phrase.toLowerCase());
  return { why, detail: standard ? null : phrase };
}
