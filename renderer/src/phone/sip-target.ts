/**
 * What the user dials: a number (separators already stripped) or a `sip:user@host` address. A SIP
 * address is checked here (RFC 3261 user part, a host name or IPv4 address, an optional port) so a
 * typo says so before any INVITE; the paid-call warning still applies to its user part when the host
 * is the PBX's own domain (the PBX routes it like the number).
 */
export type DialTarget =
  | { kind: 'number'; user: string }
  | { kind: 'sip-uri'; user: string; host: string; port: number | null; uri: string };

const USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;
const HOST_NAME =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function isSipUri(text: string): boolean {
  return /^sips?:/i.test(text.trim());
}

/**
 * Parses `sip:user@host[:port]` (also `sips:`; no parameters or headers: a dialled address has none).
 * Null: not a SIP address the phone can call.
 */
export function parseSipUri(text: string): Extract<DialTarget, { kind: 'sip-uri' }> | null {
  const match = /^(sips?):([^@\s]+)@([^:;?\s]+)(?::(\d{1,5}))?$/i.exec(text.trim());
  if (!match) return null;
  const [, scheme = 'sip', user = '', host = '', portText] = match;
  if (!USER.test(user)) return null;
  if (!IPV4.test(host) && !(HOST_NAME.test(host) && /[A-Za-z]/.test(host))) return null;
  const port = portText === undefined ? null : Number(portText);
  if (port !== null && (port < 1 || port > 65_535)) return null;
  const hostPart = port === null ? host.toLowerCase() : `${host.toLowerCase()}:${port}`;
  return {
    kind: 'sip-uri',
    user,
    host: host.toLowerCase(),
    port,
    uri: `${scheme.toLowerCase()}:${user}@${hostPart}`,
  };
}

/** The dial input as a target, or null for a SIP address that is not valid. */
export function dialTargetOf(input: string): DialTarget | null {
  if (isSipUri(input)) return parseSipUri(input);
  return { kind: 'number', user: input };
}

/**
 * The number the paid-call rules judge: the user part of a SIP address on the PBX's own domain (it is
 * routed like the number), the number itself otherwise; null for a SIP address on another host (the
 * dial plan does not apply there).
 */
export function numberToClassify(target: DialTarget, ownDomain: string): string | null {
  if (target.kind === 'number') return target.user;
  if (target.host !== ownDomain.toLowerCase()) return null;
  try {
    return decodeURIComponent(target.user);
  } catch {
    return target.user; // %-escapes that are no UTF-8: judged as written
  }
}
