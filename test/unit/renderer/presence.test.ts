import { describe, expect, it } from 'vitest';
import { nextPresence, parseDialogInfo, presenceOf } from '../../../renderer/src/sip/presence';
import { nameFor, searchEntries, targetKey } from '../../../renderer/src/features/directory/directory-lookup';

const doc = (version: number, dialogs: string, state = 'full') =>
  `<?xml version="1.0"?><dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${version}" state="${state}" entity="sip:203@pbx">${dialogs}</dialog-info>`;
const dialog = (state: string, direction = 'initiator') =>
  `<dialog id="d${state}" direction="${direction}"><state>${state}</state></dialog>`;

describe('dialog-info (RFC 4235) as a presence dot', () => {
  it('reads entity, version and dialogs; busy when confirmed, ringing when called, idle when none', () => {
    const info = parseDialogInfo(doc(3, dialog('confirmed')));
    expect(info).toMatchObject({ entity: 'sip:203@pbx', version: 3, full: true });
    expect(info && presenceOf(info)).toBe('busy');
    const ringing = parseDialogInfo(doc(1, dialog('early', 'recipient')));
    expect(ringing && presenceOf(ringing)).toBe('ringing');
    // Placing a call counts as busy from the first moment (trying as initiator).
    const dialling = parseDialogInfo(doc(1, dialog('trying', 'initiator')));
    expect(dialling && presenceOf(dialling)).toBe('busy');
    const ended = parseDialogInfo(doc(4, dialog('terminated')));
    expect(ended && presenceOf(ended)).toBe('idle');
    const idle = parseDialogInfo(doc(0, ''));
    expect(idle && presenceOf(idle)).toBe('idle');
  });

  it('refuses what is not dialog-info: malformed, other root or namespace, no version', () => {
    expect(parseDialogInfo('<dialog-info version="1"')).toBeNull();
    expect(parseDialogInfo('<presence xmlns="urn:ietf:params:xml:ns:pidf"/>')).toBeNull();
    expect(parseDialogInfo('<dialog-info xmlns="urn:other" version="1"/>')).toBeNull();
    expect(parseDialogInfo('<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info"/>')).toBeNull();
  });

  it('ignores a stale version and partial documents (breaks if NOTIFYs out of order win)', () => {
    const busy = nextPresence(null, parseDialogInfo(doc(5, dialog('confirmed'))));
    expect(busy).toEqual({ version: 5, state: 'busy' });
    expect(nextPresence(busy, parseDialogInfo(doc(4, '')))).toBe(busy);
    expect(nextPresence(busy, parseDialogInfo(doc(6, '', 'partial')))).toBe(busy);
    expect(nextPresence(busy, parseDialogInfo(doc(6, '')))).toEqual({ version: 6, state: 'idle' });
    expect(nextPresence(busy, null)).toBe(busy);
  });
});

describe('directory names and search', () => {
  const entries = [
    { extension: '201', name: 'Empfang' },
    { extension: '202', name: 'Lager' },
  ];
  const favourites = [{ target: '+49 30 1234567', name: 'Steuerbüro' }];

  it('finds a name for an extension, a sip: URI of it, or a favourite in another spelling', () => {
    expect(nameFor('201', entries, favourites)).toBe('Empfang');
    expect(nameFor('sip:202@tollgate.test', entries, favourites)).toBe('Lager');
    expect(nameFor('+49301234567', entries, favourites)).toBe('Steuerbüro');
    expect(nameFor('299', entries, favourites)).toBeUndefined();
    expect(nameFor('', entries, favourites)).toBeUndefined();
    expect(targetKey('sip:%32%30%31@x')).toBe('201');
  });

  it('searches names case-insensitively and numbers without separators', () => {
    const byNumber = (entry: { extension: string }) => entry.extension;
    expect(searchEntries(entries, 'lag', byNumber)).toEqual([entries[1]]);
    expect(searchEntries(entries, '20', byNumber)).toEqual(entries);
    expect(searchEntries(entries, '2-01', byNumber)).toEqual([entries[0]]);
    expect(searchEntries(entries, '  ', byNumber)).toEqual(entries);
    expect(searchEntries(entries, 'xyz', byNumber)).toEqual([]);
  });
});
