import { isLocked, lockAfterFailure, type LockoutRules } from './lockout';
import type { PinEntryRules } from './pin-entry';

/**
 * How fast an autodialer can guess PINs under the lockout policy, simulated with the same rule
 * functions the PBX uses: it calls, tries `maxAttempts` codes, is hung up on, redials at once, and
 * waits out every lock. Nobody unlocks it.
 */
export interface GuessingModel {
  guessesPerHour: number;
  /** Expected guesses to find a uniformly random code of `digits` digits, trying each code once. */
  expectedGuesses: number;
  expectedDays: number;
}

export function simulateGuessing(
  pinRules: PinEntryRules,
  lockout: LockoutRules,
  options: { digits: number; secondsPerFailedCall: number; horizonHours: number },
): GuessingModel {
  const failures: number[] = [];
  let lockedUntil: number | null = null;
  let now = 0;
  let guesses = 0;
  const horizon = options.horizonHours * 3_600_000;
  while (now < horizon) {
    if (isLocked(lockedUntil, now)) {
      now = lockedUntil ?? now; // a locked call is refused before any guess
      continue;
    }
    now += options.secondsPerFailedCall * 1000;
    guesses += pinRules.maxAttempts;
    failures.push(now);
    const lock = lockAfterFailure(failures, now, lockout);
    if (lock !== null) lockedUntil = lock;
  }
  const guessesPerHour = guesses / options.horizonHours;
  const expectedGuesses = (10 ** options.digits + 1) / 2;
  return { guessesPerHour, expectedGuesses, expectedDays: expectedGuesses / guessesPerHour / 24 };
}
