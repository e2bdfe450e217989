import { describe, expect, it } from 'vitest';
import { simulateGuessing } from '../../../test/pbx/ivr/guessing';
import { DEFAULT_LOCKOUT_RULES } from '../../../test/pbx/ivr/lockout';
import { DEFAULT_PIN_RULES } from '../../../test/pbx/ivr/pin-entry';

describe('PIN guessing under the lockout policy', () => {
  it('allows 9 guesses per lock cycle: a 4-digit PIN takes weeks to guess', () => {
    const model = simulateGuessing(DEFAULT_PIN_RULES, DEFAULT_LOCKOUT_RULES, {
      digits: 4,
      secondsPerFailedCall: 20,
      horizonHours: 24 * 30,
    });
    // 3 calls x 3 tries, then 60 minutes locked: 9 guesses per ~61 minutes.
    expect(model.guessesPerHour).toBeGreaterThan(8.5);
    expect(model.guessesPerHour).toBeLessThan(9);
    expect(model.expectedGuesses).toBe(5000.5);
    expect(model.expectedDays).toBeGreaterThan(20);
  });

  it('without the lock across calls an autodialer would need hours, not weeks', () => {
    const noLock = simulateGuessing(
      DEFAULT_PIN_RULES,
      { ...DEFAULT_LOCKOUT_RULES, failedCallsToLock: Number.MAX_SAFE_INTEGER },
      {
        digits: 4,
        secondsPerFailedCall: 20,
        horizonHours: 24,
      },
    );
    expect(noLock.expectedDays * 24).toBeLessThan(10);
  });
});
