/**
 * The microphone level meter's number: the RMS of one analyser frame (time domain, -1 … 1) on a
 * dB scale from -60 dB (0) to 0 dB (1), which is how loud speech looks on a desk phone's meter.
 */
export const METER_FLOOR_DB = -60;

export function levelOf(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  const rms = Math.sqrt(sum / samples.length);
  if (rms === 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (db - METER_FLOOR_DB) / -METER_FLOOR_DB));
}
