import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LOCKOUT_RULES, storeGateRules, type LockoutRules } from '../../../test/pbx/ivr/lockout';
import { PinGate } from '../../../test/pbx/ivr/pin-gate';
import type { GateClosed, PinSession, PinVerdict } from '../../../test/pbx/ivr/pin-gate-port';
import type { LogFields } from '../../../test/pbx/log';
import { PbxDatabase } from '../../../test/pbx/store/database';
import type { PinGateStore } from '../../../test/pbx/store/ports';
import { loadSeed } from '../../../test/pbx/store/seed';

/** The seed's extension 201 has IVR authentication and this unlock code. */
const RIGHT = '471108';
const WRONG = '975310';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const open: PbxDatabase[] = [];
afterEach(() => {
  for (const database of open.splice(0)) database.close();
});

/** A gate over a real SQLite file (WAL, like the PBX), with its own clock and a log we can read. */
async function fixture(overrides: Partial<LockoutRules> = {}, store?: (db: PbxDatabase) => PinGateStore) {
  const rules = { ...DEFAULT_LOCKOUT_RULES, ...overrides };
  const path = join(mkdtempSync(join(tmpdir(), 'tollgate-gate-')), 'pbx.sqlite');
  const pepper = randomBytes(32);
  const db = new PbxDatabase(path, 'tollgate.test', { pepper, gateRules: storeGateRules(rules) });
  open.push(db);
  await db.seed(loadSeed());
  const clock = { now: 1_800_000_000_000 };
  const log: { event: string; fields: LogFields }[] = [];
  const waiters: { event: string; resolve(fields: LogFields): void }[] = [];
  const gateFor = (database: PbxDatabase) =>
    new PinGate({
      store: store ? store(database) : database,
      rules,
      now: () => clock.now,
      log: (event, fields = {}) => {
        log.push({ event, fields });
        for (const waiter of waiters.filter((w) => w.event === event)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(fields);
        }
      },
    });
  const gate = gateFor(db);
  /** Resolves at the next log event of this name (no sleeping). */
  const next = (event: string) => new Promise<LogFields>((resolve) => waiters.push({ event, resolve }));
  /** A second connection to the same file, as a second PBX process would have. */
  const secondConnection = () => {
    const other = new PbxDatabase(path, 'tollgate.test', { pepper, gateRules: storeGateRules(rules) });
    open.push(other);
    return gateFor(other);
  };
  return { db, gate, clock, log, rules, next, secondConnection };
}

function session(value: PinSession | GateClosed): PinSession {
  if (!('verify' in value)) throw new Error(`gate closed: ${value.kind}`);
  return value;
}

const kinds = (verdicts: PinVerdict[]) => verdicts.map((verdict) => verdict.kind).sort();

describe('PIN gate: counting every wrong code, race-free', () => {
  // Breaks when the gate is not re-checked inside decidePinCode's transaction (all 10 are then
  // recorded as wrong codes) or when the count is taken outside it.
  it('10 concurrent wrong codes lock after exactly the budget, on two connections to one file', async () => {
    const { db, gate, secondConnection, rules } = await fixture({ maxPinSessionsPerExtension: 10 });
    const other = secondConnection();
    const sessions = Array.from({ length: 10 }, (_, i) =>
      session((i % 2 === 0 ? gate : other).open('201', `192.0.2.${i}`, `call-${i}`)),
    );
    const verdicts = await Promise.all(sessions.map((s) => s.verify(WRONG)));
    const security = db.pinSecurity('201', Date.now());
    expect(security.wrongCodes).toBe(rules.wrongCodesToLock);
    expect(security.refused).toBe(10 - rules.wrongCodesToLock);
    // The code that locked is a wrong code too (it is counted); the rest were refused uncounted.
    expect(kinds(verdicts)).toEqual(
      [
        ...Array<string>(rules.wrongCodesToLock).fill('wrong'),
        ...Array<string>(10 - rules.wrongCodesToLock).fill('locked'),
      ].sort(),
    );
    expect(verdicts.filter((verdict) => verdict.kind === 'wrong' && verdict.closes)).toHaveLength(1);
  });

  it('counts ten wrong codes of one session typed faster than they are checked', async () => {
    const { db, gate, clock, rules } = await fixture();
    const s = session(gate.open('201', '192.0.2.1', 'call-1'));
    await Promise.all(Array.from({ length: 10 }, () => s.verify(WRONG)));
    expect(db.pinSecurity('201', clock.now).wrongCodes).toBe(rules.wrongCodesToLock);
  });

  it('gives a right code that arrives after the lock the closed verdict', async () => {
    const { db, gate, clock, rules } = await fixture();
    const s = session(gate.open('201', '192.0.2.1', 'call-1'));
    for (let i = 0; i < rules.wrongCodesToLock; i++) await s.verify(WRONG);
    expect(await s.verify(RIGHT)).toEqual({ kind: 'locked', until: clock.now + rules.lockMs });
    expect(db.pinSecurity('201', clock.now)).toMatchObject({ accepted: 0, refused: 1 });
  });

  it('a lock set while a right code is being hashed wins over the right code', async () => {
    let release: () => void = () => {};
    const hold = new Promise<void>((resolve) => (release = resolve));
    // The store's comparison of the right code waits until the other call has locked the extension.
    const { db, gate, clock, rules, next } = await fixture({ maxPinSessionsPerExtension: 2 }, (database) => ({
      gateFacts: (extension, source) => database.gateFacts(extension, source),
      compareUnlockCode: async (extension, code) => {
        const check = await database.compareUnlockCode(extension, code);
        if (code === RIGHT) await hold;
        return check;
      },
      decidePinCode: (input) => database.decidePinCode(input),
      recordPinEvent: (event) => database.recordPinEvent(event),
    }));
    const closedFor: string[] = [];
    gate.onClosed((extension, why) => closedFor.push(`${extension}:${why.kind}`));
    const caller = session(gate.open('201', '192.0.2.1', 'call-1'));
    const attacker = session(gate.open('201', '192.0.2.2', 'call-2'));
    const right = caller.verify(RIGHT);
    const locked = next('extension-locked');
    for (let i = 0; i < rules.wrongCodesToLock; i++) await attacker.verify(WRONG);
    await locked;
    expect(closedFor).toEqual(['201:locked']);
    release();
    expect((await right).kind).toBe('locked');
    expect(db.pinSecurity('201', clock.now).accepted).toBe(0);
  });
});

describe('PIN gate: sessions, timeouts, pending codes', () => {
  it('accepts the right code and records it', async () => {
    const { db, gate, clock, log } = await fixture();
    const s = session(gate.open('201', '192.0.2.1', 'call-1'));
    expect(await s.verify(RIGHT)).toEqual({ kind: 'accepted', codeLabel: 'Standard' });
    expect(db.pinSecurity('201', clock.now)).toMatchObject({ accepted: 1, wrongCodes: 0 });
    expect(log.map((entry) => entry.event)).toEqual(['pin-session-opened', 'pin-accepted']);
  });

  it('refuses a second PIN session of the extension as busy, and that is no guess', async () => {
    const { db, gate, clock } = await fixture();
    const first = session(gate.open('201', '192.0.2.1', 'call-1'));
    expect(gate.open('201', '192.0.2.9', 'call-2')).toEqual({ kind: 'busy' });
    expect(db.pinSecurity('201', clock.now)).toMatchObject({ wrongCodes: 0, refused: 1 });
    first.close();
    first.close();
    expect(gate.openSessions('201')).toBe(0);
    session(gate.open('201', '192.0.2.9', 'call-3'));
  });

  it('records a timeout apart from wrong codes', async () => {
    const { db, gate, clock } = await fixture();
    session(gate.open('201', '192.0.2.1', 'call-1')).recordTimeout();
    expect(db.pinSecurity('201', clock.now)).toMatchObject({ timeouts: 1, wrongCodes: 0 });
  });

  it('verifies and counts the digits typed before the caller hung up', async () => {
    const { db, gate, clock, next } = await fixture();
    const s = session(gate.open('201', '192.0.2.1', 'call-1'));
    const counted = next('pin-wrong-code');
    s.close('4711');
    expect(await counted).toMatchObject({ callId: 'call-1', extension: '201', wrongCodesInWindow: 1 });
    expect(db.pinSecurity('201', clock.now).wrongCodes).toBe(1);
  });

  it('drains: codes of ended calls are counted before a stopping PBX closes the store', async () => {
    const { db, gate, clock } = await fixture({ maxPinSessionsPerExtension: 2 });
    session(gate.open('201', '192.0.2.1', 'call-1')).close('4711');
    void session(gate.open('201', '192.0.2.2', 'call-2')).verify(WRONG);
    await gate.drain();
    expect(db.pinSecurity('201', clock.now).wrongCodes).toBe(2);
  });

  it('counts codes with * and A-D as wrong codes (hashed like any other)', async () => {
    const { db, gate, clock } = await fixture();
    const s = session(gate.open('201', '192.0.2.1', 'call-1'));
    expect((await s.verify('4711*8')).kind).toBe('wrong');
    expect((await s.verify('47A108')).kind).toBe('wrong');
    expect(await s.verify('4711#08')).toEqual({ kind: 'wrong', wrongCodesLeftBeforeLock: 1 });
    expect(db.pinSecurity('201', clock.now).wrongCodes).toBe(3);
  });

  // Audit N1: a code migrated before issue #14 (no lookup index) gets its index and peppered hash —
  // a second scrypt — only once accepted and only after the verdict, so a right but disabled code
  // answers as fast as a wrong one. Breaks when the gate runs the upgrade for a refused code (events
  // then hold 'upgrade' after the disabled try) or awaits it before answering (order reversed).
  it('upgrades a migrated code only when it is accepted, after the verdict', async () => {
    const events: string[] = [];
    const { db, gate } = await fixture({}, (database) => ({
      gateFacts: (extension, source) => database.gateFacts(extension, source),
      decidePinCode: (input) => database.decidePinCode(input),
      recordPinEvent: (event) => database.recordPinEvent(event),
      compareUnlockCode: async (extension, code) => {
        const matched = await database.compareUnlockCode(extension, code);
        const upgrade = matched?.upgrade;
        if (!matched || !upgrade) return matched;
        const recorded = async () => {
          events.push('upgrade');
          await upgrade();
        };
        return { codeId: matched.codeId, upgrade: recorded };
      },
    }));
    db.db
      .prepare("UPDATE unlock_codes SET lookup = NULL WHERE extension = '201' AND label = 'Standard'")
      .run();
    const standard = db.listUnlockCodes('201').find((code) => code.label === 'Standard');
    if (!standard) throw new Error('seed without Standard');
    const lookup = () =>
      (
        db.db.prepare('SELECT lookup FROM unlock_codes WHERE id = ?').get(standard.id) as {
          lookup: string | null;
        }
      ).lookup;
    const by = { admin: 'admin', at: 1 };
    const s = session(gate.open('201', '192.0.2.1', 'call-1'));
    db.updateUnlockCode('201', standard.id, { enabled: false }, by);
    expect((await s.verify(RIGHT)).kind).toBe('wrong');
    await gate.drain();
    expect(events).toEqual([]);
    expect(lookup()).toBeNull();
    db.updateUnlockCode('201', standard.id, { enabled: true }, by);
    const verdict = await s.verify(RIGHT);
    events.push(`verdict ${verdict.kind}`);
    await gate.drain();
    expect(events).toEqual(['verdict accepted', 'upgrade']);
    expect(lookup()).not.toBeNull();
  });

  it('never logs a code or its digits', async () => {
    const { gate, log } = await fixture();
    const s = session(gate.open('201', 'client-a', 'call-a'));
    await s.verify('97531');
    await s.verify(RIGHT);
    s.close('86420');
    gate.open('201', 'client-a', 'call-b');
    const text = JSON.stringify(log);
    for (const code of ['97531', RIGHT, '86420']) expect(text).not.toContain(code);
  });
});

describe('PIN gate: locks, quarantine, unlock, source blocks', () => {
  let calls = 0;
  /** One call that types the whole budget; each from its own source unless told. */
  async function lockOnce(gate: PinGate, rules: LockoutRules, source = `192.0.2.${++calls}`) {
    const s = session(gate.open('201', source, `call-${calls}`));
    const verdicts: PinVerdict[] = [];
    for (let i = 0; i < rules.wrongCodesToLock; i++) verdicts.push(await s.verify(WRONG));
    s.close();
    return verdicts.at(-1);
  }

  it('locks for lockMs, opens at its end and counts afresh after a lock', async () => {
    const { db, gate, clock, rules, log } = await fixture();
    expect(await lockOnce(gate, rules)).toEqual({
      kind: 'wrong',
      wrongCodesLeftBeforeLock: 0,
      closes: { kind: 'locked', until: clock.now + rules.lockMs },
    });
    expect(log.find((entry) => entry.event === 'extension-locked')?.fields).toEqual({
      extension: '201',
      until: clock.now + rules.lockMs,
      wrongCodes: rules.wrongCodesToLock,
    });
    expect(gate.open('201', '192.0.2.1', 'call-x')).toEqual({
      kind: 'locked',
      until: clock.now + rules.lockMs,
    });
    clock.now += rules.lockMs - 1;
    expect(gate.open('201', '192.0.2.1', 'call-y')).toMatchObject({ kind: 'locked' });
    clock.now += 1;
    // The codes before the lock no longer count: a whole budget again, not one more.
    expect(db.pinSecurity('201', clock.now)).toMatchObject({ wrongCodesInWindow: 0, lockouts24h: 1 });
    const s = session(gate.open('201', '192.0.2.1', 'call-z'));
    expect(await s.verify(WRONG)).toEqual({
      kind: 'wrong',
      wrongCodesLeftBeforeLock: rules.wrongCodesToLock - 1,
    });
  });

  it('quarantines on the third lockout in a day until an admin unlocks; another lockout that day quarantines again', async () => {
    const { db, gate, clock, rules, log } = await fixture();
    const closed: GateClosed[] = [];
    gate.onClosed((_, why) => closed.push(why));
    for (let lockout = 1; lockout < rules.lockoutsToQuarantine; lockout++) {
      expect(await lockOnce(gate, rules)).toMatchObject({ kind: 'wrong', closes: { kind: 'locked' } });
      clock.now += rules.lockMs;
    }
    const quarantinedAt = clock.now;
    expect(await lockOnce(gate, rules)).toEqual({
      kind: 'wrong',
      wrongCodesLeftBeforeLock: 0,
      closes: { kind: 'quarantined', since: quarantinedAt },
    });
    expect(closed.map((why) => why.kind)).toEqual(['locked', 'locked', 'quarantined']);
    expect(log.filter((entry) => entry.event === 'extension-quarantined')).toHaveLength(1);
    clock.now += 30 * DAY;
    expect(gate.open('201', '192.0.2.1', 'call-later')).toEqual({
      kind: 'quarantined',
      since: quarantinedAt,
    });
    expect(db.pinSecurity('201', clock.now)).toMatchObject({
      quarantinedSince: quarantinedAt,
      lockReason: 'repeated-lockouts',
      wrongCodes: rules.lockoutsToQuarantine * rules.wrongCodesToLock,
    });

    db.unlock('201', { admin: 'admin', at: clock.now });
    expect(db.listAudit()).toMatchObject([{ admin: 'admin', extension: '201', detail: 'quarantined' }]);
    expect(await lockOnce(gate, rules)).toMatchObject({ closes: { kind: 'locked' } });
    clock.now += rules.lockMs;
    expect(await lockOnce(gate, rules)).toMatchObject({ closes: { kind: 'locked' } });
    clock.now += rules.lockMs;
    // Within a day of the lockouts since the unlock: the third quarantines again.
    expect(await lockOnce(gate, rules)).toMatchObject({ closes: { kind: 'quarantined' } });
  });

  it('blocks a source that spreads wrong codes over extensions, and only that source', async () => {
    const { db, gate, clock } = await fixture({ wrongCodesPerSourceToBlock: 6 });
    const attacker = '198.51.100.7';
    const a = session(gate.open('201', attacker, 'call-1'));
    for (let i = 0; i < 4; i++) await a.verify(WRONG);
    a.close();
    const b = session(gate.open('202', attacker, 'call-2'));
    expect((await b.verify(WRONG)).kind).toBe('wrong');
    expect(await b.verify(WRONG)).toEqual({
      kind: 'wrong',
      wrongCodesLeftBeforeLock: 0,
      closes: { kind: 'source-blocked', until: clock.now + DAY },
    });
    expect(await b.verify(WRONG)).toMatchObject({ kind: 'source-blocked' });
    expect(gate.open('204', attacker, 'call-3')).toMatchObject({ kind: 'source-blocked' });
    expect(db.sourceBlockedUntil(attacker, clock.now)).toBe(clock.now + DAY);
    expect('verify' in gate.open('204', '203.0.113.5', 'call-4')).toBe(true);
    expect(db.pinSecurity('202', clock.now).wrongCodes).toBe(2);
  });
});

describe('PIN gate: a source block ends only that source’s sessions (review finding D)', () => {
  // Breaks if the gate tells a source block to every listener of the extension (the owner's call,
  // from another address, would end with the block prompt: closedFor has 'owner').
  it('the extension’s own caller from another address keeps its prompt and its right code counts', async () => {
    const { gate, db, clock } = await fixture({
      wrongCodesPerSourceToBlock: 2,
      maxPinSessionsPerExtension: 2,
    });
    const attacker = '198.51.100.7';
    const owner = session(gate.open('201', '203.0.113.5', 'call-owner'));
    const guesser = session(gate.open('201', attacker, 'call-attacker'));
    const closedFor: string[] = [];
    // As the PIN IVR does: each call listens with its own session.
    gate.onClosed((_, why) => closedFor.push(`owner:${why.kind}`), owner);
    gate.onClosed((_, why) => closedFor.push(`attacker:${why.kind}`), guesser);
    expect((await guesser.verify(WRONG)).kind).toBe('wrong');
    expect(await guesser.verify(WRONG)).toMatchObject({ closes: { kind: 'source-blocked' } });
    expect(db.sourceBlockedUntil(attacker, clock.now)).not.toBeNull();
    expect(closedFor).toEqual(['attacker:source-blocked']);
    expect(await owner.verify(RIGHT)).toEqual({ kind: 'accepted', codeLabel: 'Standard' });
  });
});

describe('PIN gate: bounded unlock-code checks (issue #16, review finding C)', () => {
  /** A store whose unlock-code comparison waits until released, counting comparisons. */
  function heldStore(database: PbxDatabase, counter: { compared: number; release: () => void }) {
    let open: Promise<void> = new Promise((resolve) => (counter.release = resolve));
    const store: PinGateStore = {
      gateFacts: (extension, source) => database.gateFacts(extension, source),
      compareUnlockCode: async (extension, code) => {
        counter.compared++;
        const check = await database.compareUnlockCode(extension, code);
        await open;
        return check;
      },
      decidePinCode: (input) => database.decidePinCode(input),
      recordPinEvent: (event) => database.recordPinEvent(event),
    };
    return {
      store,
      reopen: () => (open = new Promise((resolve) => (counter.release = resolve))),
    };
  }

  // Breaks if PinGate.verify stops using its check slots (the third code is hashed and counted:
  // compared 3, wrongCodes 3, no busy verdict), or if a busy code is counted (wrongCodes 3).
  it('beyond the slots and the queue a code gets busy, is not checked and not counted; checked codes count once', async () => {
    const counter = { compared: 0, release: () => {} };
    const { db, clock, log } = await fixture();
    const held = heldStore(db, counter);
    const limited = new PinGate({
      store: held.store,
      rules: { ...DEFAULT_LOCKOUT_RULES, maxPinSessionsPerExtension: 3 },
      capacity: { maxConcurrentPinChecks: 1, maxQueuedPinChecks: 1 },
      now: () => clock.now,
      log: (event, fields = {}) => log.push({ event, fields }),
    });
    const a = session(limited.open('201', '192.0.2.1', 'call-a'));
    const b = session(limited.open('201', '192.0.2.2', 'call-b'));
    const c = session(limited.open('201', '192.0.2.3', 'call-c'));
    const first = a.verify(WRONG);
    const second = b.verify(WRONG);
    // The third finds the one slot busy and the one queue place taken: busy at once, even the right code.
    expect(await c.verify(RIGHT)).toEqual({ kind: 'busy' });
    expect(limited.pinChecks).toEqual({ running: 1, queued: 1 });
    counter.release();
    expect((await first).kind).toBe('wrong');
    expect((await second).kind).toBe('wrong');
    expect(counter.compared).toBe(2);
    expect(db.pinSecurity('201', clock.now)).toMatchObject({ wrongCodes: 2, accepted: 0, refused: 1 });
    expect(log.filter((entry) => entry.event === 'pin-refused').map((entry) => entry.fields['why'])).toEqual([
      'busy',
    ]);
    // With the slots free again the caller who heard "busy" gets the code checked.
    held.reopen();
    const retry = c.verify(RIGHT);
    counter.release();
    expect(await retry).toEqual({ kind: 'accepted', codeLabel: 'Standard' });
    expect(limited.pinChecks).toEqual({ running: 0, queued: 0 });
  });
});
