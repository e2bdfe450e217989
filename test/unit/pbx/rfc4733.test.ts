import { describe, expect, it } from 'vitest';
import {
  decodeTelephoneEvent,
  DtmfDetector,
  encodeTelephoneEvent,
  eventOf,
} from '../../../test/pbx/media/rfc4733';

describe('RFC 4733', () => {
  it('round-trips an event', () => {
    const payload = encodeTelephoneEvent({ event: 11, end: true, volume: 10, duration: 800 });
    expect([...payload]).toEqual([11, 0x8a, 0x03, 0x20]);
    expect(decodeTelephoneEvent(payload)).toEqual({ event: 11, end: true, volume: 10, duration: 800 });
    expect(decodeTelephoneEvent(new Uint8Array([1, 2]))).toBeNull();
  });

  it('reports each key once despite updates, three end packets and retransmissions', () => {
    const detector = new DtmfDetector();
    const packets: [number, number, boolean][] = [
      [1000, eventOf('1'), false],
      [1000, eventOf('1'), false],
      [1000, eventOf('1'), true],
      [1000, eventOf('1'), true],
      [1000, eventOf('1'), true],
      [2000, eventOf('1'), false],
      [2000, eventOf('1'), true],
      [3000, eventOf('#'), true], // the start packets were lost: the end packet still reports it
      [3000, eventOf('#'), true],
    ];
    const keys = packets
      .map(([timestamp, event, end]) =>
        detector.receive(timestamp, encodeTelephoneEvent({ event, end, volume: 10, duration: 160 })),
      )
      .filter((key) => key !== null);
    expect(keys).toEqual(['1', '1', '#']);
    expect(detector.hasSeen(3000)).toBe(true);
  });

  it('ignores events that are not keys', () => {
    expect(
      new DtmfDetector().receive(1, encodeTelephoneEvent({ event: 32, end: false, volume: 0, duration: 0 })),
    ).toBeNull();
  });
});
