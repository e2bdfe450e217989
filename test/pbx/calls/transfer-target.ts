import { Grammar } from 'sip.js';

/**
 * What a REFER's `Refer-To` asks for (RFC 3515, RFC 3891), read with sip.js's grammar and decided
 * by one rule (pure; internal-call.ts acts on it):
 *
 * **A transfer goes to an internal extension of the company, or nowhere.** A blind transfer's
 * target is the user part of `Refer-To`, classified with the transferor's dial plan exactly as if
 * the transferor had dialled it; anything but an internal extension (a paid number in any
 * spelling, toll-free, emergency, an IVR code, `tel:`) is refused with 403 and a reason the phone
 * shows. An attended transfer (`Replaces`) joins the transferee to the other party of the
 * transferor's own answered internal call named by `Replaces`; a consult call to a paid number is
 * a media call and can never be named. Nothing but `Replaces` may ride in the URI's headers (they
 * would be copied into a new INVITE by a naive B2BUA).
 */
export interface ReplacesDialog {
  callId: string;
  toTag: string;
  fromTag: string;
}

export type ReferTo =
  | { kind: 'blind'; user: string; host: string }
  | { kind: 'attended'; user: string; host: string; replaces: ReplacesDialog }
  | { kind: 'invalid'; status: 400 | 403; reason: string };

export const TRANSFER_REASONS = {
  notInternal: 'Transfer Only To Internal Extensions',
  notYours: 'Replaces Names No Call Of Yours',
  notInCall: 'Transfer Only From An Answered Internal Call',
  pending: 'Another Transfer Is In Progress',
  /** The target is one of the two parties of the call itself (it would ring the same phone). */
  toAParty: 'Transfer Target Is Already In This Call',
} as const;

/** `Replaces` header value (RFC 3891): `call-id;to-tag=…;from-tag=…`, nothing missing. */
export function parseReplaces(value: string): ReplacesDialog | null {
  const [callId, ...params] = value.split(';').map((part) => part.trim());
  if (!callId) return null;
  const tags = new Map<string, string>();
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq > 0) tags.set(param.slice(0, eq).toLowerCase(), param.slice(eq + 1));
  }
  const toTag = tags.get('to-tag');
  const fromTag = tags.get('from-tag');
  if (!toTag || !fromTag) return null;
  // early-only is about early dialogs: the PBX replaces confirmed ones only anyway.
  return { callId, toTag, fromTag };
}

export function parseReferTo(headers: readonly string[]): ReferTo {
  if (headers.length !== 1 || !headers[0]) {
    return { kind: 'invalid', status: 400, reason: 'Exactly One Refer-To' };
  }
  const value = headers[0].trim();
  const addr = value.includes('<') ? value.slice(value.indexOf('<') + 1) : value;
  const scheme = /^\s*([A-Za-z][A-Za-z0-9+.-]*):/.exec(addr)?.[1]?.toLowerCase();
  if (scheme && scheme !== 'sip' && scheme !== 'sips') {
    return { kind: 'invalid', status: 403, reason: TRANSFER_REASONS.notInternal };
  }
  const parsed = Grammar.nameAddrHeaderParse(
    value.startsWith('<') || value.includes('<') ? value : `<${value}>`,
  );
  const uri = parsed?.uri;
  if (!uri || (uri.scheme !== 'sip' && uri.scheme !== 'sips')) {
    return { kind: 'invalid', status: 400, reason: 'Bad Refer-To' };
  }
  const headerNames = Object.keys(uri.headers);
  if (headerNames.some((name) => name.toLowerCase() !== 'replaces')) {
    return { kind: 'invalid', status: 403, reason: 'Refer-To Headers Not Allowed' };
  }
  const user = (uri.user ?? '').split(';')[0] ?? '';
  const replacesValues = headerNames.flatMap((name) => uri.headers[name] ?? []);
  if (replacesValues.length === 0) return { kind: 'blind', user, host: uri.host };
  if (replacesValues.length > 1) return { kind: 'invalid', status: 400, reason: 'Bad Replaces' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(replacesValues[0] ?? '');
  } catch {
    return { kind: 'invalid', status: 400, reason: 'Bad Replaces' };
  }
  const replaces = parseReplaces(decoded);
  return replaces
    ? { kind: 'attended', user, host: uri.host, replaces }
    : { kind: 'invalid', status: 400, reason: 'Bad Replaces' };
}

/** The message/sipfrag body (RFC 3420) of a REFER progress NOTIFY (RFC 3515 §2.4.5). */
export function sipfrag(status: number, reason: string): string {
  return `SIP/2.0 ${status} ${reason}\r\n`;
}
