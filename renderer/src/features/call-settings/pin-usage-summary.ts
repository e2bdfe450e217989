import type { PinUsage, PinUsageCall, PinUsageEvent } from '../../policy/admin-client';

/** The PIN-Nutzung view's figures, from the admin API's answer alone (no code is in it, ever). */

export interface PersonUsage {
  /** The code's label; null: calls without a labelled code (a PBX before personal codes). */
  label: string | null;
  calls: number;
  talkSeconds: number;
  lastCallAt: string;
}

/** Paid calls grouped by the person (the code's label), most calls first, then by name. */
export function usageByPerson(calls: readonly PinUsageCall[]): PersonUsage[] {
  const people = new Map<string | null, PersonUsage>();
  for (const call of calls) {
    const person = people.get(call.codeLabel) ?? {
      label: call.codeLabel,
      calls: 0,
      talkSeconds: 0,
      lastCallAt: call.startedAt,
    };
    person.calls += 1;
    person.talkSeconds += call.durationSeconds;
    if (call.startedAt > person.lastCallAt) person.lastCallAt = call.startedAt;
    people.set(call.codeLabel, person);
  }
  return [...people.values()].sort(
    (a, b) => b.calls - a.calls || (a.label ?? '\uffff').localeCompare(b.label ?? '\uffff'),
  );
}

const FAILURES = new Set(['wrong-code', 'timeout']);
const LOCKOUTS = new Set(['locked', 'quarantined']);

/** Failed PIN entries and lockouts (what the admin must look at), newest first. */
export function failureEvents(usage: PinUsage): PinUsageEvent[] {
  return newestFirst(usage.events.filter((event) => FAILURES.has(event.kind) || LOCKOUTS.has(event.kind)));
}

/** Admin actions (unlocks, codes added, disabled, deleted) with who did them, newest first. */
export function auditEvents(events: readonly PinUsageEvent[]): PinUsageEvent[] {
  return newestFirst(events.filter((event) => !FAILURES.has(event.kind) && !LOCKOUTS.has(event.kind)));
}

export function failureCounts(usage: PinUsage): { failures: number; lockouts: number } {
  let failures = 0;
  let lockouts = 0;
  for (const event of usage.events) {
    if (FAILURES.has(event.kind)) failures += 1;
    if (LOCKOUTS.has(event.kind)) lockouts += 1;
  }
  return { failures, lockouts };
}

/** The last time an extension was unlocked and by whom, if the events say so. */
export function lastUnlock(
  events: readonly PinUsageEvent[],
  extension: string,
): { at: string; by: string | null } | null {
  const unlock = newestFirst(
    events.filter((event) => event.extension === extension && event.kind === 'unlocked'),
  )[0];
  return unlock ? { at: unlock.at, by: unlock.by } : null;
}

function newestFirst(events: readonly PinUsageEvent[]): PinUsageEvent[] {
  return [...events].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

export const CSV_COLUMNS = [
  'callId',
  'extension',
  'codeLabel',
  'destination',
  'startedAt',
  'durationSeconds',
  'outcome',
] as const;

/**
 * The calls as CSV (RFC 4180, CRLF), built from the validated JSON: only these columns exist, so
 * nothing else the PBX might hold can reach the file. A cell that a spreadsheet would run as a
 * formula (=, +, -, @ at the start) is prefixed with `'`, except a phone number (`+49…`).
 */
export function pinUsageCsv(calls: readonly PinUsageCall[]): string {
  const rows = calls.map((call) => [
    call.callId,
    call.extension,
    call.codeLabel ?? '',
    call.destination,
    call.startedAt,
    String(call.durationSeconds),
    call.outcome,
  ]);
  return [[...CSV_COLUMNS], ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^\+[0-9]{1,32}$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
