import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaWatch } from '../../../test/pbx/calls/media-watch';

describe('media watch', () => {
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'performance'],
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function watch(direction: 'sendrecv' | 'inactive' | 'recvonly' | 'sendonly' = 'sendrecv') {
    const onTimeout = vi.fn();
    const media = new MediaWatch(5_000, direction, onTimeout);
    media.start();
    return { media, onTimeout };
  }

  it('gives up on a caller without RTP for the timeout, once', () => {
    const { onTimeout } = watch();
    vi.advanceTimersByTime(4_000);
    expect(onTimeout).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2_000);
    expect(onTimeout).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(20_000);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('keeps a call whose RTP keeps coming', () => {
    const { media, onTimeout } = watch();
    for (let i = 0; i < 100; i++) {
      vi.advanceTimersByTime(1_000);
      media.packet();
    }
    expect(onTimeout).not.toHaveBeenCalled();
  });

  it.each(['inactive', 'recvonly'] as const)('expects no RTP from a caller on hold (%s)', (direction) => {
    const { media, onTimeout } = watch();
    media.directionChanged(direction);
    vi.advanceTimersByTime(60_000);
    expect(onTimeout).not.toHaveBeenCalled();
    // Back off hold: the timeout starts afresh.
    media.directionChanged('sendrecv');
    vi.advanceTimersByTime(4_000);
    expect(onTimeout).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2_000);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('a caller that holds with sendonly still sends RTP, so silence ends it', () => {
    const { onTimeout } = watch('sendonly');
    vi.advanceTimersByTime(6_000);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('does nothing once stopped', () => {
    const { media, onTimeout } = watch();
    media.stop();
    vi.advanceTimersByTime(60_000);
    expect(onTimeout).not.toHaveBeenCalled();
  });
});
