/**
 * Verlauf on the screen (issue #13, #14): formatted numbers with directory names, the stored value
 * dialled back, the missed-call badge, search, deleting one or all (each asks first), refused calls
 * and "PIN von <label>". The whole app over the fake sip.js and a fake PBX API with a directory.
 * What breaks each test is said above it.
 */
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetDirectoryStoreForTests } from '../../../renderer/src/features/directory/use-directory';
import type { HistoryEntry } from '../../../renderer/src/history/call-history';
import { samplePolicy } from '../../support/sample-policy';
import { renderPhone } from './support/call-screen-harness';
import { FakeMessage, Inviter, resetFakeSip } from './support/fake-sip';

vi.mock('sip.js', () => import('./support/fake-sip'));

beforeEach(() => {
  sessionStorage.clear();
  resetFakeSip();
  resetDirectoryStoreForTests();
  // jsdom has no media playback; the phone plays the far end's audio on answer.
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
  // The directory (E1's store) asks window.fetch: 205 is Anna Berg.
  vi.stubGlobal('fetch', (async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.endsWith('/token')) return Response.json({ token: 't' });
    if (url.endsWith('/policy/directory'))
      return Response.json({ entries: [{ extension: '205', name: 'Anna Berg' }], presence: false });
    return new Response(null, { status: 404 });
  }) as typeof fetch);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

let clock = 1_764_000_000_000;
function call(overrides: Partial<HistoryEntry>): HistoryEntry {
  clock += 60_000;
  return {
    id: `c${clock}`,
    number: '0301234567',
    name: null,
    direction: 'outgoing',
    startedAt: clock,
    durationS: 65,
    outcome: 'completed',
    pin: 'not-required',
    ...overrides,
  };
}

const panel = () => screen.getByRole('tabpanel');
const entries = () => within(panel()).queryAllByTestId('history-entry');

describe('Verlauf entries', () => {
  // Breaks when numbers are shown raw, names do not come from the directory, or calling back dials
  // the formatted text instead of the stored value.
  it('formats numbers for the company, names colleagues from the directory and calls back the stored value', async () => {
    const harness = await renderPhone(samplePolicy());
    act(() => {
      harness.history.add(call({ number: '+442079460018' }));
      harness.history.add(call({ number: '205', direction: 'incoming' }));
      harness.history.add(call({ number: 'sip:alice@example.org' }));
    });
    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Verlauf' }));
    await waitFor(() => expect(entries()[1]).toHaveTextContent('Anna Berg (205)'));
    expect(entries()[0]).toHaveTextContent('alice@example.org');
    expect(entries()[0]).not.toHaveTextContent('sip:');
    expect(entries()[2]).toHaveTextContent('+44 20 7946 0018');

    await user.click(screen.getByRole('button', { name: '+44 20 7946 0018 anrufen' }));
    // A paid number waits on the Telefon tab with the warning; the field holds the stored value.
    expect(screen.getByLabelText('Rufnummer')).toHaveValue('+442079460018');
  });

  // Breaks when a refused call reads like a missed one, or the label of the code is not shown.
  it('shows refused calls as refused and whose code opened a PIN call — in both languages', async () => {
    const harness = await renderPhone(samplePolicy(), { languages: ['en-GB'] });
    act(() => {
      harness.history.add(
        call({ number: '206', direction: 'incoming', outcome: 'refused-dnd', durationS: 0 }),
      );
      harness.history.add(call({ number: '+442079460018', pin: 'accepted', codeLabel: 'Maria' }));
    });
    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'History' }));
    expect(entries()[0]).toHaveTextContent('PIN accepted · PIN by Maria');
    expect(entries()[1]).toHaveTextContent('refused: do not disturb');
    expect(entries()[1]).not.toHaveTextContent('Missed');
  });

  it('says "PIN von <label>" in German', async () => {
    const harness = await renderPhone(samplePolicy());
    act(() => harness.history.add(call({ number: '+442079460018', pin: 'accepted', codeLabel: 'Maria' })));
    await userEvent.setup().click(screen.getByRole('tab', { name: 'Verlauf' }));
    expect(screen.getByTestId('history-code-label')).toHaveTextContent('PIN von Maria');
  });
});

describe('missed calls', () => {
  // Breaks when the badge does not count missed calls, counts them after the tab was seen, or changes
  // the tab's name (its count is a description).
  it('are marked and counted on the Verlauf tab until it is opened', async () => {
    const harness = await renderPhone(samplePolicy());
    act(() => {
      harness.history.add(call({ number: '205', direction: 'incoming', outcome: 'missed', durationS: 0 }));
      harness.history.add(call({ number: '206', direction: 'incoming', outcome: 'missed', durationS: 0 }));
      harness.history.add(call({ number: '207', direction: 'incoming', outcome: 'completed' }));
    });
    const tab = screen.getByRole('tab', { name: 'Verlauf' });
    expect(tab).toHaveAccessibleDescription('2 verpasste Anrufe');
    expect(within(tab).getByTestId('missed-badge')).toHaveTextContent('2');

    const user = userEvent.setup();
    await user.click(tab);
    expect(within(panel()).getAllByText('Verpasst:')).toHaveLength(2);
    expect(entries().filter((entry) => entry.dataset.missed)).toHaveLength(2);
    await waitFor(() => expect(within(tab).queryByTestId('missed-badge')).toBeNull());
    expect(tab).toHaveAccessibleDescription('');

    await user.click(screen.getByRole('tab', { name: 'Telefon' }));
    act(() =>
      harness.history.add(call({ number: '208', direction: 'incoming', outcome: 'missed', durationS: 0 })),
    );
    expect(screen.getByRole('tab', { name: 'Verlauf' })).toHaveAccessibleDescription('1 verpasster Anruf');
  });
});

describe('search and delete', () => {
  // Breaks when the search misses names from the directory or numbers typed another way.
  it('finds entries by directory name and by number however typed', async () => {
    const harness = await renderPhone(samplePolicy());
    act(() => {
      harness.history.add(call({ number: '205' }));
      harness.history.add(call({ number: '0301234567' }));
      harness.history.add(call({ number: '+442079460018' }));
    });
    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Verlauf' }));
    await waitFor(() => expect(panel()).toHaveTextContent('Anna Berg'));
    const search = screen.getByLabelText('Verlauf durchsuchen');
    await user.type(search, 'anna');
    expect(entries()).toHaveLength(1);
    expect(entries()[0]).toHaveTextContent('Anna Berg (205)');
    expect(screen.getByRole('status', { name: '' })).toHaveTextContent('1 Anruf gefunden');
    await user.clear(search);
    await user.type(search, '+49 30 123');
    expect(entries()).toHaveLength(1);
    expect(entries()[0]).toHaveTextContent('030 1234567');
    await user.clear(search);
    await user.type(search, 'niemand');
    expect(panel()).toHaveTextContent('Kein Anruf passt zur Suche.');
  });

  // Breaks when deleting goes without asking, Cancel deletes, or more than the one entry goes.
  it('deletes one entry after asking, focus on Cancel', async () => {
    const harness = await renderPhone(samplePolicy());
    act(() => {
      harness.history.add(call({ number: '205' }));
      harness.history.add(call({ number: '0301234567' }));
    });
    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Verlauf' }));
    await user.click(screen.getByRole('button', { name: 'Anruf mit 030 1234567 aus dem Verlauf löschen' }));
    const question = screen.getByRole('group', { name: 'Anruf mit 030 1234567 löschen?' });
    expect(within(question).getByRole('button', { name: 'Abbrechen' })).toHaveFocus();
    await user.click(within(question).getByRole('button', { name: 'Abbrechen' }));
    expect(harness.history.list()).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: 'Anruf mit 030 1234567 aus dem Verlauf löschen' }));
    await user.click(within(screen.getByRole('group')).getByRole('button', { name: 'Löschen' }));
    expect(harness.history.list().map((entry) => entry.number)).toEqual(['205']);
  });

  // Breaks when "clear history" goes without asking or leaves entries behind.
  it('deletes the whole history after asking', async () => {
    const harness = await renderPhone(samplePolicy());
    act(() => {
      harness.history.add(call({ number: '205' }));
      harness.history.add(call({ number: '206' }));
    });
    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Verlauf' }));
    await user.click(screen.getByRole('button', { name: 'Verlauf löschen' }));
    const question = screen.getByRole('group', { name: 'Den ganzen Verlauf dieses Kontos löschen?' });
    expect(within(question).getByRole('button', { name: 'Abbrechen' })).toHaveFocus();
    await user.click(within(question).getByRole('button', { name: 'Alles löschen' }));
    expect(harness.history.list()).toEqual([]);
    expect(panel()).toHaveTextContent('Noch keine Anrufe.');
  });
});

describe('PIN von <label>, from the PBX to Verlauf', () => {
  function deliver(body: object) {
    const onInfo = Inviter.last?.delegate?.['onInfo'] as ((info: unknown) => void) | undefined;
    act(() =>
      onInfo?.({
        request: new FakeMessage(
          { 'content-type': 'application/vnd.tollgate.ivr+json', 'info-package': 'tollgate-ivr' },
          JSON.stringify({ v: 1, ...body }),
        ),
        accept: () => Promise.resolve(),
        reject: () => Promise.resolve(),
      }),
    );
  }

  // Breaks when the label of the accepted signal is lost on the way (signal -> PIN step -> history
  // entry) or when a PBX that sends none gets a label made up.
  it('keeps the label of the code the PBX accepted, and shows none where the PBX said none', async () => {
    const harness = await renderPhone(samplePolicy());
    const user = userEvent.setup();
    for (const [seq, label] of [
      [1, 'Maria'],
      [10, undefined],
    ] as const) {
      await user.click(screen.getByRole('tab', { name: 'Telefon' }));
      await user.type(screen.getByLabelText('Rufnummer'), '030 1234567');
      await user.click(screen.getByRole('button', { name: 'Anrufen' }));
      await screen.findByTestId('call-panel', {}, { timeout: 20_000 });
      act(() => harness.answer());
      deliver({ seq, phase: 'prompt', attempt: 1, attempts: 3 });
      await user.keyboard('9080#');
      deliver({ seq: seq + 1, phase: 'accepted', ...(label ? { codeLabel: label } : {}) });
      deliver({ seq: seq + 2, phase: 'connected', destination: '+49301234567' });
      await user.click(await screen.findByRole('button', { name: 'Auflegen' }));
      await user.clear(screen.getByLabelText('Rufnummer'));
    }
    await user.click(screen.getByRole('tab', { name: 'Verlauf' }));
    expect(entries()[1]).toHaveTextContent('PIN angenommen · PIN von Maria');
    expect(entries()[0]).toHaveTextContent('PIN angenommen');
    expect(entries()[0]).not.toHaveTextContent('PIN von');
    expect(harness.history.list().map((entry) => entry.codeLabel)).toEqual([null, 'Maria']);
  });
});
