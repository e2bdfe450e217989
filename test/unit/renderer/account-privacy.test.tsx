/**
 * Issue #12, "Privacy on a shared workstation" and account errors: removing the account asks first and
 * takes its history with it; each account sees only its own calls; unsaved Konto edits survive a tab
 * switch; a refused or unreachable PBX is shown next to its field with a live countdown and "Retry now".
 */
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../../renderer/src/app/App';
import {
  CallHistory,
  HISTORY_KEY,
  historyKeyOf,
  type HistoryEntry,
} from '../../../renderer/src/history/call-history';
import type { PhoneServices } from '../../../renderer/src/phone/phone-context';
import { Softphone } from '../../../renderer/src/sip/softphone';
import { browserHostForTest, memoryStorage } from '../../support/browser-host-fixture';
import { offlinePhoneServices } from '../../support/phone-services-stub';
import { Registerer, resetFakeSip, UserAgent } from './support/fake-sip';

vi.mock('sip.js', () => import('./support/fake-sip'));

beforeEach(() => {
  sessionStorage.clear();
  resetFakeSip();
});
afterEach(() => vi.useRealTimers());

function call(id: string, number: string): HistoryEntry {
  return {
    id,
    number,
    name: null,
    direction: 'outgoing',
    startedAt: 1_700_000_000_000,
    durationS: 5,
    outcome: 'completed',
    pin: 'not-required',
  };
}

async function renderSignedIn(services: PhoneServices) {
  const host = browserHostForTest({ languages: ['de-DE'] });
  await host.saveAccount({
    account: { sipWebSocketUrl: 'wss://pbx.example.test/ws', extension: '201', policyApiUrl: '' },
    password: 'pw',
  });
  render(<App host={host} phoneServices={() => services} />);
  await screen.findByRole('tablist');
  return host;
}

function offlineWithHistory() {
  const storage = memoryStorage();
  const history = new CallHistory(storage);
  return { storage, history, services: { ...offlinePhoneServices(), history } };
}

const panel = () => screen.getByRole('tabpanel');

describe('removing the account from this workstation', () => {
  // Breaks when the button removes at once (no question) or leaves the account's history behind.
  it('asks first, and then removes the account with its call history', async () => {
    const user = userEvent.setup();
    const { storage, history, services } = offlineWithHistory();
    const host = await renderSignedIn(services);
    act(() => history.add(call('c1', '0301111')));
    expect(storage.getItem(historyKeyOf('201@pbx.example.test'))).toContain('0301111');

    await user.click(screen.getByRole('tab', { name: 'Konto' }));
    await user.click(screen.getByRole('button', { name: 'Konto von diesem Arbeitsplatz entfernen' }));
    const question = screen.getByRole('group', {
      name: 'Konto 201 mit Passwort und Anrufverlauf von diesem Arbeitsplatz entfernen?',
    });
    // The safe answer has the focus; cancelling keeps everything.
    expect(within(question).getByRole('button', { name: 'Abbrechen' })).toHaveFocus();
    await user.click(within(question).getByRole('button', { name: 'Abbrechen' }));
    expect(screen.queryByRole('group', { name: /entfernen\?/ })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Konto von diesem Arbeitsplatz entfernen' })).toHaveFocus();
    expect(await host.getSipPassword()).toEqual({ ok: true, value: 'pw' });
    expect(history.list()).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Konto von diesem Arbeitsplatz entfernen' }));
    await user.click(screen.getByRole('button', { name: 'Ja, entfernen' }));
    expect(await screen.findByText(/Anrufverlauf wurden von diesem Arbeitsplatz entfernt/)).toBeVisible();
    expect(await host.getSipPassword()).toEqual({ ok: true, value: null });
    expect(history.list()).toEqual([]);
    expect(storage.getItem(historyKeyOf('201@pbx.example.test'))).toBeNull();
    await user.click(screen.getByRole('tab', { name: 'Verlauf' }));
    expect(panel()).toHaveTextContent('Noch keine Anrufe.');
  });
});

describe('one history per account', () => {
  // Breaks when the history is one list for the workstation: 202 would see 201's call.
  it('never shows the previous account’s calls after switching, and keeps them for its return', async () => {
    const user = userEvent.setup();
    const { history, services } = offlineWithHistory();
    await renderSignedIn(services);
    act(() => history.add(call('c1', '0301111')));
    await user.click(screen.getByRole('tab', { name: 'Verlauf' }));
    expect(panel()).toHaveTextContent('0301111');

    const switchTo = async (extension: string) => {
      await user.click(screen.getByRole('tab', { name: 'Konto' }));
      await user.clear(screen.getByLabelText('Durchwahl'));
      await user.type(screen.getByLabelText('Durchwahl'), extension);
      await user.click(screen.getByRole('button', { name: 'Speichern' }));
      await screen.findByText('Konto gespeichert.');
      await user.click(screen.getByRole('tab', { name: 'Verlauf' }));
    };
    await switchTo('202');
    expect(panel()).toHaveTextContent('Noch keine Anrufe.');
    expect(panel()).not.toHaveTextContent('0301111');
    await switchTo('201');
    expect(panel()).toHaveTextContent('0301111');
  });

  // Breaks when the old single list is dropped, or handed to every account rather than the first.
  it('moves the history of earlier versions to the first account that signs in, once', () => {
    const storage = memoryStorage();
    storage.setItem(HISTORY_KEY, JSON.stringify([call('old', '0302222')]));
    const history = new CallHistory(storage);
    expect(history.list()).toEqual([]);
    history.switchAccount('201@pbx.example.test');
    expect(history.list().map((entry) => entry.number)).toEqual(['0302222']);
    expect(storage.getItem(HISTORY_KEY)).toBeNull();
    history.switchAccount('202@pbx.example.test');
    expect(history.list()).toEqual([]);
    history.switchAccount(null);
    history.add(call('x', '0303333'));
    history.switchAccount('201@pbx.example.test');
    expect(history.list().map((entry) => entry.number)).toEqual(['0302222']);
  });
});

describe('unsaved Konto edits', () => {
  // Breaks when the tabs unmount the hidden Konto panel: the draft would be gone without a word.
  it('are still there after a look at another tab', async () => {
    const user = userEvent.setup();
    await renderSignedIn(offlineWithHistory().services);
    await user.click(screen.getByRole('tab', { name: 'Konto' }));
    await user.type(screen.getByLabelText('Anzeigename'), 'Empfang');
    await user.click(screen.getByRole('tab', { name: 'Telefon' }));
    expect(screen.getByRole('tabpanel')).toHaveAttribute('id', 'panel-phone');
    await user.click(screen.getByRole('tab', { name: 'Konto' }));
    expect(within(panel()).getByLabelText('Anzeigename')).toHaveValue('Empfang');
  });
});

describe('account errors in the Konto tab', () => {
  function realPhone(backoffMs: number) {
    const storage = memoryStorage();
    const history = new CallHistory(storage);
    const softphone = new Softphone({
      now: Date.now,
      backoffMs: () => backoffMs,
      onCallEnded: () => {},
      onNetworkOnline: () => () => {},
    });
    return { softphone, services: { ...offlinePhoneServices(), history, softphone } };
  }

  /** The countdown's seconds as shown. */
  const countdown = () => {
    const match = /Neuer Versuch in (\d+) s/.exec(screen.getByTestId('registration-retry').textContent ?? '');
    if (!match) throw new Error('no countdown');
    return Number(match[1]);
  };

  async function expectLiveCountdownAndRetryNow(softphone: Softphone, field: string, problem: RegExp) {
    // Only the countdown's interval and the clock are fake: sip.js's own timers stay real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    fireEvent.click(screen.getByRole('tab', { name: 'Konto' }));
    expect(screen.getByLabelText(field)).toHaveAccessibleDescription(problem);
    expect(screen.getByLabelText(field)).toHaveAttribute('aria-invalid', 'true');
    const first = countdown();
    act(() => vi.advanceTimersByTime(1_000));
    expect(countdown()).toBe(first - 1);
    act(() => vi.advanceTimersByTime(1_000));
    expect(countdown()).toBe(first - 2);

    const attempts = Registerer.all.length;
    fireEvent.click(screen.getByRole('button', { name: 'Jetzt erneut versuchen' }));
    await act(async () => {
      for (let i = 0; i < 20; i++) await Promise.resolve();
    });
    // At once: the next attempt's 30 s timer has not run (the fake clock moved 2 s).
    expect(Registerer.all.length).toBe(attempts + 1);
    expect(softphone.getSnapshot().registration.kind).toBe('registered');
    expect(screen.queryByTestId('registration-retry')).not.toBeInTheDocument();
  }

  // Breaks when a refused REGISTER is only in the status bar, or the countdown does not tick.
  it('shows a wrong password at the password field with a live countdown and "Retry now"', async () => {
    const { softphone, services } = realPhone(1_000);
    Registerer.refuse = [{ statusCode: 403, reasonPhrase: 'Forbidden' }];
    await renderSignedIn(services);
    await waitFor(() => expect(softphone.getSnapshot().registration.kind).toBe('failed'), {
      timeout: 20_000,
    });
    await expectLiveCountdownAndRetryNow(
      softphone,
      'Passwort',
      /Die Telefonanlage hat Durchwahl oder Passwort abgelehnt/,
    );
  });

  it('marks only the password field, and does not repeat a refused REGISTER every second', async () => {
    const { softphone, services } = realPhone(1_000);
    Registerer.refuse = [{ statusCode: 403, reasonPhrase: 'Forbidden' }];
    await renderSignedIn(services);
    await waitFor(() => expect(softphone.getSnapshot().registration.kind).toBe('failed'), {
      timeout: 20_000,
    });
    fireEvent.click(screen.getByRole('tab', { name: 'Konto' }));
    expect(screen.getByLabelText('Passwort')).toHaveAccessibleDescription(
      /Die Telefonanlage hat Durchwahl oder Passwort abgelehnt/,
    );
    expect(screen.getByLabelText('Passwort')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('SIP-WebSocket-Adresse')).not.toHaveAttribute('aria-invalid');
    // A refused REGISTER is not repeated every second: the PBX's sign-in throttle would trip.
    expect(countdown()).toBeGreaterThanOrEqual(25);
  });

  // Breaks when an unreachable PBX gets no countdown at the address field or "Retry now" waits.
  it('shows an unreachable PBX at the address field with a live countdown and "Retry now"', async () => {
    const { softphone, services } = realPhone(20_000);
    UserAgent.unreachable = 1;
    await renderSignedIn(services);
    await waitFor(() => expect(softphone.getSnapshot().registration.kind).toBe('offline'), {
      timeout: 20_000,
    });
    await expectLiveCountdownAndRetryNow(softphone, 'SIP-WebSocket-Adresse', /nicht erreichbar/);
  });
});
