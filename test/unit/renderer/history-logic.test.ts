/**
 * Verlauf's pure parts (issue #13, #14): how a number reads, what the search finds, the missed-call
 * count and deleting, and whose code opened a PIN call. What breaks each test is said above it.
 */
import { describe, expect, it } from 'vitest';
import { pinEventOfIvrSignal } from '../../../renderer/src/features/phone/ivr-signal-events';
import { initialPin, pinTransition } from '../../../renderer/src/features/phone/pin-phase';
import { historyEntryOf } from '../../../renderer/src/phone/phone-context';
import type { CallView } from '../../../renderer/src/sip/softphone';
import { matchesQuery } from '../../../renderer/src/features/history/history-search';
import { CallHistory, historyKeyOf, type HistoryEntry } from '../../../renderer/src/history/call-history';
import { displayNumber } from '../../../renderer/src/history/display-number';
import { memoryStorage } from '../../support/browser-host-fixture';

function entry(overrides: Partial<HistoryEntry>): HistoryEntry {
  return {
    id: overrides.id ?? 'c1',
    number: '0301234567',
    name: null,
    direction: 'outgoing',
    startedAt: 1_700_000_000_000,
    durationS: 5,
    outcome: 'completed',
    pin: 'not-required',
    ...overrides,
  };
}

describe('displayNumber', () => {
  // Breaks when numbers are shown raw (no libphonenumber-js) or all internationally.
  it('formats the company country nationally and others internationally', () => {
    expect(displayNumber('0301234567', 'DE')).toBe('030 1234567');
    expect(displayNumber('+49301234567', 'DE')).toBe('030 1234567');
    expect(displayNumber('+442079460018', 'DE')).toBe('+44 20 7946 0018');
    expect(displayNumber('00442079460018', 'DE')).toBe('+44 20 7946 0018');
    expect(displayNumber('+49301234567', 'AT')).toBe('+49 30 1234567');
  });

  // Breaks when short numbers go through the parser (205 would become something else) or URIs keep sip:.
  it('keeps extensions, service codes, names and invalid numbers; shows sip: URIs as user@host', () => {
    expect(displayNumber('205', 'DE')).toBe('205');
    expect(displayNumber('*43', 'DE')).toBe('*43');
    expect(displayNumber('alice', 'DE')).toBe('alice');
    expect(displayNumber('0301', 'DE')).toBe('0301');
    expect(displayNumber('sip:alice@example.org', 'DE')).toBe('alice@example.org');
    expect(displayNumber('0301234567', null)).toBe('0301234567');
    expect(displayNumber('+442079460018', null)).toBe('+44 20 7946 0018');
  });
});

describe('matchesQuery', () => {
  const context = { country: 'DE', directoryName: undefined };
  // Breaks when the search compares raw text only: "030 123" and "+4930" would not find 0301234567.
  it('finds a number however it is typed', () => {
    const call = entry({ number: '0301234567' });
    for (const query of ['0301234567', '030 1234', '030-123', '+4930123', '0049 30 123', '1234567'])
      expect(matchesQuery(call, query, context), query).toBe(true);
    expect(matchesQuery(call, '0401', context)).toBe(false);
  });

  // Breaks when names from the directory or the code's label are not searched.
  it('finds names from the directory, the caller’s name and the code’s label, in any case', () => {
    expect(
      matchesQuery(entry({ number: '205' }), 'anna', { country: 'DE', directoryName: 'Anna Berg' }),
    ).toBe(true);
    expect(matchesQuery(entry({ name: 'Bob' }), 'BOB', context)).toBe(true);
    expect(matchesQuery(entry({ codeLabel: 'Maria' }), 'mar', context)).toBe(true);
    expect(matchesQuery(entry({ number: '205' }), 'anna', context)).toBe(false);
    expect(matchesQuery(entry({}), '   ', context)).toBe(true);
  });
});

describe('CallHistory: missed, seen, delete', () => {
  const missed = (id: string, startedAt: number) =>
    entry({ id, direction: 'incoming', outcome: 'missed', startedAt, durationS: 0 });

  // Breaks when the count ignores "seen", counts refused or answered calls, or forgets per account.
  it('counts missed calls until the tab was seen, per account and across restarts', () => {
    const storage = memoryStorage();
    const history = new CallHistory(storage);
    history.switchAccount('201@pbx');
    history.add(missed('m1', 1000));
    history.add(entry({ id: 'r1', direction: 'incoming', outcome: 'refused-dnd', startedAt: 1500 }));
    history.add(entry({ id: 'a1', direction: 'incoming', outcome: 'completed', startedAt: 1600 }));
    expect(history.unseenMissed()).toBe(1);
    history.markSeen();
    expect(history.unseenMissed()).toBe(0);
    history.add(missed('m2', 2000));
    expect(history.unseenMissed()).toBe(1);

    const again = new CallHistory(storage);
    again.switchAccount('201@pbx');
    expect(again.unseenMissed()).toBe(1);
    again.switchAccount('202@pbx');
    expect(again.unseenMissed()).toBe(0);
  });

  // Breaks when remove deletes more than the one entry or does not save.
  it('deletes one entry and keeps the rest in storage', () => {
    const storage = memoryStorage();
    const history = new CallHistory(storage);
    history.switchAccount('201@pbx');
    history.add(entry({ id: 'a' }));
    history.add(entry({ id: 'b' }));
    history.remove('a');
    expect(history.list().map((item) => item.id)).toEqual(['b']);
    expect(JSON.parse(storage.getItem(historyKeyOf('201@pbx')) ?? '[]')).toHaveLength(1);
  });

  // Breaks when the schema refuses URIs (the entry would be dropped silently) or accepts spaces.
  it('keeps sip: URIs as dialled and the code’s label, never anything else', () => {
    const history = new CallHistory(memoryStorage());
    history.switchAccount('201@pbx');
    history.add(entry({ id: 'u', number: 'sip:alice@example.org' }));
    history.add(entry({ id: 'bad', number: 'sip:alice @example.org' }));
    history.add(entry({ id: 'l', codeLabel: 'Maria', pin: 'accepted' }));
    expect(history.list().map((item) => item.id)).toEqual(['l', 'u']);
    expect(history.list()[0]).not.toHaveProperty('code');
  });
});

describe('codeLabel from the accepted signal', () => {
  // Breaks when ivr-signal-events or pin-phase drop the label (Verlauf would not say "PIN von …").
  it('travels from the PBX signal into the PIN state; a PBX without it leaves none', () => {
    const signal = { phase: 'accepted', codeLabel: 'Maria' } as Parameters<typeof pinEventOfIvrSignal>[0];
    const event = pinEventOfIvrSignal(signal, 0);
    expect(event).toEqual({ type: 'accepted', codeLabel: 'Maria' });
    const state = pinTransition(
      { ...initialPin('required'), phase: 'checking' },
      event ?? { type: 'accepted' },
    );
    expect(state.codeLabel).toBe('Maria');
    expect(pinEventOfIvrSignal({ phase: 'accepted' }, 0)).toEqual({ type: 'accepted' });
  });
});

describe('codeLabel from the connected signal (early-media style)', () => {
  // In early media the PBX's `accepted` goes out before the answer and is lost (no INFO without
  // 100rel); only `connected` arrives. Breaks when ivr-signal-events ignores `connected`'s codeLabel
  // or pin-phase drops it on destination-answered (seen failing: codeLabel null in the entry).
  it('reaches the Verlauf entry from connected alone', () => {
    const event = pinEventOfIvrSignal(
      { phase: 'connected', destination: '+4930', codeLabel: 'Maria' },
      5_000,
    );
    expect(event).toEqual({ type: 'destination-answered', at: 5_000, codeLabel: 'Maria' });
    const pin = pinTransition(
      { ...initialPin('required'), phase: 'checking', submittedAt: 1_000 },
      event ?? { type: 'checking' },
    );
    const call = {
      id: 'c1',
      number: '+4930',
      name: null,
      direction: 'outgoing',
      startedAt: 0,
      state: { answeredAt: 500, endedAt: 65_000, outcome: 'completed' },
      callClass: 'international',
      protectedPaid: true,
      pin,
    } as unknown as CallView; // only the fields historyEntryOf reads
    expect(historyEntryOf(call)).toMatchObject({ pin: 'accepted', codeLabel: 'Maria', durationS: 60 });
  });

  // Breaks when a blank label, or connected without one, would overwrite the label from accepted.
  it('keeps the label from accepted; blank or missing on connected adds none', () => {
    const accepted = pinTransition(initialPin('required'), { type: 'accepted', codeLabel: 'Maria' });
    const blank = pinEventOfIvrSignal({ phase: 'connected', destination: '+4930', codeLabel: '  ' }, 1);
    expect(blank).toEqual({ type: 'destination-answered', at: 1 });
    const answered = blank ?? { type: 'destination-answered' as const, at: 1 };
    expect(pinTransition(accepted, answered).codeLabel).toBe('Maria');
    expect(pinTransition(initialPin('required'), answered).codeLabel).toBeUndefined();
  });
});
