import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../../renderer/src/app/App';
import { browserHostForTest, memoryStorage } from '../../support/browser-host-fixture';
import { offlinePhoneServices } from '../../support/phone-services-stub';

beforeEach(() => sessionStorage.clear());

async function renderApp(options: Parameters<typeof browserHostForTest>[0] = {}) {
  const host = browserHostForTest(options);
  const view = render(<App host={host} phoneServices={offlinePhoneServices} />);
  await screen.findByRole('tablist');
  return { host, ...view };
}

async function expectNoAxeViolations(container: HTMLElement) {
  // Colour contrast needs real layout, which jsdom lacks; Playwright checks it in Chromium.
  const results = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } });
  expect(
    results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.html).join(', ')})`),
  ).toEqual([]);
}

describe('App shell', () => {
  it('speaks German on a German system and opens the account tab when nothing is set up', async () => {
    await renderApp({ languages: ['de-DE'] });
    expect(screen.getByRole('tab', { name: 'Konto' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getAllByRole('tab').map((tab) => tab.textContent)).toEqual([
      'Telefon',
      'Verzeichnis',
      'Verlauf',
      'Anrufeinstellungen',
      'Konto',
    ]);
    expect(screen.getByTestId('registration-state')).toHaveTextContent('Kein Konto eingerichtet');
    expect(document.documentElement.lang).toBe('de');
  });

  it('speaks English elsewhere and switches language on request, remembering it', async () => {
    const storage = memoryStorage();
    const user = userEvent.setup();
    const { unmount } = await renderApp({ storage, languages: ['en-US'] });
    expect(screen.getByRole('tab', { name: 'Account' })).toBeInTheDocument();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Language' }), 'de');
    expect(await screen.findByRole('tab', { name: 'Konto' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('de');
    unmount();
    await renderApp({ storage, languages: ['en-US'] });
    expect(screen.getByRole('tab', { name: 'Konto' })).toBeInTheDocument();
  });

  it('moves between tabs with the arrow keys', async () => {
    const user = userEvent.setup();
    await renderApp();
    screen.getByRole('tab', { name: 'Konto' }).focus();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Telefon' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tab', { name: 'Telefon' })).toHaveFocus();
    await user.keyboard('{End}');
    expect(screen.getByRole('tab', { name: 'Konto' })).toHaveAttribute('aria-selected', 'true');
    await user.keyboard('{ArrowLeft}{ArrowLeft}');
    expect(screen.getByRole('tabpanel')).toHaveTextContent('Verlauf');
  });

  it('fills the number from a tel: link without dialling', async () => {
    await renderApp({ search: '?link=tel%3A%2B49-30-1234567' });
    expect(screen.getByRole('tab', { name: 'Telefon' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByLabelText('Rufnummer')).toHaveValue('+49301234567');
    expect(screen.getByRole('button', { name: 'Anrufen' })).toBeDisabled();
  });

  it('is free of accessibility violations on every tab', async () => {
    const user = userEvent.setup();
    const { container } = await renderApp();
    for (const name of ['Telefon', 'Verlauf', 'Anrufeinstellungen', 'Konto']) {
      await user.click(screen.getByRole('tab', { name }));
      await expectNoAxeViolations(container);
    }
  });
});

describe('account form', () => {
  it('shows what is wrong next to each field and marks it invalid', async () => {
    const user = userEvent.setup();
    await renderApp();
    await user.type(screen.getByLabelText('SIP-WebSocket-Adresse'), 'http://pbx');
    // Any SIP user part is fine (201, alice); a space or an @ is not.
    await user.type(screen.getByLabelText('Durchwahl'), '20 1');
    await user.click(screen.getByRole('button', { name: 'Speichern' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Bitte korrigieren Sie die markierten Felder.',
    );
    const url = screen.getByLabelText('SIP-WebSocket-Adresse');
    expect(url).toHaveAttribute('aria-invalid', 'true');
    expect(url).toHaveAccessibleDescription(expect.stringContaining('wss://'));
    expect(screen.getByLabelText('Durchwahl')).toHaveAccessibleDescription(
      expect.stringContaining('ohne Leerzeichen, @ und :'),
    );
    expect(screen.getByLabelText('Passwort')).toHaveAccessibleDescription(
      'Geben Sie das Passwort Ihrer Durchwahl ein.',
    );
  });

  it('opens the advanced section when a field there is wrong', async () => {
    const user = userEvent.setup();
    await renderApp();
    await user.type(screen.getByLabelText('SIP-WebSocket-Adresse'), 'wss://pbx.example.test/ws');
    await user.type(screen.getByLabelText('Durchwahl'), '201');
    await user.type(screen.getByLabelText('Passwort'), 'pw');
    await user.click(screen.getByText('Erweitert'));
    await user.type(screen.getByLabelText('Adresse der Richtlinien-API (optional)'), 'ftp://x');
    await user.click(screen.getByText('Erweitert'));
    await user.click(screen.getByRole('button', { name: 'Speichern' }));
    expect(screen.getByLabelText('Adresse der Richtlinien-API (optional)')).toBeVisible();
    expect(screen.getByLabelText('Adresse der Richtlinien-API (optional)')).toHaveAttribute(
      'aria-invalid',
      'true',
    );
  });

  it('saves the account, clears the password field and keeps the password for later', async () => {
    const user = userEvent.setup();
    const { host } = await renderApp();
    await user.type(screen.getByLabelText('SIP-WebSocket-Adresse'), 'wss://pbx.example.test/ws');
    await user.type(screen.getByLabelText('Durchwahl'), '201');
    await user.type(screen.getByLabelText('Passwort'), 'geheim-201');
    await user.type(screen.getByLabelText('Anzeigename'), 'Empfang');
    await user.click(screen.getByRole('button', { name: 'Speichern' }));
    expect(await screen.findByText('Konto gespeichert.')).toBeInTheDocument();
    expect(screen.getByLabelText('Passwort')).toHaveValue('');
    expect(screen.getByLabelText('Passwort')).toHaveAccessibleDescription(
      'Leer lassen, um das gespeicherte Passwort zu behalten.',
    );
    expect(screen.getByTestId('registration-state')).toHaveTextContent(
      'Nicht mit der Telefonanlage verbunden',
    );
    expect(await host.getSipPassword()).toEqual({ ok: true, value: 'geheim-201' });
    expect(screen.getByTestId('secret-storage-warning')).toHaveTextContent('schwach geschützt');

    await user.click(screen.getByRole('button', { name: 'Konto von diesem Arbeitsplatz entfernen' }));
    await user.click(screen.getByRole('button', { name: 'Ja, entfernen' }));
    expect(await screen.findByText(/wurden von diesem Arbeitsplatz entfernt/)).toBeInTheDocument();
    expect(within(screen.getByRole('tabpanel')).getByLabelText('Durchwahl')).toHaveValue('');
    expect(await host.getSipPassword()).toEqual({ ok: true, value: null });
  });
});
