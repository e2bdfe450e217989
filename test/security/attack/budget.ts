import type { LockoutRules } from '../../pbx/ivr/lockout';

/** The gate's rules (`PbxOptions.lockoutRules`, issue #10), which the attack suite holds the PBX to. */
export type GateRules = LockoutRules;

/**
 * The most wrong codes a policy lets one attacker (one source) have checked in `elapsedMs` of
 * simulated time against `extensions` extensions, nobody unlocking anything. Two upper bounds per
 * extension, the smaller applies:
 * - each lock costs `wrongCodesToLock` (N) codes, and counting starts afresh only after the lock (or
 *   the window) has passed: N × (1 + ⌊T / min(lock, window)⌋);
 * - within one quarantine window at most Q lockouts (the Q-th quarantines for good) plus fewer than N
 *   codes per counting window that never lock: (Q × N + (N − 1) × ⌈QW / window⌉) per quarantine window
 *   started, 1 + ⌈T / QW⌉ of them.
 * Per source: S × (1 + ⌊T / sourceBlock⌋) over all extensions. A gate that holds stays at or below
 * this whatever the attacker does; the bound is loose for slow attackers on purpose. Tests that
 * expect a quarantine say so on their own.
 */
export function allowedWrongCodes(rules: GateRules, elapsedMs: number, extensions: number): number {
  const n = rules.wrongCodesToLock;
  const byLocks = n * (1 + Math.floor(elapsedMs / Math.min(rules.lockMs, rules.windowMs)));
  const perQuarantineWindow =
    rules.lockoutsToQuarantine * n + (n - 1) * Math.ceil(rules.quarantineWindowMs / rules.windowMs);
  const byQuarantine = perQuarantineWindow * (1 + Math.ceil(elapsedMs / rules.quarantineWindowMs));
  const perExtension = rules.lockoutsToQuarantine > 0 ? Math.min(byLocks, byQuarantine) : byLocks;
  const perSource = rules.wrongCodesPerSourceToBlock * (1 + Math.floor(elapsedMs / rules.sourceBlockMs));
  return Math.min(perExtension * extensions, perSource);
}

/** Expected number of guesses to find a uniformly random code of `digits` digits, each tried once. */
export function expectedGuesses(digits: number): number {
  return (10 ** digits + 1) / 2;
}

export const HOUR_MS = 3_600_000;

export function perHour(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? count / (elapsedMs / HOUR_MS) : 0;
}
