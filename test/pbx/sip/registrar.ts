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
  /** The bindings of each extension (a phone or two on a real PBX). */
  private readonly bindings = new Map<string, Binding[]>();
  /** Indexes, so that a closed socket or a Contact lookup does not scan every binding of the PBX. */
  private readonly byConnection = new Map<string, Set<Binding>>();
  private readonly byAddress = new Map<string, Set<Binding>>();

  /** Applies a REGISTER. `contacts` null means a query (no Contact header); `'*'` removes all. */
  register(
    extension: string,
    contacts: ContactUpdate[] | '*' | null,
    request: { connectionId: string; callId: string; cseq: number },
    now: number,
  ): RegisterOutcome {
    const current = this.lookup(extension, now);
    if (contacts === '*') {
      this.replace(extension, []);
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
    this.replace(extension, next);
    return { kind: 'ok', bindings: next };
  }

  lookup(extension: string, now: number): Binding[] {
    const all = this.bindings.get(extension) ?? [];
    const live = all.filter((binding) => binding.expiresAt > now);
    if (live.length !== all.length) this.replace(extension, live);
    return live;
  }

  /**
   * The binding of a Contact address, whatever URI parameters (`;ob`, `;transport`) each side added;
   * the most recent one when several phones registered the same address; with `extension`, only
   * that extension's bindings count.
   */
  findByContact(contactUri: string, now: number, extension?: string): Binding | undefined {
    let found: Binding | undefined;
    for (const binding of this.byAddress.get(contactAddress(contactUri)) ?? []) {
      if (binding.expiresAt > now && (extension === undefined || binding.extension === extension))
        found = binding;
    }
    return found;
  }

  /** A WebSocket closed: its bindings can no longer be reached. */
  dropConnection(connectionId: string): void {
    const extensions = new Set([...(this.byConnection.get(connectionId) ?? [])].map((b) => b.extension));
    for (const extension of extensions) {
      this.replace(
        extension,
        (this.bindings.get(extension) ?? []).filter((binding) => binding.connectionId !== connectionId),
      );
    }
  }

  count(): number {
    let total = 0;
    for (const list of this.bindings.values()) total += list.length;
    return total;
  }

  /** Sets an extension's bindings and keeps both indexes in step. */
  private replace(extension: string, next: Binding[]): void {
    const previous = this.bindings.get(extension) ?? [];
    const kept = new Set(next);
    const before = new Set(previous);
    for (const binding of previous) if (!kept.has(binding)) this.unindex(binding);
    for (const binding of next) if (!before.has(binding)) this.index(binding);
    if (next.length === 0) this.bindings.delete(extension);
    else this.bindings.set(extension, next);
  }

  private index(binding: Binding): void {
    addTo(this.byConnection, binding.connectionId, binding);
    addTo(this.byAddress, contactAddress(binding.contactUri), binding);
  }

  private unindex(binding: Binding): void {
    removeFrom(this.byConnection, binding.connectionId, binding);
    removeFrom(this.byAddress, contactAddress(binding.contactUri), binding);
  }
}

function addTo<T>(index: Map<string, Set<T>>, key: string, value: T): void {
  const set = index.get(key);
  if (set) set.add(value);
  else index.set(key, new Set([value]));
}

function removeFrom<T>(index: Map<string, Set<T>>, key: string, value: T): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}

/** `sip:user@host` of a Contact URI: scheme, user and host, without parameters. */
export function contactAddress(uri: string): string {
  const withoutParameters = uri.replace(/^<|>$/g, '').split(';')[0] ?? '';
  const at = withoutParameters.lastIndexOf('@');
  return at < 0
    ? withoutParameters.toLowerCase()
    : withoutParameters.slice(0, at) + withoutParameters.slice(at).toLowerCase();
}
