import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../../renderer/src/app/App';
import type { PhoneServices } from '../../../renderer/src/phone/phone-context';
import { initialCall } from '../../../renderer/src/sip/call-machine';
import type { CallView } from '../../../renderer/src/sip/softphone';
import type { DesktopCommand, DesktopStatus, HostApi } from '../../../shared/ipc/contract';
import { browserHostForTest } from '../../support/browser-host-fixture';
import { offlinePhoneServices } from '../../support/phone-services-stub';

// The machine may be loaded (2 cores, the whole suite at once): vi.waitFor's 1 s default is too short.
const waitLong = <T,>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 15_000 });

/** DND, the tray's status and commands, raising the window, hotkeys, theme, notifications. */
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  delete document.documentElement.dataset.theme;
});

type Spied = HostApi & { statuses: DesktopStatus[]; command(command: DesktopCommand): void };

/** The browser host, recording the tray status and able to send the tray's and hotkeys' commands. */
function desktopHost(overrides: Partial<HostApi> = {}): Spied {
  const base = browserHostForTest();
  const statuses: DesktopStatus[] = [];
  let listener: ((command: DesktopCommand) => void) | null = null;
  return {
    ...base,
    setDesktopStatus: async (status) => {
      statuses.push(status);
      return base.setDesktopStatus(status);
    },
    onDesktopCommand: (next) => {
      listener = next;
      return () => {
        listener = null;
      };
    },
    ...overrides,
    statuses,
    command: (command) => act(() => listener?.(command)),
  };
}

function callView(id: string, phase: 'incoming' | 'active', number: string, name: string): CallView {
  return {
    id,
    number,
    name,
    direction: 'incoming',
    startedAt: Date.now(),
    state: { ...initialCall('incoming'), phase },
    callClass: null,
    protectedPaid: false,
  };
}

/** Phone services whose snapshot holds `calls`, the first one in front. */
function callServices(calls: CallView[]): PhoneServices & {
  accept: ReturnType<typeof vi.fn>;
  decline: ReturnType<typeof vi.fn>;
  hangUp: ReturnType<typeof vi.fn>;
} {
  const services = offlinePhoneServices();
  const snapshot = {
    ...services.softphone.getSnapshot(),
    registration: { kind: 'registered' as const },
    call: calls[0] ?? null,
    calls,
  };
  Object.defineProperty(services.softphone, 'getSnapshot', { value: () => snapshot });
  const accept = vi.fn();
  const decline = vi.fn();
  const hangUp = vi.fn();
  Object.assign(services.softphone, { accept, decline, hangUp });
  return Object.assign(services, { accept, decline, hangUp });
}

function incomingCallServices() {
  return callServices([callView('call-1', 'incoming', '202', 'Lager')]);
}

/** A call in progress in front, and a second one waiting behind it. */
function waitingCallServices() {
  return callServices([
    callView('call-1', 'active', '202', 'Lager'),
    callView('call-2', 'incoming', '203', 'Empfang'),
  ]);
}

async function start(host: HostApi, services: () => PhoneServices = offlinePhoneServices) {
  render(<App host={host} phoneServices={services} />);
  await screen.findByRole('tab', { name: 'Konto' });
}

describe('do not disturb', () => {
  // Breaks when the header switch does not save calls.doNotDisturb or the status bar/tray do not follow it.
  it('is switched in the header and shown in the status bar and the tray', async () => {
    const host = desktopHost();
    await start(host);
    const toggle = screen.getByRole('button', { name: 'Nicht stören' });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    expect(screen.queryByTestId('dnd-state')).toBeNull();
    await userEvent.setup().click(toggle);
    await waitLong(() => expect(toggle).toHaveAttribute('aria-pressed', 'true'));
    expect(screen.getByTestId('dnd-state')).toHaveTextContent('Nicht stören: Anrufe werden abgewiesen');
    const view = await host.getSettings();
    expect(view.ok && view.value.settings.calls.doNotDisturb).toBe(true);
    await waitLong(() => expect(host.statuses.at(-1)).toMatchObject({ doNotDisturb: true }));
  });

  it('is switched from the tray', async () => {
    const host = desktopHost();
    await start(host);
    host.command('toggle-dnd');
    await waitLong(() =>
      expect(screen.getByRole('button', { name: 'Nicht stören' })).toHaveAttribute('aria-pressed', 'true'),
    );
    host.command('toggle-dnd');
    await waitLong(() => expect(screen.queryByTestId('dnd-state')).toBeNull());
  });
});

describe('incoming call on the desktop', () => {
  it('raises the window once, tells the tray, and answers or declines by hotkey', async () => {
    const raiseWindow = vi.fn(async () => ({ ok: true as const, value: true }));
    const host = desktopHost({ raiseWindow });
    const services = incomingCallServices();
    await start(host, () => services);
    await waitLong(() => expect(raiseWindow).toHaveBeenCalledTimes(1));
    await waitLong(() =>
      expect(host.statuses.at(-1)).toMatchObject({ state: 'ringing', text: { status: 'Eingehender Anruf' } }),
    );
    host.command('answer');
    expect(services.accept).toHaveBeenCalledWith('call-1');
    host.command('hang-up');
    expect(services.decline).toHaveBeenCalledWith('call-1');
  });

  // Breaks when the desktop looks only at the call in front: a waiting call would not raise the
  // window, the tray would say "in a call", and the answer hotkey could not take it.
  it('rings for a waiting call behind the call in front, and the hotkey answers that one', async () => {
    const raiseWindow = vi.fn(async () => ({ ok: true as const, value: true }));
    const host = desktopHost({ raiseWindow });
    const services = waitingCallServices();
    await start(host, () => services);
    await waitLong(() => expect(raiseWindow).toHaveBeenCalledTimes(1));
    await waitLong(() =>
      expect(host.statuses.at(-1)).toMatchObject({ state: 'ringing', text: { status: 'Eingehender Anruf' } }),
    );
    host.command('answer');
    expect(services.accept).toHaveBeenCalledWith('call-2');
    // Hang-up ends the call in front, as on a desk phone; the waiting call is not declined.
    host.command('hang-up');
    expect(services.hangUp).toHaveBeenCalledWith('call-1');
    expect(services.decline).not.toHaveBeenCalled();
  });

  // Breaks when the notification is shown only for a ringing call in front.
  it('notifies about a waiting call while the window is hidden', async () => {
    const shown: string[] = [];
    class FakeNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string) {
        shown.push(title);
      }
      close() {}
    }
    vi.stubGlobal('Notification', FakeNotification);
    vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    await start(desktopHost(), waitingCallServices);
    await waitLong(() => expect(shown).toEqual(['Eingehender Anruf von Empfang (203)']));
  });

  // Breaks when the window is raised although the user switched it off.
  it('leaves the window where it is when raising is off', async () => {
    const raiseWindow = vi.fn(async () => ({ ok: true as const, value: true }));
    const host = desktopHost({ raiseWindow });
    await host.updatePreferences({ desktop: { raiseOnIncomingCall: false } });
    await start(host, incomingCallServices);
    await waitLong(() => expect(host.statuses.at(-1)).toMatchObject({ state: 'ringing' }));
    expect(raiseWindow).not.toHaveBeenCalled();
  });
});

describe('global hotkeys form', () => {
  it('records a combination by key press, refuses one without a modifier and two equal ones', async () => {
    const host = desktopHost();
    await start(host);
    const user = userEvent.setup();
    await user.click(screen.getByLabelText('Tastenkürzel einschalten'));
    const answer = screen.getByLabelText('Annehmen');
    await user.click(answer);
    await user.keyboard('{Control>}{Shift>}1{/Shift}{/Control}');
    expect(answer).toHaveValue('Ctrl+Shift+1');
    await user.keyboard('x');
    expect(await screen.findByText(/keine nutzbare Kombination/)).toBeInTheDocument();
    const hangUp = screen.getByLabelText('Auflegen oder Ablehnen');
    await user.click(hangUp);
    await user.keyboard('{Control>}{Shift>}1{/Shift}{/Control}');
    await user.click(screen.getByRole('button', { name: 'Tastenkürzel übernehmen' }));
    expect(
      await screen.findByText('Annehmen und Auflegen brauchen verschiedene Kombinationen.'),
    ).toBeInTheDocument();
    const view = await host.getSettings();
    expect(view.ok && view.value.settings.desktop.hotkeys.enabled).toBe(false);
  });

  it('saves them and says the browser has none', async () => {
    const host = desktopHost();
    await start(host);
    const user = userEvent.setup();
    await user.click(screen.getByLabelText('Tastenkürzel einschalten'));
    await user.click(screen.getByRole('button', { name: 'Tastenkürzel übernehmen' }));
    expect(
      await screen.findAllByText(
        'Systemweite Tastenkürzel gibt es nur in der Tollgate-App, nicht im Browser.',
      ),
    ).toHaveLength(2);
    const view = await host.getSettings();
    expect(view.ok && view.value.settings.desktop.hotkeys).toEqual({
      enabled: true,
      answer: 'CommandOrControl+Shift+A',
      hangUp: 'CommandOrControl+Shift+H',
    });
  });

  // Breaks when the host's "taken" is not shown as an error the user can act on.
  it('says which combination another application holds', async () => {
    const host = desktopHost({
      applyHotkeys: async () => ({ ok: true, value: { answer: 'taken', hangUp: 'registered' } }),
    });
    await host.updatePreferences({ desktop: { hotkeys: { enabled: true } } });
    await start(host);
    expect(await screen.findByRole('alert', { name: '' })).toHaveTextContent(
      'Diese Kombination ist von einer anderen Anwendung oder dem System belegt',
    );
    expect(screen.getByText('Aktiv.')).toBeInTheDocument();
  });
});

describe('theme', () => {
  function stubSystemDark(dark: boolean) {
    vi.stubGlobal('matchMedia', (query: string) => ({
      matches: dark && query === '(prefers-color-scheme: dark)',
      media: query,
      addEventListener: () => {},
      removeEventListener: () => {},
    }));
  }

  it('follows the system by default', async () => {
    stubSystemDark(true);
    await start(desktopHost());
    await waitLong(() => expect(document.documentElement.dataset.theme).toBe('dark'));
  });

  // Breaks when the Konto choice does not override the system's scheme.
  it('takes the choice from the Konto tab over the system', async () => {
    stubSystemDark(true);
    const host = desktopHost();
    await start(host);
    await userEvent.setup().selectOptions(screen.getByLabelText('Farbschema'), 'light');
    await waitLong(() => expect(document.documentElement.dataset.theme).toBe('light'));
    const view = await host.getSettings();
    expect(view.ok && view.value.settings.desktop.theme).toBe('light');
  });
});

describe('notifications', () => {
  // Breaks when the question moves back to the first call or is asked before the account is saved.
  it('are asked for once the account is saved', async () => {
    const requestPermission = vi.fn(async () => 'granted' as NotificationPermission);
    vi.stubGlobal('Notification', { permission: 'default', requestPermission });
    await start(desktopHost());
    const user = userEvent.setup();
    expect(requestPermission).not.toHaveBeenCalled();
    await user.type(screen.getByLabelText(/SIP-WebSocket-Adresse/), 'wss://pbx.example.test/ws');
    await user.type(screen.getByLabelText(/^Durchwahl/), '201');
    await user.type(screen.getByLabelText(/^Passwort/), 'secret-password-1');
    await user.click(screen.getByRole('button', { name: 'Speichern' }));
    await waitLong(() => expect(requestPermission).toHaveBeenCalledTimes(1));
  });
});
