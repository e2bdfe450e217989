import type { PinUsage, UnlockCodeRow } from '../store/ports';

/**
 * The admin API's views of personal unlock codes and PIN use (issue #14), from the store's rows. A
 * code's view has no code and no hash, because the row it is made from has none (store/unlock-codes.ts
 * keeps those in columns it never reads into a row). Times are ISO 8601.
 */
export function codeView(code: UnlockCodeRow) {
  return {
    id: code.id,
    label: code.label,
    enabled: code.enabled,
    validFrom: code.validFrom,
    validUntil: code.validUntil,
    createdAt: new Date(code.createdAt).toISOString(),
    lastUsedAt: code.lastUsedAt === null ? null : new Date(code.lastUsedAt).toISOString(),
  };
}

const iso = (at: number) => new Date(at).toISOString();

/** The PIN-usage JSON: `durationSeconds` is the answered time (0 for a call never answered). */
export function pinUsageView(usage: PinUsage) {
  return {
    calls: usage.calls.map((call) => ({
      callId: call.callId,
      extension: call.extension,
      codeLabel: call.codeLabel,
      destination: call.destination,
      startedAt: iso(call.startedAt),
      durationSeconds:
        call.answeredAt !== null && call.endedAt !== null
          ? Math.max(0, Math.round((call.endedAt - call.answeredAt) / 1000))
          : 0,
      outcome: call.pinOutcome,
    })),
    events: usage.events.map((event) => ({
      at: iso(event.at),
      extension: event.extension,
      kind: event.kind,
      by: event.by,
      ...(event.codeLabel !== null ? { codeLabel: event.codeLabel } : {}),
    })),
  };
}

export const PIN_USAGE_CSV_COLUMNS = [
  'callId',
  'extension',
  'codeLabel',
  'destination',
  'startedAt',
  'durationSeconds',
  'outcome',
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A text that a
 * spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR: OWASP's CSV
 * injection rule) gets a leading `'` — labels are typed by admins; destinations are normalised
 * numbers (`+49…`), left as they are so the number stays the number.
 */
export function csvField(value: string | number | null, text = true): string {
  let field = value === null ? '' : String(value);
  if (text && /^[=+\-@\t\r]/.test(field)) field = `'${field}`;
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/** The calls of the PIN-usage view as CSV (header row, CRLF). There is no code in it to leave out. */
export function pinUsageCsv(calls: ReturnType<typeof pinUsageView>['calls']): string {
  const lines = [PIN_USAGE_CSV_COLUMNS.join(',')];
  for (const call of calls)
    lines.push(
      [
        csvField(call.callId),
        csvField(call.extension),
        csvField(call.codeLabel),
        csvField(call.destination, false),
        csvField(call.startedAt),
        csvField(call.durationSeconds, false),
        csvField(call.outcome),
      ].join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}
