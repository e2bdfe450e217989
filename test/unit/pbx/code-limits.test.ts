import { describe, expect, it } from 'vitest';
import {
  codeLimitsWorstCase,
  DEFAULT_CODE_LIMITS,
  DEFAULT_LOCKOUT_RULES,
  expectedGuessesLowerBound,
  expectedGuessesToHit,
  guessingBound,
  mostCodesHolding,
} from '../../../test/pbx/ivr/lockout';

/**
 * The promise of issue #10 kept with several codes per extension (issue #14): with the default
 * lockout rules and code limits, the worst case the admin API allows — a 4-digit Standard code plus
 * the most personal codes of the shortest length — still expects at least a year, paced below
 * quarantine, no admin lifting anything. docs/security.md shows the same figure
 * (scripts/gen-security-figures.mjs calls the same function).
 */
const YEAR_DAYS = 365;

describe('code limits', () => {
  // Breaks when MAX_CODES_PER_EXTENSION is raised (26 codes: 363.7 days) or PERSONAL_CODE_MIN_DIGITS
  // is lowered (5 digits: 134 days), when the lockout defaults give more guesses a day, or when the
  // worst case leaves out the Standard code or the personal codes.
  it('the worst case the limits allow expects at least a year', () => {
    const worst = codeLimitsWorstCase(DEFAULT_LOCKOUT_RULES, DEFAULT_CODE_LIMITS);
    expect(worst.codeDigits).toHaveLength(DEFAULT_CODE_LIMITS.maxCodesPerExtension);
    expect(Math.min(...worst.codeDigits)).toBe(DEFAULT_CODE_LIMITS.standardCodeMinDigits);
    expect(worst.guessesPerDay).toBe(
      guessingBound(DEFAULT_LOCKOUT_RULES, { digits: 4, adminLiftsQuarantineAfterMs: Infinity })
        .guessesPerDay,
    );
    expect(worst.expectedDays).toBeGreaterThanOrEqual(YEAR_DAYS);
    expect(DEFAULT_CODE_LIMITS.maxCodesPerExtension).toBeLessThanOrEqual(
      mostCodesHolding(DEFAULT_LOCKOUT_RULES, DEFAULT_CODE_LIMITS, YEAR_DAYS),
    );
  });

  it('the standard code keeps 4 digits and personal codes are longer (the set-PIN call breaks nothing)', () => {
    expect(DEFAULT_CODE_LIMITS.standardCodeMinDigits).toBe(4);
    expect(DEFAULT_CODE_LIMITS.personalCodeMinDigits).toBeGreaterThan(
      DEFAULT_CODE_LIMITS.standardCodeMinDigits,
    );
  });

  // Breaks when the union bound is summed wrongly: it must be exact for one code and never above the
  // exact figure for codes of one length (it may only err in the defender's disfavour).
  it('the lower bound is exact for one code and below the exact figure for several of one length', () => {
    expect(expectedGuessesLowerBound([4])).toBeCloseTo(expectedGuessesToHit(4, 1), 6);
    expect(expectedGuessesLowerBound([6])).toBeCloseTo(expectedGuessesToHit(6, 1), 6);
    for (const k of [2, 3, 10, 25])
      expect(expectedGuessesLowerBound(Array<number>(k).fill(4))).toBeLessThanOrEqual(
        expectedGuessesToHit(4, k),
      );
    // Longer codes make it harder, more codes easier.
    expect(expectedGuessesLowerBound([4, 6])).toBeLessThan(expectedGuessesLowerBound([4]));
    expect(expectedGuessesLowerBound([4, 6])).toBeGreaterThan(expectedGuessesLowerBound([4, 5]));
    expect(() => expectedGuessesLowerBound([])).toThrow();
  });

  it('finds the most codes that hold: one more would not', () => {
    const most = mostCodesHolding(DEFAULT_LOCKOUT_RULES, DEFAULT_CODE_LIMITS, YEAR_DAYS);
    expect(
      codeLimitsWorstCase(DEFAULT_LOCKOUT_RULES, { ...DEFAULT_CODE_LIMITS, maxCodesPerExtension: most })
        .expectedDays,
    ).toBeGreaterThanOrEqual(YEAR_DAYS);
    expect(
      codeLimitsWorstCase(DEFAULT_LOCKOUT_RULES, { ...DEFAULT_CODE_LIMITS, maxCodesPerExtension: most + 1 })
        .expectedDays,
    ).toBeLessThan(YEAR_DAYS);
  });
});
