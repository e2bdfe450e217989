import { z } from 'zod';
import { SIP_USER_PART } from '../../../shared/settings/schema';

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

export const HISTORY_KEY = 'tollgate.history';
export const HISTORY_LIMIT = 200;

export class CallHistory {
  private entries: HistoryEntry[];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly storage: Storage) {
    this.entries = this.load();
  }

  list(): readonly HistoryEntry[] {
    return this.entries;
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

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private load(): HistoryEntry[] {
    const raw = this.storage.getItem(HISTORY_KEY);
    if (raw === null) return [];
    try {
      const parsed = z.array(HistoryEntrySchema).safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data;
    } catch {
      // fall through: keep the unreadable text aside
    }
    this.storage.setItem(`${HISTORY_KEY}.unreadable-${Date.now()}`, raw);
    return [];
  }

  private save(): void {
    try {
      this.storage.setItem(HISTORY_KEY, JSON.stringify(this.entries));
    } catch {
      // Storage full: the in-memory history still shows this session's calls.
    }
    for (const listener of this.listeners) listener();
  }
}
