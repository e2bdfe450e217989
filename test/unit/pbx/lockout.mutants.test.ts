import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCKOUT_RULES, guessingBound, isLocked } from '../../pbx/ivr/lockout';

/**
 * The guessing arithmetic docs/security.md quotes, with the numbers worked out by hand, to kill the
 * mutants Stryker found surviving in the burst branch (an admin who lifts quarantines quickly).
 */
const HOUR = 3_600_000;
const rules = { ...DEFAULT_LOCKOUT_RULES, wrongCodesToLock: 4, lockoutsToQuarantine: 3, lockMs: HOUR };

describe('guessingBound when an admin lifts quarantines within the quarantine window', () => {
  it('a lift after 2 h: 12 codes per 2 locks + lift = 4 h, 72 a day', () => {
    const bound = guessingBound(rules, { digits: 4, adminLiftsQuarantineAfterMs: 2 * HOUR });
    expect(bound.burstGuessesPerDay).toBeCloseTo(72, 6);
  });

  it('a lift after 30 min: each lift buys one more lock worth of codes, 4 per 30 min = 192 a day', () => {
    const bound = guessingBound(rules, { digits: 4, adminLiftsQuarantineAfterMs: HOUR / 2 });
    expect(bound.burstGuessesPerDay).toBeCloseTo(192, 6);
    expect(bound.guessesPerDay).toBeCloseTo(192, 6);
    expect(bound.expectedDays).toBeCloseTo(5_000.5 / 192, 6);
  });
});

describe('isLocked', () => {
  it('is locked strictly before the end only', () => {
    expect(isLocked(null, 0)).toBe(false);
    expect(isLocked(10, 9)).toBe(true);
    expect(isLocked(10, 10)).toBe(false);
  });
});
