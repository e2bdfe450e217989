import { describe, expect, it } from 'vitest';
import { allowedWrongCodes, expectedGuesses, type GateRules, HOUR_MS, perHour } from './budget';

const rules: GateRules = {
  wrongCodesToLock: 3,
  windowMs: HOUR_MS,
  lockMs: HOUR_MS,
  lockoutsToQuarantine: 3,
  quarantineWindowMs: 24 * HOUR_MS,
  maxPinSessionsPerExtension: 1,
  wrongCodesPerSourceToBlock: 4,
  sourceBlockMs: HOUR_MS,
};

describe('allowedWrongCodes (the budget the attack suite holds the PBX to)', () => {
  it('allows one lock worth of codes before the lock can pass', () => {
    expect(allowedWrongCodes(rules, 0, 1)).toBe(3);
    expect(allowedWrongCodes(rules, HOUR_MS - 1, 1)).toBe(3);
  });

  it('allows another batch per waited-out lock, bounded by the lockouts a quarantine window allows', () => {
    const noSourceLimit = { ...rules, wrongCodesPerSourceToBlock: 1_000 };
    expect(allowedWrongCodes(noSourceLimit, HOUR_MS, 1)).toBe(6);
    // 10 h: 33 by locks; per quarantine window 3 × 3 + 2 × 24 = 57, two windows started.
    expect(allowedWrongCodes(noSourceLimit, 10 * HOUR_MS, 1)).toBe(33);
    const dayWindow = { ...noSourceLimit, windowMs: 24 * HOUR_MS };
    // Window of a day: 3 × 3 + 2 = 11 per quarantine window, 2 started within the first day.
    expect(allowedWrongCodes(dayWindow, 10 * HOUR_MS, 1)).toBe(22);
    expect(allowedWrongCodes({ ...dayWindow, lockoutsToQuarantine: 0 }, 10 * HOUR_MS, 1)).toBe(33);
  });

  it('counts the shorter of lock and window as the wait', () => {
    const shortWindow = { ...rules, windowMs: HOUR_MS / 2, wrongCodesPerSourceToBlock: 1_000 };
    expect(allowedWrongCodes(shortWindow, HOUR_MS / 2, 1)).toBe(6);
  });

  it('holds several extensions to the per-source budget', () => {
    expect(allowedWrongCodes(rules, 0, 2)).toBe(4);
    expect(allowedWrongCodes({ ...rules, wrongCodesPerSourceToBlock: 100 }, 0, 2)).toBe(6);
  });
});

describe('guessing arithmetic', () => {
  it('expects half the code space plus a half', () => {
    expect(expectedGuesses(4)).toBe(5_000.5);
    expect(expectedGuesses(6)).toBe(500_000.5);
  });

  it('turns a count over simulated time into a rate', () => {
    expect(perHour(3, HOUR_MS / 2)).toBe(6);
    expect(perHour(3, 0)).toBe(0);
  });
});
