import type { GateClosed } from '../store/ports';

/**
 * The PIN gate as the PIN IVR sees it: a port (implemented over the store), so the call code never
 * counts, locks or hashes by itself. Every decision that matters for guessing — is the gate open, was
 * this code right, does this wrong code lock the extension — is taken by the gate, and each decided
 * attempt is persisted in the same SQLite transaction that decides it, whatever happens to the call.
 *
 * Sources are the caller's transport address (WebSocket remote address); they feed the per-source
 * budget, so one attacker cannot spread guesses over several extensions.
 */

/** Why the gate is closed (defined with the store's port, which records it; the store knows no ivr/). */
export type { GateClosed } from '../store/ports';

export interface PinSession {
  readonly extension: string;
  readonly source: string;
  readonly callId: string;
  /**
   * The label of the unlock code that was accepted in this session (issue #14: who made the call),
   * set before the accepted verdict reaches the caller; null until then (and from a gate without
   * labels). Never the code.
   */
  readonly codeLabel?: string | null;
  /**
   * Verifies one submitted code (digits, `*` and `A`–`D` kept as typed; anything but the exact code
   * is wrong). Checks the gate again before hashing and once more in the transaction that records the
   * outcome, so a lock set meanwhile wins over a right code. Resolves even if the call has ended.
   */
  verify(code: string): Promise<PinVerdict>;
  /** The caller let the prompt time out without a digit: recorded, never counted as a wrong code. */
  recordTimeout(): void;
  /**
   * The call left the IVR (bridged, hung up, cancelled, media lost). Frees the session slot. Codes
   * already submitted are still decided and counted; `pendingCode` (digits typed without `#`) is
   * verified and counted like any submitted code.
   */
  close(pendingCode?: string): void;
}

export type PinVerdict =
  | { kind: 'accepted'; codeLabel?: string | null }
  /**
   * A wrong code, counted. When this very code closed the gate (used up the extension's budget, a
   * third lockout, the source's budget) it is still `wrong` — the call record counts it — with
   * `wrongCodesLeftBeforeLock: 0` and `closes` saying how the gate is closed now.
   */
  | { kind: 'wrong'; wrongCodesLeftBeforeLock: number; closes?: GateClosed }
  /** The gate was closed before this code could be decided: not counted as a guess. */
  | GateClosed;

export interface PinGatePort {
  /** Opens a PIN session for a call, or says why not (the caller hears the matching prompt). */
  open(extension: string, source: string, callId: string): PinSession | GateClosed;
  /**
   * Told when an extension's gate closes (lock, quarantine) so IVR calls of that extension still in the
   * prompt end with the lock prompt. Returns an unsubscribe function. With `session` (the listener's
   * own PIN session) a source block is told only when that session comes from the blocked source:
   * other callers of the extension are not blocked and keep their prompt.
   */
  onClosed(listener: (extension: string, why: GateClosed) => void, session?: PinSession): () => void;
}
