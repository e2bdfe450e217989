import { afterWrongCode, gateClosed, type LockoutRules } from './lockout';
import type { PinEntryRules } from './pin-entry';

/**
 * How fast an autodialer can guess PINs under the PIN gate's rules, simulated with the same rule
 * functions the gate uses (a cross-check of `guessingBound`, and of nothing the running PBX does:
 * the attack suite measures that). It calls, types up to `maxAttempts` codes per call — every one
 * counted — redials at once, waits out every lock, and waits for an admin to lift each quarantine
 * (never, unless `adminLiftsQuarantineAfterMs` is given). It uses a new source for every call, so
 * the per-source block never helps.
 */
export interface GuessingModel {
  guessesPerHour: number;
  /** Expected guesses to find a uniformly random code of `digits` digits, trying each code once. */
  expectedGuesses: number;
  expectedDays: number;
}

export function simulateGuessing(
  pinRules: PinEntryRules,
  rules: LockoutRules,
  options: {
    digits: number;
    secondsPerFailedCall: number;
    horizonHours: number;
    adminLiftsQuarantineAfterMs?: number;
  },
): GuessingModel {
  const horizon = options.horizonHours * 3_600_000;
  const lift = options.adminLiftsQuarantineAfterMs ?? Number.POSITIVE_INFINITY;
  const wrongCodes: number[] = [];
  const lockouts: number[] = [];
  let countFrom = 0; // wrong codes before this index were spent on a lock or wiped by an unlock
  let lockedUntil: number | null = null;
  let quarantinedSince: number | null = null;
  let now = 0;
  let guesses = 0;
  while (now < horizon) {
    const closed = gateClosed({ lockedUntil, quarantinedSince, sourceBlockedUntil: null }, now, rules);
    if (closed?.kind === 'quarantined') {
      now = closed.since + lift; // an admin unlock: a new count, the lockouts stay on record
      quarantinedSince = null;
      countFrom = wrongCodes.length;
      continue;
    }
    if (closed?.kind === 'locked') {
      now = closed.until;
      continue;
    }
    now += options.secondsPerFailedCall * 1000;
    for (let attempt = 0; attempt < pinRules.maxAttempts && now < horizon; attempt++) {
      wrongCodes.push(now);
      guesses += 1;
      const decision = afterWrongCode(
        {
          wrongCodesInWindow: wrongCodes.slice(countFrom).filter((at) => at > now - rules.windowMs).length,
          lockoutsInWindow: lockouts.filter((at) => at > now - rules.quarantineWindowMs).length,
          sourceWrongCodesInWindow: 1,
        },
        now,
        rules,
      );
      if (decision.quarantine || decision.lockUntil !== null) {
        lockouts.push(now);
        countFrom = wrongCodes.length;
        if (decision.quarantine) quarantinedSince = now;
        else lockedUntil = decision.lockUntil;
        break;
      }
    }
  }
  const guessesPerHour = guesses / options.horizonHours;
  const expectedGuesses = (10 ** options.digits + 1) / 2;
  return { guessesPerHour, expectedGuesses, expectedDays: expectedGuesses / guessesPerHour / 24 };
}
