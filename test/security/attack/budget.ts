/**
 * What the lockout policy allows an attacker, as an upper bound the attack suite holds every strategy
 * to. The rule names are those of the gate's contract (`PbxOptions.lockoutRules`, issue #10).
 */
export interface GateRules {
  /** Wrong codes within `windowMs` that lock the extension. */
  wrongCodesToLock: number;
  windowMs: number;
  lockMs: number;
  /** Lockouts within `quarantineWindowMs` that close paid calls until an admin unlocks them. */
  lockoutsToQuarantine: number;
  quarantineWindowMs: number;
  maxPinSessionsPerExtension: number;
  /** Wrong codes from one source (any extension) that block the source for `sourceBlockMs`. */
  wrongCodesPerSourceToBlock: number;
  sourceBlockMs: number;
}

/**
 * The most wrong codes a policy lets one attacker (one source) have checked in `elapsedMs` of
 * simulated time against `extensions` extensions, nobody unlocking anything:
 * - per extension, each lock costs `wrongCodesToLock` codes and the next batch waits for the lock
 *   (or the window) to pass: N × (1 + ⌊T / min(lock, window)⌋); a quarantine after Q lockouts caps it
 *   at Q × N for good;
 * - per source, S × (1 + ⌊T / sourceBlock⌋) over all extensions.
 * A gate that holds stays at or below this whatever the attacker does; the bound is loose for slow
 * attackers on purpose (it never blames the gate for an attack that is slower than the window).
 */
export function allowedWrongCodes(rules: GateRules, elapsedMs: number, extensions: number): number {
  const cycles = 1 + Math.floor(elapsedMs / Math.min(rules.lockMs, rules.windowMs));
  const perExtensionUnbounded = rules.wrongCodesToLock * cycles;
  const perExtension =
    rules.lockoutsToQuarantine > 0
      ? Math.min(perExtensionUnbounded, rules.lockoutsToQuarantine * rules.wrongCodesToLock)
      : perExtensionUnbounded;
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
