/**
 * Registrar bindings: which WebSocket connections an extension is reachable on. Several contacts per
 * extension; each expires on its own. Pure data structure; the clock is passed in.
 */
export interface Binding {
  extension: string;
  /** The Contact URI as the phone sent it (its host is `*.invalid` for WebSocket phones). */
  contactUri: string;
  connectionId: string;
  expiresAt: number;
  callId: string;
  cseq: number;
}

export const MIN_EXPIRES_S = 60;
export const MAX_EXPIRES_S = 3600;
export const DEFAULT_EXPIRES_S = 600;

export type ContactUpdate = { contactUri: string; expiresS: number };

export type RegisterOutcome =
  | { kind: 'ok'; bindings: Binding[] }
  | { kind: 'interval-too-brief'; minExpiresS: number }
  | { kind: 'out-of-order' };

export class Registrar {
  private readonly bindings = new Map<string, Binding[]>();

  /** Applies a REGISTER. `contacts` null means a query (no Contact header); `'*'` removes all. */
  register(
    extension: string,
    contacts: ContactUpdate[] | '*' | null,
    request: { connectionId: string; callId: string; cseq: number },
    now: number,
  ): RegisterOutcome {
    const current = this.lookup(extension, now);
    if (contacts === '*') {
      this.bindings.delete(extension);
      return { kind: 'ok', bindings: [] };
    }
    if (contacts === null) return { kind: 'ok', bindings: current };
    if (contacts.some((contact) => contact.expiresS > 0 && contact.expiresS < MIN_EXPIRES_S)) {
      return { kind: 'interval-too-brief', minExpiresS: MIN_EXPIRES_S };
    }
    let next = [...current];
    for (const contact of contacts) {
      const existing = next.find((binding) => binding.contactUri === contact.contactUri);
      if (existing && existing.callId === request.callId && request.cseq <= existing.cseq) {
        return { kind: 'out-of-order' };
      }
      next = next.filter((binding) => binding.contactUri !== contact.contactUri);
      if (contact.expiresS > 0) {
        next.push({
          extension,
          contactUri: contact.contactUri,
          connectionId: request.connectionId,
          expiresAt: now + Math.min(contact.expiresS, MAX_EXPIRES_S) * 1000,
          callId: request.callId,
          cseq: request.cseq,
        });
      }
    }
    if (next.length === 0) this.bindings.delete(extension);
    else this.bindings.set(extension, next);
    return { kind: 'ok', bindings: next };
  }

  lookup(extension: string, now: number): Binding[] {
    const live = (this.bindings.get(extension) ?? []).filter((binding) => binding.expiresAt > now);
    if (live.length === 0) this.bindings.delete(extension);
    else this.bindings.set(extension, live);
    return live;
  }

  /** The binding of a Contact address, whatever URI parameters (`;ob`, `;transport`) each side added. */
  findByContact(contactUri: string, now: number): Binding | undefined {
    const key = contactAddress(contactUri);
    for (const list of this.bindings.values()) {
      const binding = list.find(
        (candidate) => contactAddress(candidate.contactUri) === key && candidate.expiresAt > now,
      );
      if (binding) return binding;
    }
    return undefined;
  }

  /** A WebSocket closed: its bindings can no longer be reached. */
  dropConnection(connectionId: string): void {
    for (const [extension, list] of this.bindings) {
      const remaining = list.filter((binding) => binding.connectionId !== connectionId);
      if (remaining.length === 0) this.bindings.delete(extension);
      else this.bindings.set(extension, remaining);
    }
  }

  count(): number {
    let total = 0;
    for (const list of this.bindings.values()) total += list.length;
    return total;
  }
}

/** `sip:user@host` of a Contact URI: scheme, user and host, without parameters. */
export function contactAddress(uri: string): string {
  const withoutParameters = uri.replace(/^<|>$/g, '').split(';')[0] ?? '';
  const at = withoutParameters.lastIndexOf('@');
  return at < 0
    ? withoutParameters.toLowerCase()
    : withoutParameters.slice(0, at) + withoutParameters.slice(at).toLowerCase();
}
