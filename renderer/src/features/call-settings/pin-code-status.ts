import type { PinCode } from '../../policy/admin-client';

export type PinCodeStatus = 'active' | 'disabled' | 'expired' | 'not-yet-valid';

/**
 * Whether a code opens calls today (`today`: YYYY-MM-DD). Validity dates are whole days, inclusive;
 * the PBX decides, this only explains the list.
 */
export function codeStatus(code: PinCode, today: string): PinCodeStatus {
  if (!code.enabled) return 'disabled';
  if (code.validUntil && code.validUntil.slice(0, 10) < today) return 'expired';
  if (code.validFrom && code.validFrom.slice(0, 10) > today) return 'not-yet-valid';
  return 'active';
}

/** A date (YYYY-MM-DD or a full ISO time) in the UI language; with the time when asked. */
export function formatDay(iso: string, language: string, withTime = false): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  // A bare date is that calendar day wherever the admin is (no shift through UTC midnight).
  const date = dateOnly ? new Date(`${iso}T12:00:00`) : new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(
    language,
    withTime && !dateOnly ? { dateStyle: 'short', timeStyle: 'short' } : { dateStyle: 'medium' },
  );
}
