import type { EventEmitter } from 'node:events';
import { DtmfDetector } from '../../test/pbx/media/rfc4733';

/** Absolute time in ms, comparable between threads (`performance.timeOrigin + now()`). */
export const now = (): number => performance.timeOrigin + performance.now();

/**
 * When the PBX (running in this thread) detects a key, by its RTP timestamp (never the key). The
 * benchmarks observe the PBX from outside instead of passing hooks into its call path:
 *
 * - through `pbx.events` (the PBX's log events) when it emits `dtmf-detected` with `rtpTimestamp`;
 * - until it does, by watching the RFC 4733 detector class in this thread: every `DtmfDetector` that
 *   reports a new key calls the listener. The PBX's own detectors see only phones' keys; the far
 *   end's detector sees keys only after a call is bridged, which no benchmark sends.
 *
 * Both feed the same listener, once per RTP timestamp. Returns a stop function that removes the
 * observation.
 */
export function observeDtmfDetections(
  pbx: object,
  listener: (rtpTimestamp: number, at: number) => void,
): () => void {
  // Both sources report the same key in the same tick: each RTP timestamp is passed on once.
  const reported = new Set<number>();
  const report = (rtpTimestamp: number) => {
    if (reported.has(rtpTimestamp)) return;
    reported.add(rtpTimestamp);
    listener(rtpTimestamp, now());
  };
  const events = (pbx as { events?: EventEmitter }).events;
  const onEvent = (fields: { rtpTimestamp?: unknown }) => {
    if (typeof fields.rtpTimestamp === 'number') report(fields.rtpTimestamp);
  };
  events?.on('dtmf-detected', onEvent);

  const prototype = DtmfDetector.prototype;
  const original = Object.getOwnPropertyDescriptor(prototype, 'receive');
  const receive = prototype.receive;
  prototype.receive = function (this: DtmfDetector, rtpTimestamp, payload) {
    const key = receive.call(this, rtpTimestamp, payload);
    if (key !== null) report(rtpTimestamp);
    return key;
  };
  return () => {
    events?.off('dtmf-detected', onEvent);
    if (original) Object.defineProperty(prototype, 'receive', original);
  };
}

/** A map of first detection times by RTP timestamp, fed by observeDtmfDetections. */
export function firstSeen(pbx: object): { detected: Map<number, number>; stop(): void } {
  const detected = new Map<number, number>();
  const stop = observeDtmfDetections(pbx, (timestamp, at) => {
    if (!detected.has(timestamp)) detected.set(timestamp, at);
  });
  return { detected, stop };
}
