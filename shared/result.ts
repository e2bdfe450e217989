/** The result of any host call: a value, or an error with a stable code the UI can translate. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: HostError };

export interface HostError {
  /** Stable, machine-readable; the renderer maps it to a translated message. */
  code: HostErrorCode;
  /** English, for logs and developers. Never contains secrets. */
  message: string;
  /** Field-level problems for form validation (field path → i18n message key). */
  fields?: Record<string, string>;
}

export type HostErrorCode =
  | 'invalid-input'
  | 'unknown-method'
  | 'untrusted-sender'
  | 'timeout'
  | 'secret-storage-unavailable'
  | 'secret-unreadable'
  | 'settings-unwritable'
  | 'internal';

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: HostErrorCode, message: string, fields?: Record<string, string>): Result<never> =>
  fields ? { ok: false, error: { code, message, fields } } : { ok: false, error: { code, message } };
