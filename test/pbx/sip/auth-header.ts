/**
 * Credentials and challenge headers (`Digest a="b", c=d`, RFC 3261 §25.1 / RFC 7616 §3.4), scanned
 * once from left to right: every character is looked at a bounded number of times, so the cost is
 * linear in the header's length whatever it contains. A regular expression with nested quantifiers
 * took about 6 s on a 60 KB `Digest aaaa…` header (it backtracked); this cannot.
 *
 * Strict: a header that is not `scheme 1*SP param *("," param)` is malformed (null), as is a
 * directive given twice. Callers cap the size first (`MAX_AUTH_HEADER_BYTES`).
 */
export const MAX_AUTH_HEADER_BYTES = 4096;

export interface AuthHeader {
  /** The scheme, lower case (`digest`). */
  scheme: string;
  /** Directive names in lower case; quoted values unescaped. No prototype (a `__proto__` key is data). */
  params: Record<string, string>;
}

/** RFC 3261 token characters, as a table (no allocation per character). */
const TOKEN_CHARS = new Uint8Array(128);
for (const char of "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-.!%*_+`'~")
  TOKEN_CHARS[char.charCodeAt(0)] = 1;

function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN_CHARS[code] === 1;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;
}

export function parseAuthHeader(header: string): AuthHeader | null {
  const length = header.length;
  let at = 0;
  const skipSpace = () => {
    while (at < length && isSpace(header.charCodeAt(at))) at++;
  };
  const token = (): string => {
    const start = at;
    while (at < length && isTokenChar(header.charCodeAt(at))) at++;
    return header.slice(start, at);
  };

  skipSpace();
  const scheme = token().toLowerCase();
  if (!scheme || at >= length || !isSpace(header.charCodeAt(at))) return null;
  const params = Object.create(null) as Record<string, string>;
  for (;;) {
    skipSpace();
    const name = token().toLowerCase();
    if (!name || name in params) return null;
    skipSpace();
    if (header.charCodeAt(at) !== 0x3d /* = */) return null;
    at++;
    skipSpace();
    let value: string;
    if (header.charCodeAt(at) === 0x22 /* " */) {
      // Find the closing quote first (no allocation on the way), then unescape once.
      const start = ++at;
      let escaped = false;
      for (;;) {
        if (at >= length) return null; // unterminated quoted string
        const code = header.charCodeAt(at);
        if (code === 0x22) break;
        if (code === 0x5c /* \ */) {
          if (at + 1 >= length) return null;
          escaped = true;
          at += 2;
          continue;
        }
        at++;
      }
      const raw = header.slice(start, at);
      at++; // closing quote
      value = escaped ? unescapeQuoted(raw) : raw;
    } else {
      value = token();
      if (!value) return null;
    }
    params[name] = value;
    skipSpace();
    if (at >= length) return { scheme, params };
    if (header.charCodeAt(at) !== 0x2c /* , */) return null;
    at++;
  }
}

/** `a\"b` → `a"b`: a backslash quotes the character after it (RFC 3261 quoted-pair). */
function unescapeQuoted(raw: string): string {
  let out = '';
  for (let at = 0; at < raw.length; at++) {
    if (raw.charCodeAt(at) === 0x5c) at++;
    out += raw.charAt(at);
  }
  return out;
}
