import { describe, expect, it } from 'vitest';
import {
  afterWrongCode,
  DEFAULT_LOCKOUT_RULES,
  gateClosed,
  guessingBound,
  isLocked,
  type GateFacts,
  type LockoutRules,
} from '../../../test/pbx/ivr/lockout';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const rules: LockoutRules = DEFAULT_LOCKOUT_RULES;
const open: GateFacts = { lockedUntil: null, quarantinedSince: null, sourceBlockedUntil: null };
const now = 1_000 * DAY;

describe('the PIN gate: open or closed', () => {
  it('is open with nothing against it and room for a session', () => {
    expect(gateClosed(open, now, rules)).toBeNull();
    expect(gateClosed(open, now, rules, rules.maxPinSessionsPerExtension - 1)).toBeNull();
  });

  it('is locked until the lock ends, and open at its end (boundary)', () => {
    expect(gateClosed({ ...open, lockedUntil: now + 1 }, now, rules)).toEqual({
      kind: 'locked',
      until: now + 1,
    });
    expect(gateClosed({ ...open, lockedUntil: now }, now, rules)).toBeNull();
    expect(isLocked(null, now)).toBe(false);
  });

  it('stays quarantined however much time passes, and quarantine wins over a lock', () => {
    const facts = { ...open, quarantinedSince: 5, lockedUntil: now + HOUR };
    expect(gateClosed(facts, now + 365 * DAY, rules)).toEqual({ kind: 'quarantined', since: 5 });
  });

  it('blocks a source after the extension is found open', () => {
    expect(gateClosed({ ...open, sourceBlockedUntil: now + 1 }, now, rules)).toEqual({
      kind: 'source-blocked',
      until: now + 1,
    });
    expect(gateClosed({ ...open, sourceBlockedUntil: now }, now, rules)).toBeNull();
    expect(gateClosed({ ...open, sourceBlockedUntil: now + 1, lockedUntil: now + 2 }, now, rules)?.kind).toBe(
      'locked',
    );
  });

  it('is busy at the session limit (only when a session opens)', () => {
    expect(gateClosed(open, now, rules, rules.maxPinSessionsPerExtension)).toEqual({ kind: 'busy' });
    expect(gateClosed(open, now, { ...rules, maxPinSessionsPerExtension: 3 }, 2)).toBeNull();
  });
});

describe('what one more wrong code does', () => {
  const counts = { wrongCodesInWindow: 1, lockoutsInWindow: 0, sourceWrongCodesInWindow: 1 };

  it('counts down to the lock and locks at exactly the budget', () => {
    for (let n = 1; n < rules.wrongCodesToLock; n++) {
      expect(afterWrongCode({ ...counts, wrongCodesInWindow: n }, now, rules)).toEqual({
        lockUntil: null,
        quarantine: false,
        blockSourceUntil: null,
        wrongCodesLeftBeforeLock: rules.wrongCodesToLock - n,
      });
    }
    expect(afterWrongCode({ ...counts, wrongCodesInWindow: rules.wrongCodesToLock }, now, rules)).toEqual({
      lockUntil: now + rules.lockMs,
      quarantine: false,
      blockSourceUntil: null,
      wrongCodesLeftBeforeLock: 0,
    });
  });

  it('quarantines on the lockout that reaches lockoutsToQuarantine, not before', () => {
    const locking = { ...counts, wrongCodesInWindow: rules.wrongCodesToLock };
    const before = afterWrongCode(
      { ...locking, lockoutsInWindow: rules.lockoutsToQuarantine - 2 },
      now,
      rules,
    );
    expect(before.quarantine).toBe(false);
    const third = afterWrongCode(
      { ...locking, lockoutsInWindow: rules.lockoutsToQuarantine - 1 },
      now,
      rules,
    );
    expect(third).toMatchObject({ quarantine: true, lockUntil: null });
    // Lockouts alone never quarantine: it takes a wrong code that locks.
    expect(afterWrongCode({ ...counts, lockoutsInWindow: 10 }, now, rules).quarantine).toBe(false);
  });

  it('blocks the source at its own budget', () => {
    const at = rules.wrongCodesPerSourceToBlock;
    expect(
      afterWrongCode({ ...counts, sourceWrongCodesInWindow: at - 1 }, now, rules).blockSourceUntil,
    ).toBeNull();
    expect(afterWrongCode({ ...counts, sourceWrongCodesInWindow: at }, now, rules).blockSourceUntil).toBe(
      now + rules.sourceBlockMs,
    );
  });
});

describe('the guessing bound the defaults promise', () => {
  it('keeps a 4-digit PIN for more than a year even if an admin lifts each quarantine after a day', () => {
    const bound = guessingBound(rules, { digits: 4, adminLiftsQuarantineAfterMs: DAY });
    expect(bound.expectedGuesses).toBe(5000.5);
    // Paced: 2 lockouts x 4 + 3 codes that never lock = 11 a day; burst: 12 per 26 h.
    expect(bound.pacedGuessesPerDay).toBe(11);
    expect(bound.burstGuessesPerDay).toBeCloseTo((12 * 24) / 26, 10);
    expect(bound.expectedDays).toBeGreaterThan(365);
  });

  it('shows why the window is a day: a 15-minute window lets a paced autodialer through in weeks', () => {
    const short = guessingBound(
      { ...rules, windowMs: 15 * 60_000 },
      { digits: 4, adminLiftsQuarantineAfterMs: DAY },
    );
    expect(short.pacedGuessesPerDay).toBe(8 + 3 * 96);
    expect(short.expectedDays).toBeLessThan(30);
  });

  it('an admin who lifts quarantines at once gives an attacker one lock budget per lift', () => {
    const hasty = guessingBound(rules, { digits: 4, adminLiftsQuarantineAfterMs: HOUR });
    expect(hasty.burstGuessesPerDay).toBe(rules.wrongCodesToLock * 24);
  });
});
