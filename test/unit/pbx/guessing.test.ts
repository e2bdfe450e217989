import { describe, expect, it } from 'vitest';
import { simulateGuessing } from '../../../test/pbx/ivr/guessing';
import { DEFAULT_LOCKOUT_RULES, guessingBound } from '../../../test/pbx/ivr/lockout';
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
});
