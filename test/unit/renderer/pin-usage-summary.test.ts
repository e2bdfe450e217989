/** PIN-Nutzung's pure parts (issue #14). What breaks each test is said above it. */
import { describe, expect, it } from 'vitest';
import { codeStatus, formatDay } from '../../../renderer/src/features/call-settings/pin-code-status';
import {
  lastUnlock,
  pinUsageCsv,
  usageByPerson,
} from '../../../renderer/src/features/call-settings/pin-usage-summary';
import type { PinCode, PinUsageCall } from '../../../renderer/src/policy/admin-client';

const code = (overrides: Partial<PinCode>): PinCode => ({
  id: '1',
  label: 'Maria',
  enabled: true,
  validFrom: null,
  validUntil: null,
  createdAt: '2026-11-01T08:00:00.000Z',
  lastUsedAt: null,
  ...overrides,
});

const call = (overrides: Partial<PinUsageCall>): PinUsageCall => ({
  callId: 'c',
  extension: '201',
  codeLabel: 'Maria',
  destination: '+4930123456',
  startedAt: '2026-11-30T09:00:00.000Z',
  durationSeconds: 10,
  outcome: 'ok',
  ...overrides,
});

describe('codeStatus', () => {
  // Breaks when validity days are not inclusive or disabled does not win.
  it('reads enabled, expired and not-yet-valid by whole days, inclusive', () => {
    expect(codeStatus(code({}), '2026-12-02')).toBe('active');
    expect(codeStatus(code({ enabled: false, validUntil: '2020-01-01' }), '2026-12-02')).toBe('disabled');
    expect(codeStatus(code({ validUntil: '2026-12-02' }), '2026-12-02')).toBe('active');
    expect(codeStatus(code({ validUntil: '2026-12-01' }), '2026-12-02')).toBe('expired');
    expect(codeStatus(code({ validFrom: '2026-12-02' }), '2026-12-02')).toBe('active');
    expect(codeStatus(code({ validFrom: '2026-12-03' }), '2026-12-02')).toBe('not-yet-valid');
  });

  // Breaks when a bare date is read as UTC midnight (the day before west of Greenwich).
  it('shows a bare date as that calendar day', () => {
    // West of Greenwich, UTC midnight is the evening before.
    const zone = process.env['TZ'];
    process.env['TZ'] = 'America/New_York';
    try {
      expect(formatDay('2026-12-31', 'de')).toBe('31.12.2026');
    } finally {
      if (zone === undefined) delete process.env['TZ'];
      else process.env['TZ'] = zone;
    }
    expect(formatDay('not a date', 'de')).toBe('not a date');
  });
});

describe('usage by person and the last unlock', () => {
  // Breaks when calls are not grouped by label, talk time not summed, or the unlabeled are lost.
  it('groups by label, most calls first, the calls without a label last', () => {
    const people = usageByPerson([
      call({ codeLabel: null, startedAt: '2026-11-29T09:00:00.000Z' }),
      call({ codeLabel: 'Tom' }),
      call({ codeLabel: 'Maria', durationSeconds: 5 }),
      call({ codeLabel: 'Maria', startedAt: '2026-11-30T11:00:00.000Z' }),
    ]);
    expect(people.map((person) => [person.label, person.calls, person.talkSeconds])).toEqual([
      ['Maria', 2, 15],
      ['Tom', 1, 10],
      [null, 1, 10],
    ]);
    expect(people[0]?.lastCallAt).toBe('2026-11-30T11:00:00.000Z');
  });

  // Breaks when another extension's unlock or an older one is taken.
  it('finds the newest unlock of the extension and who made it', () => {
    const events = [
      { at: '2026-11-30T08:00:00.000Z', extension: '201', kind: 'unlocked', by: 'chef' },
      { at: '2026-11-30T09:00:00.000Z', extension: '201', kind: 'unlocked', by: 'vertretung' },
      { at: '2026-11-30T10:00:00.000Z', extension: '202', kind: 'unlocked', by: 'chef' },
      { at: '2026-11-30T11:00:00.000Z', extension: '201', kind: 'locked', by: null },
    ];
    expect(lastUnlock(events, '201')).toEqual({ at: '2026-11-30T09:00:00.000Z', by: 'vertretung' });
    expect(lastUnlock(events, '203')).toBeNull();
  });
});

describe('pinUsageCsv', () => {
  // Breaks when quoting is missing (a comma or quote in a label shifts the columns) or a phone
  // number gets the formula guard.
  it('quotes by RFC 4180 and guards formulas but not phone numbers', () => {
    const csv = pinUsageCsv([
      call({ codeLabel: 'Vogel, "Lena"' }),
      call({ codeLabel: '@SUM(A1)', destination: '+4930123456' }),
    ]);
    const lines = csv.split('\r\n');
    expect(lines[1]).toBe('c,201,"Vogel, ""Lena""",+4930123456,2026-11-30T09:00:00.000Z,10,ok');
    expect(lines[2]).toBe("c,201,'@SUM(A1),+4930123456,2026-11-30T09:00:00.000Z,10,ok");
    expect(lines[3]).toBe('');
  });
});
