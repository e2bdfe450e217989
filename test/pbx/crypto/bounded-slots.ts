/**
 * A counting semaphore with a bounded FIFO queue, for CPU-heavy secret checks (scrypt on libuv's
 * thread pool). At most `maxConcurrent` tasks run at once; up to `maxQueued` more wait in arrival
 * order; beyond that `tryRun` says no at once, so a flood is answered "busy" instead of queueing
 * without bound and delaying everything else (an emergency call included).
 *
 * Hand-written (about twenty lines) because the libraries that fit (p-limit, p-queue) leave the
 * queue unbounded: the bound and the synchronous "no" are the point here.
 */
export class BoundedSlots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly maxConcurrent: number,
    readonly maxQueued: number,
  ) {
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1)
      throw new RangeError('maxConcurrent must be an integer of at least 1');
    if (!Number.isInteger(maxQueued) || maxQueued < 0)
      throw new RangeError('maxQueued must be a non-negative integer');
  }

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Runs `task` in a slot (now, or after the tasks queued before it), or returns null synchronously
   * when every slot and every queue place is taken: the task is then not run at all.
   */
  tryRun<T>(task: () => Promise<T>): Promise<T> | null {
    if (this.active < this.maxConcurrent) {
      this.active++;
      return this.holding(task);
    }
    if (this.waiting.length >= this.maxQueued) return null;
    return new Promise<void>((resolve) => this.waiting.push(resolve)).then(() => this.holding(task));
  }

  /** Runs `task` in a slot already taken; hands the slot to the next in line (no queue jumping). */
  private async holding<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
