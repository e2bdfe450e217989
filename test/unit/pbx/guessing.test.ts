import { describe, expect, it } from 'vitest';
import { simulateGuessing } from '../../../test/pbx/ivr/guessing';
import { DEFAULT_LOCKOUT_RULES, expectedGuessesToHit, guessingBound } from '../../../test/pbx/ivr/lockout';
import { DEFAULT_PIN_RULES } from '../../../test/pbx/ivr/pin-entry';

const DAY = 24 * 3_600_000;
const rules = DEFAULT_LOCKOUT_RULES;

describe('PIN guessing under the PIN gate (simulated with the gate’s rules)', () => {
  it('an autodialer nobody stops by hand is quarantined after one budget of wrong codes', () => {
    const model = simulateGuessing(DEFAULT_PIN_RULES, rules, {
      digits: 4,
      secondsPerFailedCall: 20,
      horizonHours: 24 * 30,
    });
    expect(model.guessesPerHour * 24 * 30).toBe(rules.lockoutsToQuarantine * rules.wrongCodesToLock);
  });

  it('stays within guessingBound (more than a year for 4 digits) when an admin lifts each quarantine after a day', () => {
    const options = {
      digits: 4,
      secondsPerFailedCall: 20,
      horizonHours: 24 * 60,
      adminLiftsQuarantineAfterMs: DAY,
    };
    const model = simulateGuessing(DEFAULT_PIN_RULES, rules, options);
    const bound = guessingBound(rules, options);
    const days = options.horizonHours / 24;
    const guesses = model.guessesPerHour * options.horizonHours;
    // The bound is a long-run rate; a finite run may start one more budget before its end.
    expect(guesses).toBeLessThanOrEqual(
      bound.guessesPerDay * days + rules.lockoutsToQuarantine * rules.wrongCodesToLock,
    );
    expect(guesses).toBeGreaterThan((bound.guessesPerDay * days) / 2);
    expect(model.expectedDays).toBeGreaterThan(365);
  });

  it('without a lock an autodialer would need hours, not years', () => {
    const noLock = simulateGuessing(
      DEFAULT_PIN_RULES,
      { ...rules, wrongCodesToLock: Number.MAX_SAFE_INTEGER },
      { digits: 4, secondsPerFailedCall: 20, horizonHours: 24 },
    );
    expect(noLock.expectedDays * 24).toBeLessThan(10);
  });

  // Breaks when several codes are ignored in the arithmetic (docs/security.md would then promise a
  // year for a 4-digit code on an extension shared by several people).
  it('k valid codes on one extension: (10^d + 1) / (k + 1) guesses on average, checked by brute force', () => {
    expect(expectedGuessesToHit(4)).toBe(5000.5);
    expect(expectedGuessesToHit(4, 1)).toBe(
      guessingBound(rules, { digits: 4, adminLiftsQuarantineAfterMs: DAY }).expectedGuesses,
    );
    // Exact mean position of the first of k marked items in a random order of n (n = 6, k = 2).
    const n = 6;
    let total = 0;
    let orders = 0;
    for (let a = 0; a < n; a++)
      for (let b = a + 1; b < n; b++) {
        // Every placement of the two codes among the n guesses is equally likely; the first hit is at a + 1.
        total += a + 1;
        orders += 1;
      }
    expect(total / orders).toBeCloseTo((n + 1) / 3, 12);
    expect((10 ** 1 + 1) / (2 + 1)).toBe(expectedGuessesToHit(1, 2));
    const two = guessingBound(rules, { digits: 4, adminLiftsQuarantineAfterMs: DAY, validCodes: 2 });
    const one = guessingBound(rules, { digits: 4, adminLiftsQuarantineAfterMs: DAY });
    expect(one.expectedDays / two.expectedDays).toBeCloseTo(5000.5 / 3333.6666666666665, 9);
    expect(() => expectedGuessesToHit(4, 0)).toThrow();
  });
});
