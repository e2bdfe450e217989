/**
 * Verzeichnis on the screen (issue #13): colleagues from the PBX's directory, local favourites
 * (settings), search, click to call, search as you type under the number field, and a PBX without a
 * directory. The whole app over the fake sip.js and a fake PBX API. What breaks each test is said
 * above it.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetDirectoryStoreForTests } from '../../../renderer/src/features/directory/use-directory';
import { samplePolicy } from '../../support/sample-policy';
import { renderPhone } from './support/call-screen-harness';
import { Inviter, resetFakeSip } from './support/fake-sip';

vi.mock('sip.js', () => import('./support/fake-sip'));

let directoryStatus = 200;
beforeEach(() => {
  sessionStorage.clear();
  resetFakeSip();
  resetDirectoryStoreForTests();
  directoryStatus = 200;
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
  vi.stubGlobal('fetch', (async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.endsWith('/token')) return Response.json({ token: 't' });
    if (url.endsWith('/policy/directory'))
      return directoryStatus === 200
        ? Response.json({
            entries: [
              { extension: '201', name: 'Empfang' },
              { extension: '202', name: 'Lager' },
              { extension: '205', name: 'Anna Berg' },
            ],
            presence: false,
          })
        : new Response(null, { status: directoryStatus });
    return new Response(null, { status: 404 });
  }) as typeof fetch);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const panel = () => screen.getByRole('tabpanel');

describe('Verzeichnis', () => {
  // Breaks when the directory is not loaded from the PBX, search does not filter, or a click does
  // not dial the colleague's extension.
  it('lists colleagues, filters as you type and calls one with a click', async () => {
    await renderPhone(samplePolicy());
    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Verzeichnis' }));
    const colleagues = await within(panel()).findByRole('list', { name: 'Kolleginnen und Kollegen' });
    expect(within(colleagues).getAllByTestId('directory-entry')).toHaveLength(3);
    // No presence from this PBX: no dots, and the tab says so.
    expect(within(panel()).queryByRole('img')).toBeNull();
    expect(screen.getByTestId('directory-status')).toHaveTextContent('nicht an, wer gerade telefoniert');

    await user.type(within(panel()).getByLabelText('Name oder Nummer suchen'), 'ann');
    expect(within(colleagues).getAllByTestId('directory-entry')).toHaveLength(1);
    await user.click(within(panel()).getByRole('button', { name: 'Anna Berg (205) anrufen' }));
    await waitFor(() => expect(Inviter.last).not.toBeNull());
    expect((Inviter.last?.target as { text?: string } | undefined)?.text).toMatch(/^sip:205@/);
    expect(screen.getByRole('tab', { name: 'Telefon' })).toHaveAttribute('aria-selected', 'true');
  });

  // Breaks when a star does not save the favourite in the settings (updatePreferences), or an added
  // outside number is not listed with its name.
  it('keeps favourites in the settings: star a colleague, add an outside number, remove again', async () => {
    await renderPhone(samplePolicy(), { languages: ['en-US'] });
    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Directory' }));
    await within(panel()).findByRole('list', { name: 'Colleagues' });
    expect(within(panel()).getByText(/No favourites yet/)).toBeInTheDocument();
    await user.click(within(panel()).getByRole('button', { name: 'Add Lager (202) to favourites' }));
    const favourites = await within(panel()).findByRole('list', { name: 'Favourites' });
    expect(within(favourites).getByText('Lager')).toBeInTheDocument();

    await user.click(within(panel()).getByRole('button', { name: 'Add' }));
    expect(within(panel()).getByRole('alert')).toHaveTextContent('Enter a number');
    await user.type(within(panel()).getByLabelText('Number or SIP address'), '+49 30 1234567');
    await user.type(within(panel()).getByLabelText('Name (optional)'), 'Tax office');
    await user.click(within(panel()).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(within(favourites).getAllByTestId('directory-entry')).toHaveLength(2));
    expect(within(favourites).getByText('Tax office')).toBeInTheDocument();

    await user.click(within(favourites).getByRole('button', { name: 'Remove Lager (202) from favourites' }));
    await waitFor(() => expect(within(favourites).getAllByTestId('directory-entry')).toHaveLength(1));
    const results = await axe.run(panel());
    expect(results.violations).toEqual([]);
  });

  // Breaks when typing in the number field does not offer matching colleagues, or picking one
  // dials at once (it must only fill the field).
  it('offers matching entries under the number field and fills it in when one is chosen', async () => {
    await renderPhone(samplePolicy());
    const user = userEvent.setup();
    const field = screen.getByLabelText('Rufnummer');
    await user.type(field, 'Lag');
    const matches = await screen.findByTestId('directory-matches');
    await user.click(within(matches).getByRole('button', { name: 'Lager (202)' }));
    expect(field).toHaveValue('202');
    expect(Inviter.last).toBeNull();
  });

  // Breaks when a PBX without the directory API leaves the tab empty or broken: favourites must
  // still work, and the tab says the PBX offers no directory.
  it('without a directory on the PBX: says so and keeps the favourites', async () => {
    directoryStatus = 404;
    await renderPhone(samplePolicy());
    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Verzeichnis' }));
    await waitFor(() =>
      expect(screen.getByTestId('directory-status')).toHaveTextContent('bietet kein Verzeichnis'),
    );
    expect(within(panel()).queryByRole('list', { name: 'Kolleginnen und Kollegen' })).toBeNull();
    await user.type(within(panel()).getByLabelText('Nummer oder SIP-Adresse'), '0301234567');
    await user.click(within(panel()).getByRole('button', { name: 'Hinzufügen' }));
    const favourites = await within(panel()).findByRole('list', { name: 'Favoriten' });
    expect(within(favourites).getByText('0301234567')).toBeInTheDocument();
  });
});
