import { z } from 'zod';
import { SIP_USER_PART, type Account } from '../../../shared/settings/schema';

/**
 * Local call history. What a call was — never what was typed during it: DTMF digits (a PIN above all)
 * have no field here.
 */
export const HistoryEntrySchema = z.object({
  id: z.string(),
  /** A dialled number (with * and #) or the caller's SIP user, which may be a name such as `alice`. */
  number: z
    .string()
    .max(64)
    .refine((value) => /^\+?[0-9*#]{1,32}$/.test(value) || SIP_USER_PART.test(value)),
  name: z.string().max(64).nullable(),
  direction: z.enum(['outgoing', 'incoming']),
  startedAt: z.number(),
  durationS: z.number().int().min(0),
  outcome: z.string(),
  /**
   * Whether the PBX asked for a PIN on this call, and how it ended ('unknown': a PBX that does not
   * say; 'accepted': it said so).
   */
  pin: z.enum(['not-required', 'requested', 'accepted', 'unknown', 'failed', 'locked']),
});
export type HistoryEntry = z.output<typeof HistoryEntrySchema>;

/** The single history key of earlier versions: moved to the first account that signs in, once. */
export const HISTORY_KEY = 'tollgate.history';
export const HISTORY_LIMIT = 200;

/** Whose history: `user@host`, so a shared workstation never shows one account's calls to another. */
export function historyAccountOf(account: Account | null): string | null {
  if (!account) return null;
  const host = account.sipDomain || safeHostname(account.sipWebSocketUrl);
  return `${account.extension}@${host}`.toLowerCase();
}

/** The storage key of one account's history. */
export function historyKeyOf(accountKey: string): string {
  return `${HISTORY_KEY}:${accountKey}`;
}

function safeHostname(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

/**
 * The call history of the account that is signed in (switchAccount). Without an account it keeps
 * this session's calls in memory only.
 */
export class CallHistory {
  private entries: HistoryEntry[] = [];
  private account: string | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly storage: Storage) {}

  list(): readonly HistoryEntry[] {
    return this.entries;
  }

  /** Shows and records the history of this account (null: none); another account's is never shown. */
  switchAccount(account: string | null): void {
    if (account === this.account) return;
    this.account = account;
    this.entries = account === null ? [] : this.load(account);
    this.emit();
  }

  add(entry: HistoryEntry): void {
    const parsed = HistoryEntrySchema.safeParse(entry);
    if (!parsed.success) return;
    this.entries = [parsed.data, ...this.entries].slice(0, HISTORY_LIMIT);
    this.save();
  }

  clear(): void {
    this.entries = [];
    this.save();
  }

  /** Deletes an account's stored history (its removal from the workstation). */
  forget(account: string): void {
    this.storage.removeItem(historyKeyOf(account));
    if (account === this.account) {
      this.entries = [];
      this.emit();
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private load(account: string): HistoryEntry[] {
    const key = historyKeyOf(account);
    let raw = this.storage.getItem(key);
    if (raw === null) {
      // Once: the single history of earlier versions becomes the first signed-in account's.
      raw = this.storage.getItem(HISTORY_KEY);
      if (raw === null) return [];
      this.storage.removeItem(HISTORY_KEY);
      this.storage.setItem(key, raw);
    }
    try {
      const parsed = z.array(HistoryEntrySchema).safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data;
    } catch {
      // fall through: keep the unreadable text aside
    }
    this.storage.setItem(`${key}.unreadable-${Date.now()}`, raw);
    this.storage.removeItem(key);
    return [];
  }

  private save(): void {
    if (this.account !== null) {
      try {
        this.storage.setItem(historyKeyOf(this.account), JSON.stringify(this.entries));
      } catch {
        // Storage full: the in-memory history still shows this session's calls.
      }
    }
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
