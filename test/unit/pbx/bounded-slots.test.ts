import { describe, expect, it } from 'vitest';
import { BoundedSlots } from '../../pbx/crypto/bounded-slots';

/** A task that runs until `finish` is called, recording when it started. */
function heldTask(started: string[], name: string) {
  let finish: () => void = () => {};
  const done = new Promise<string>((resolve) => (finish = () => resolve(name)));
  return {
    task: () => {
      started.push(name);
      return done;
    },
    finish: () => finish(),
  };
}

describe('BoundedSlots', () => {
  // Breaks if the queue is unbounded (d is queued, not refused), if it is not first come first
  // served (started out of order), or if a freed slot is both released and handed on (two run).
  it('runs at most maxConcurrent, queues maxQueued in arrival order, says no beyond that', async () => {
    const slots = new BoundedSlots(1, 2);
    const started: string[] = [];
    let most = 0;
    const tracked = (name: string) => {
      const held = heldTask(started, name);
      return {
        ...held,
        task: () => {
          most = Math.max(most, slots.running);
          return held.task();
        },
      };
    };
    const [a, b, c] = [tracked('a'), tracked('b'), tracked('c')];
    const runs = [slots.tryRun(a.task), slots.tryRun(b.task), slots.tryRun(c.task)];
    expect(slots.tryRun(tracked('d').task)).toBeNull();
    expect({ running: slots.running, queued: slots.queued }).toEqual({ running: 1, queued: 2 });
    a.finish();
    await expect.poll(() => started).toEqual(['a', 'b']);
    // A newcomer while b runs waits behind c.
    const e = tracked('e');
    runs.push(slots.tryRun(e.task));
    b.finish();
    await expect.poll(() => started).toEqual(['a', 'b', 'c']);
    c.finish();
    await expect.poll(() => started).toEqual(['a', 'b', 'c', 'e']);
    e.finish();
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'c', 'e']);
    expect(most).toBe(1);
    expect({ running: slots.running, queued: slots.queued }).toEqual({ running: 0, queued: 0 });
  });

  it('frees the slot when a task fails, and passes the failure on', async () => {
    const slots = new BoundedSlots(1, 0);
    await expect(slots.tryRun(() => Promise.reject(new Error('scrypt failed')))).rejects.toThrow(
      'scrypt failed',
    );
    expect(slots.running).toBe(0);
    await expect(slots.tryRun(() => Promise.resolve(1))).resolves.toBe(1);
  });

  it('refuses capacities that make no sense', () => {
    expect(() => new BoundedSlots(0, 1)).toThrow(RangeError);
    expect(() => new BoundedSlots(1, -1)).toThrow(RangeError);
    expect(() => new BoundedSlots(1.5, 1)).toThrow(RangeError);
  });
});
