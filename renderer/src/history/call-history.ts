import { z } from 'zod';
import { SIP_USER_PART, type Account } from '../../../shared/settings/schema';

/** `sip:` or `sips:` URI with a user and a host, no spaces. */
const SIP_URI = /^sips?:[^\s@]+@[^\s@]+$/i;

/**
 * Local call history. What a call was — never what was typed during it: DTMF digits (a PIN above all)
 * have no field here.
 */
export const HistoryEntrySchema = z.object({
  id: z.string(),
  /**
   * A dialled number (with * and #), the caller's SIP user (which may be a name such as `alice`), or a
   * `sip:user@host` URI; kept as it was for calling back, formatted only on the screen.
   */
  number: z
    .string()
    .max(256)
    .refine(
      (value) =>
        (value.length <= 64 && (/^\+?[0-9*#]{1,32}$/.test(value) || SIP_USER_PART.test(value))) ||
        SIP_URI.test(value),
    ),
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
  /**
   * The label of the code that opened the call, when the PBX said (the `accepted` IVR signal's
   * `codeLabel`, issue #14): a person's name or role, never the code.
   */
  codeLabel: z.string().max(64).nullable().optional(),
});
export type HistoryEntry = z.output<typeof HistoryEntrySchema>;

/** A call that rang here and was not taken (the Verlauf tab counts the ones not seen yet). */
export function isMissed(entry: HistoryEntry): boolean {
  return entry.direction === 'incoming' && entry.outcome === 'missed';
}

/** A call this phone turned away by itself (do not disturb, second line off): shown as refused. */
export function isRefused(entry: HistoryEntry): boolean {
  return entry.direction === 'incoming' && entry.outcome.startsWith('refused');
}

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

function seenKeyOf(accountKey: string): string {
  return `tollgate.history-seen:${accountKey}`;
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
  /** Missed calls that started at or before this time were seen on the Verlauf tab. */
  private seenUntil = 0;
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
    this.seenUntil = account === null ? 0 : Number(this.storage.getItem(seenKeyOf(account)) ?? 0) || 0;
    this.emit();
  }

  /** Missed calls not yet seen on the Verlauf tab. */
  unseenMissed(): number {
    return this.entries.filter((entry) => isMissed(entry) && entry.startedAt > this.seenUntil).length;
  }

  /** The Verlauf tab was looked at: every missed call in it so far counts as seen. */
  markSeen(): void {
    const latest = Math.max(this.seenUntil, ...this.entries.map((entry) => entry.startedAt));
    if (latest === this.seenUntil) return;
    this.seenUntil = latest;
    if (this.account !== null) {
      try {
        this.storage.setItem(seenKeyOf(this.account), String(latest));
      } catch {
        // Storage full: the badge is right for this session.
      }
    }
    this.emit();
  }

  /** Deletes one entry. */
  remove(id: string): void {
    const kept = this.entries.filter((entry) => entry.id !== id);
    if (kept.length === this.entries.length) return;
    this.entries = kept;
    this.save();
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
    this.storage.removeItem(seenKeyOf(account));
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
