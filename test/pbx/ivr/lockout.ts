import type {
  GateClosed,
  GateFacts,
  StoreGateRules,
  WrongCodeCounts,
  WrongCodeDecision,
} from '../store/ports';

import {
  MAX_CODES_PER_EXTENSION,
  PERSONAL_CODE_MIN_DIGITS,
  UNLOCK_CODE_DIGITS,
} from '../../../shared/policy/unlock-code';

export type { GateFacts, WrongCodeCounts, WrongCodeDecision } from '../store/ports';

/**
 * The PIN gate's rules as pure functions (no clock, no store): is the gate open, and what does one
 * more wrong code do. The store gathers the counts; the gate applies these decisions in the same
 * SQLite transaction that records the code.
 *
 * Budget, per extension and across all calls, devices and sources:
 * - `wrongCodesToLock` wrong codes within `windowMs` lock paid calls for `lockMs`; only codes
 *   recorded after the last lock or admin unlock count, so each lock starts a new count;
 * - the `lockoutsToQuarantine`-th lockout within `quarantineWindowMs` quarantines the extension
 *   instead: closed until an admin unlocks it (PortaOne's "quarantine"). An admin unlock does not
 *   forget the lockouts, so one more lockout within the quarantine window quarantines again;
 * - one source (the caller's transport address) that types `wrongCodesPerSourceToBlock` wrong codes
 *   within `windowMs` on any extensions gets no PIN session for `sourceBlockMs`;
 * - at most `maxPinSessionsPerExtension` PIN sessions of one extension run at a time (a refused one
 *   is not a guess).
 *
 * Why the window is a day and not 15 minutes: with a short window an autodialer that types one code
 * less than the budget per window never locks (3 codes every 15 minutes = 288 a day).
 */
export interface LockoutRules {
  wrongCodesToLock: number;
  windowMs: number;
  lockMs: number;
  lockoutsToQuarantine: number;
  quarantineWindowMs: number;
  maxPinSessionsPerExtension: number;
  wrongCodesPerSourceToBlock: number;
  sourceBlockMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DEFAULT_LOCKOUT_RULES: LockoutRules = {
  wrongCodesToLock: 4,
  windowMs: DAY,
  lockMs: HOUR,
  lockoutsToQuarantine: 3,
  quarantineWindowMs: DAY,
  maxPinSessionsPerExtension: 1,
  // One source gets no more guesses a day across all extensions than one extension before quarantine.
  wrongCodesPerSourceToBlock: 12,
  sourceBlockMs: DAY,
};

/**
 * The code limits that go with these rules (issue #14; defined in shared/policy/unlock-code.ts, where
 * the admin form reads them too): the shortest Standard code, the shortest personal code, and the
 * most codes per extension. The admin API enforces them; `codeLimitsWorstCase` shows they keep a year.
 */
export interface CodeLimits {
  standardCodeMinDigits: number;
  personalCodeMinDigits: number;
  maxCodesPerExtension: number;
}

export const DEFAULT_CODE_LIMITS: CodeLimits = {
  standardCodeMinDigits: UNLOCK_CODE_DIGITS.min,
  personalCodeMinDigits: PERSONAL_CODE_MIN_DIGITS,
  maxCodesPerExtension: MAX_CODES_PER_EXTENSION,
};

export function isLocked(lockedUntil: number | null, now: number): boolean {
  return lockedUntil !== null && lockedUntil > now;
}

/**
 * Why the gate is closed, or null when it is open. Quarantine wins over a lock (it outlasts it), the
 * extension's state over the source's. `openSessions` (sessions of this extension already running)
 * only matters when a session opens.
 */
export function gateClosed(
  facts: GateFacts,
  now: number,
  rules: LockoutRules,
  openSessions = 0,
): GateClosed | null {
  if (facts.quarantinedSince !== null) return { kind: 'quarantined', since: facts.quarantinedSince };
  if (isLocked(facts.lockedUntil, now)) return { kind: 'locked', until: facts.lockedUntil as number };
  if (isLocked(facts.sourceBlockedUntil, now))
    return { kind: 'source-blocked', until: facts.sourceBlockedUntil as number };
  if (openSessions >= rules.maxPinSessionsPerExtension) return { kind: 'busy' };
  return null;
}

export function afterWrongCode(counts: WrongCodeCounts, now: number, rules: LockoutRules): WrongCodeDecision {
  const locks = counts.wrongCodesInWindow >= rules.wrongCodesToLock;
  const quarantine = locks && counts.lockoutsInWindow + 1 >= rules.lockoutsToQuarantine;
  return {
    lockUntil: locks && !quarantine ? now + rules.lockMs : null,
    quarantine,
    blockSourceUntil:
      counts.sourceWrongCodesInWindow >= rules.wrongCodesPerSourceToBlock ? now + rules.sourceBlockMs : null,
    wrongCodesLeftBeforeLock: Math.max(0, rules.wrongCodesToLock - counts.wrongCodesInWindow),
  };
}

/** These rules as the store applies them inside its transactions (the composition root passes them). */
export function storeGateRules(rules: LockoutRules): StoreGateRules {
  return {
    windowMs: rules.windowMs,
    quarantineWindowMs: rules.quarantineWindowMs,
    isLocked,
    closed: (facts, now) => gateClosed(facts, now, rules),
    afterWrongCode: (counts, now) => afterWrongCode(counts, now, rules),
  };
}

/**
 * The most wrong codes an attacker can get for one extension, and what that means for a PIN of
 * `digits` digits (`docs/security.md` is generated from this). Two strategies bound it:
 * - paced: never reach quarantine: at most `lockoutsToQuarantine − 1` lockouts (of `wrongCodesToLock`
 *   codes each) per quarantine window, plus fewer than `wrongCodesToLock` codes per `windowMs` that
 *   never lock;
 * - burst: spend the whole budget (`lockoutsToQuarantine × wrongCodesToLock` codes, waiting out
 *   `lockoutsToQuarantine − 1` locks), be quarantined, and wait until an admin lifts the quarantine
 *   after `adminLiftsQuarantineAfterMs`; when the lift comes before the old lockouts leave the
 *   quarantine window, the next lockout quarantines again (`wrongCodesToLock` codes per lift).
 * The attacker is assumed to type codes instantly; real calls only make it slower.
 */
export interface GuessingBound {
  pacedGuessesPerDay: number;
  burstGuessesPerDay: number;
  /** The better of the two strategies. */
  guessesPerDay: number;
  /**
   * Expected guesses to hit one of the extension's `validCodes` uniformly random codes, trying each
   * code once: (10^digits + 1) / (validCodes + 1) — (10^digits + 1) / 2 for one code.
   */
  expectedGuesses: number;
  expectedDays: number;
}

export function guessingBound(
  rules: LockoutRules,
  options: { digits: number; adminLiftsQuarantineAfterMs: number; validCodes?: number },
): GuessingBound {
  const { wrongCodesToLock: perLock, lockoutsToQuarantine: lockouts, lockMs, quarantineWindowMs } = rules;
  const pacedPerWindow =
    (lockouts - 1) * perLock + (perLock - 1) * Math.ceil(quarantineWindowMs / rules.windowMs);
  const pacedGuessesPerDay = (pacedPerWindow * DAY) / quarantineWindowMs;
  const lift = Math.max(options.adminLiftsQuarantineAfterMs, 1);
  const cycleMs = (lockouts - 1) * lockMs + lift;
  const burstGuessesPerDay =
    cycleMs >= quarantineWindowMs
      ? (lockouts * perLock * DAY) / cycleMs
      : Math.max((lockouts * perLock * DAY) / cycleMs, (perLock * DAY) / lift);
  const guessesPerDay = Math.max(pacedGuessesPerDay, burstGuessesPerDay);
  const expectedGuesses = expectedGuessesToHit(options.digits, options.validCodes ?? 1);
  return {
    pacedGuessesPerDay,
    burstGuessesPerDay,
    guessesPerDay,
    expectedGuesses,
    expectedDays: expectedGuesses / guessesPerDay,
  };
}

/**
 * Expected guesses to hit any one of `validCodes` distinct uniformly random codes of `digits` digits
 * when each code is tried once (issue #14: an extension with personal codes has several, and any of
 * them opens its calls): (N + 1) / (k + 1) for N = 10^digits. Each guess is k times as likely to hit,
 * so k codes cut the expected time by about k, (k + 1) / 2 exactly against one code.
 */
export function expectedGuessesToHit(digits: number, validCodes = 1): number {
  if (!Number.isInteger(validCodes) || validCodes < 1) throw new Error('validCodes: at least 1');
  return (10 ** digits + 1) / (validCodes + 1);
}

/**
 * A lower bound on the expected guesses to hit any one of an extension's codes when they differ in
 * length (`codeDigits`: the digits of each code, e.g. a 4-digit Standard code and 6-digit personal
 * ones), for any strategy, also one that knows every length. Each guess is one string of one length,
 * so the first g guesses hold at most g strings of each length and a code of d digits is among them
 * with probability at most g / 10^d: P(hit within g) ≤ g·D with D = Σ 10^−d (the union bound). Hence
 * E ≥ Σ_{g ≥ 0} max(0, 1 − g·D) = (G + 1) − D·G·(G + 1) / 2 for G = ⌊1 / D⌋. For one code this is
 * exactly (10^d + 1) / 2; for k codes of one length it is below `expectedGuessesToHit` (which is
 * exact there), so the bound only errs in the defender's disfavour.
 */
export function expectedGuessesLowerBound(codeDigits: readonly number[]): number {
  if (codeDigits.length === 0 || codeDigits.some((digits) => !Number.isInteger(digits) || digits < 1))
    throw new Error('codeDigits: at least one code of at least 1 digit');
  const density = codeDigits.reduce((sum, digits) => sum + 10 ** -digits, 0);
  const most = Math.floor(1 / density + 1e-9);
  return most + 1 - (density * most * (most + 1)) / 2;
}

/**
 * The worst case the code limits allow against one extension: its Standard code as short as allowed
 * and every other place filled with a personal code as short as allowed, guessed at the rules' paced
 * rate (below quarantine, no admin lifting anything — `guessingBound` with an infinite lift).
 */
export function codeLimitsWorstCase(
  rules: LockoutRules,
  limits: CodeLimits,
): { codeDigits: number[]; guessesPerDay: number; expectedGuesses: number; expectedDays: number } {
  const codeDigits = [
    limits.standardCodeMinDigits,
    ...Array.from({ length: limits.maxCodesPerExtension - 1 }, () => limits.personalCodeMinDigits),
  ];
  const { guessesPerDay } = guessingBound(rules, {
    digits: limits.standardCodeMinDigits,
    adminLiftsQuarantineAfterMs: Number.POSITIVE_INFINITY,
  });
  const expectedGuesses = expectedGuessesLowerBound(codeDigits);
  return { codeDigits, guessesPerDay, expectedGuesses, expectedDays: expectedGuesses / guessesPerDay };
}

/** The most codes per extension whose worst case (as `codeLimitsWorstCase`) still expects `days`. */
export function mostCodesHolding(rules: LockoutRules, limits: CodeLimits, days: number): number {
  let most = 0;
  while (codeLimitsWorstCase(rules, { ...limits, maxCodesPerExtension: most + 1 }).expectedDays >= days)
    most += 1;
  return most;
}
