/**
 * Lockout across calls: after `failedCallsToLock` calls whose PIN entry failed within `windowMs`,
 * the extension's paid calls are locked for `lockMs` (until an admin unlocks them). Per-call retries
 * alone do not stop an autodialer that simply redials; this does.
 */
export interface LockoutRules {
  failedCallsToLock: number;
  windowMs: number;
  lockMs: number;
}

export const DEFAULT_LOCKOUT_RULES: LockoutRules = {
  failedCallsToLock: 3,
  windowMs: 15 * 60_000,
  lockMs: 60 * 60_000,
};

/** After a failed call: the lock to apply (its end), or null when the extension stays open. */
export function lockAfterFailure(
  failureTimes: readonly number[],
  now: number,
  rules: LockoutRules,
): number | null {
  const recent = failureTimes.filter((time) => time > now - rules.windowMs && time <= now);
  return recent.length >= rules.failedCallsToLock ? now + rules.lockMs : null;
}

export function isLocked(lockedUntil: number | null, now: number): boolean {
  return lockedUntil !== null && lockedUntil > now;
}
