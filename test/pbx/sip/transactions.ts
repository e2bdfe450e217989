import type { SipResponse } from './message';

/** What a client transaction's owner hears: its responses, or that none came in time (Timer B/F). */
export interface TransactionHandlers {
  onResponse(response: SipResponse): void;
  onTimeout?(): void;
}

/**
 * The PBX's client transactions (RFC 3261 §17.1), as far as a B2BUA over reliable transport needs
 * them: a response belongs to the transaction whose branch **and** CSeq method it carries (a CANCEL
 * shares the INVITE's branch; its 200 is not the INVITE's answer). Every transaction ends: on its
 * final response, on its timer (Timer B for INVITE, F for the rest: 64·T1 = 32 s), or when its
 * connection closes. An INVITE that got a provisional response waits for the application (its ring
 * timer ends it with a CANCEL, which arms Timer B once more), bounded by `proceedingTimeoutMs`.
 */
export interface TransactionTimers {
  /** Timer B / Timer F. */
  timeoutMs: number;
  /** An INVITE in Proceeding (ringing) without a CANCEL is dropped after this at the latest. */
  proceedingTimeoutMs: number;
}

export const DEFAULT_TRANSACTION_TIMERS: TransactionTimers = {
  timeoutMs: 32_000,
  proceedingTimeoutMs: 5 * 60_000,
};

interface ClientTransaction {
  handlers: TransactionHandlers;
  connectionId: string;
  timer: NodeJS.Timeout;
}

export class ClientTransactions {
  private readonly table = new Map<string, ClientTransaction>();

  constructor(private readonly timers: TransactionTimers = DEFAULT_TRANSACTION_TIMERS) {}

  get size(): number {
    return this.table.size;
  }

  add(branch: string, method: string, connectionId: string, handlers: TransactionHandlers): void {
    const key = keyOf(branch, method);
    const previous = this.table.get(key);
    if (previous) clearTimeout(previous.timer);
    this.table.set(key, { handlers, connectionId, timer: this.arm(key, this.timers.timeoutMs) });
  }

  /** The INVITE with this branch was cancelled: Timer B once more, for its 487. */
  cancelled(branch: string): void {
    const key = keyOf(branch, 'INVITE');
    const transaction = this.table.get(key);
    if (!transaction) return;
    clearTimeout(transaction.timer);
    transaction.timer = this.arm(key, this.timers.timeoutMs);
  }

  /** Hands a response to its transaction; false when none matches (a stray or late response). */
  dispatch(response: SipResponse): boolean {
    const key = keyOf(response.viaBranch, response.method);
    const transaction = this.table.get(key);
    if (!transaction) return false;
    const status = response.statusCode ?? 0;
    if (status >= 200) {
      clearTimeout(transaction.timer);
      this.table.delete(key);
    } else if (response.method === 'INVITE') {
      // Proceeding: Timer B no longer runs (§17.1.1.2); the application's ring timer takes over.
      clearTimeout(transaction.timer);
      transaction.timer = this.arm(key, this.timers.proceedingTimeoutMs);
    }
    transaction.handlers.onResponse(response);
    return true;
  }

  /** The connection closed: its transactions can get no response any more. */
  dropConnection(connectionId: string): void {
    for (const [key, transaction] of this.table) {
      if (transaction.connectionId !== connectionId) continue;
      clearTimeout(transaction.timer);
      this.table.delete(key);
    }
  }

  clear(): void {
    for (const transaction of this.table.values()) clearTimeout(transaction.timer);
    this.table.clear();
  }

  private arm(key: string, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const transaction = this.table.get(key);
      if (!transaction) return;
      this.table.delete(key);
      transaction.handlers.onTimeout?.();
    }, ms);
    timer.unref();
    return timer;
  }
}

function keyOf(branch: string, method: string): string {
  return `${branch}|${method.toUpperCase()}`;
}
