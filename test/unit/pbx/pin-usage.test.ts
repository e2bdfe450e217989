import { describe, expect, it } from 'vitest';
import { codeView, csvField, pinUsageCsv, pinUsageView } from '../../../test/pbx/api/pin-usage';

/** The admin API's views of codes and PIN use (issue #14): what leaves the PBX, and in what form. */
describe('PIN-usage views', () => {
  // Breaks when codeView spreads the row (a field added to the row, e.g. a hash, would then leave).
  it('a code view has exactly the contract fields, times as ISO 8601', () => {
    const row = {
      id: 7,
      extension: '201',
      label: 'Lena',
      enabled: true,
      validFrom: '2026-01-01',
      validUntil: null,
      createdAt: Date.UTC(2026, 0, 1),
      lastUsedAt: null,
      hash: 'scrypt-peppered$…',
    };
    expect(codeView(row)).toEqual({
      id: 7,
      label: 'Lena',
      enabled: true,
      validFrom: '2026-01-01',
      validUntil: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      lastUsedAt: null,
    });
  });

  it('duration is the answered time, 0 for a call never answered; events carry codeLabel only when known', () => {
    const view = pinUsageView({
      calls: [
        {
          callId: 'a',
          extension: '201',
          codeLabel: 'Lena',
          destination: '+4930',
          startedAt: 0,
          answeredAt: 2_000,
          endedAt: 63_400,
          pinOutcome: 'ok',
        },
        {
          callId: 'b',
          extension: '201',
          codeLabel: null,
          destination: '+4930',
          startedAt: 0,
          answeredAt: null,
          endedAt: 9_000,
          pinOutcome: 'failed',
        },
      ],
      events: [
        { at: 0, extension: '201', kind: 'wrong-code', by: null, codeLabel: null },
        { at: 0, extension: '201', kind: 'code-added', by: 'admin', codeLabel: 'Lena' },
      ],
    });
    expect(view.calls.map((call) => call.durationSeconds)).toEqual([61, 0]);
    expect(view.events[0]).toEqual({
      at: '1970-01-01T00:00:00.000Z',
      extension: '201',
      kind: 'wrong-code',
      by: null,
    });
    expect(view.events[1]).toMatchObject({ kind: 'code-added', by: 'admin', codeLabel: 'Lena' });
  });

  // Breaks without the quoting (a comma in a label shifts the columns) or the formula guard.
  it('CSV: RFC 4180 quoting, no formula from a label, numbers left as numbers', () => {
    expect(csvField('Vogel, Lena')).toBe('"Vogel, Lena"');
    expect(csvField('Lena "LV" Vogel')).toBe('"Lena ""LV"" Vogel"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('+49301234567', false)).toBe('+49301234567');
    expect(csvField(null)).toBe('');
    const csv = pinUsageCsv([
      {
        callId: 'c1',
        extension: '201',
        codeLabel: 'Vogel, Lena',
        destination: '+49301234567',
        startedAt: '2026-12-02T01:00:00.000Z',
        durationSeconds: 61,
        outcome: 'ok',
      },
    ]);
    expect(csv).toBe(
      'callId,extension,codeLabel,destination,startedAt,durationSeconds,outcome\r\n' +
        'c1,201,"Vogel, Lena",+49301234567,2026-12-02T01:00:00.000Z,61,ok\r\n',
    );
  });
});
