import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../../renderer/src/app/App';
import { browserHostForTest } from '../../support/browser-host-fixture';
import { offlinePhoneServices } from '../../support/phone-services-stub';

afterEach(() => vi.unstubAllGlobals());

function stubMediaDevices(devices: Partial<MediaDeviceInfo>[], getUserMedia: () => Promise<MediaStream>) {
  vi.stubGlobal('navigator', {
    ...navigator,
    languages: ['de-DE'],
    mediaDevices: {
      enumerateDevices: async () => devices,
      getUserMedia,
      addEventListener: () => {},
      removeEventListener: () => {},
    },
  });
}

async function openAccount() {
  const host = browserHostForTest();
  render(<App host={host} phoneServices={offlinePhoneServices} />);
  await screen.findByRole('tab', { name: 'Konto' });
  return host;
}

describe('audio devices', () => {
  it('says so clearly when there is no microphone', async () => {
    stubMediaDevices([{ kind: 'audiooutput', deviceId: 'spk', label: '' }], () =>
      Promise.reject(new Error('none')),
    );
    await openAccount();
    expect(await screen.findByRole('alert')).toHaveTextContent('Kein Mikrofon gefunden');
  });

  it('says so clearly when the microphone is not allowed', async () => {
    const denied = Object.assign(new Error('denied'), { name: 'NotAllowedError' });
    stubMediaDevices([{ kind: 'audioinput', deviceId: '', label: '' }], () => Promise.reject(denied));
    const user = userEvent.setup();
    await openAccount();
    await user.click(await screen.findByRole('button', { name: /Mikrofonzugriff erlauben/ }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Der Zugriff auf das Mikrofon wurde verweigert',
    );
  });

  it('stores the chosen microphone and speaker', async () => {
    stubMediaDevices(
      [
        { kind: 'audioinput', deviceId: 'mic-1', label: 'Headset' },
        { kind: 'audiooutput', deviceId: 'spk-2', label: 'Lautsprecher links' },
      ],
      () => Promise.reject(new Error('unused')),
    );
    const user = userEvent.setup();
    const host = await openAccount();
    // The device lists fill in after enumerateDevices resolves; wait for the options, not just the selects.
    await screen.findByRole('option', { name: 'Headset' });
    // Listed twice: as speaker and as ringer device.
    await screen.findAllByRole('option', { name: 'Lautsprecher links' });
    await user.selectOptions(screen.getByLabelText('Mikrofon'), 'mic-1');
    await user.selectOptions(screen.getByLabelText('Lautsprecher'), 'spk-2');
    // Each choice is saved asynchronously after its change event; wait for both writes to land.
    await vi.waitFor(async () => {
      const view = await host.getSettings();
      expect(view.ok && view.value.settings.audio).toMatchObject({
        inputDeviceId: 'mic-1',
        outputDeviceId: 'spk-2',
      });
    });
  });
});

describe('ICE servers', () => {
  it('are empty by default, accept STUN/TURN URLs and refuse anything else', async () => {
    const user = userEvent.setup();
    const host = await openAccount();
    await user.click(screen.getByText('Netzwerk'));
    const field = screen.getByLabelText('STUN/TURN-Server (optional)');
    expect(field).toHaveValue('');
    await user.type(field, 'http://stun.example.com');
    await user.click(screen.getByRole('button', { name: 'Server speichern' }));
    expect(await screen.findByText(/STUN- oder TURN-Adresse/)).toBeInTheDocument();
    await user.clear(field);
    await user.type(field, 'stun:stun.example.com:3478');
    await user.click(screen.getByRole('button', { name: 'Server speichern' }));
    expect(await screen.findByText(/Server gespeichert/)).toBeInTheDocument();
    const view = await host.getSettings();
    expect(view.ok && view.value.settings.ice.servers).toEqual(['stun:stun.example.com:3478']);
  });
});

describe('a settings store that cannot be written', () => {
  it('tells the user what happened and what to do', async () => {
    const host = browserHostForTest();
    const failing = {
      ...host,
      updatePreferences: async () => ({
        ok: false as const,
        error: { code: 'settings-unwritable' as const, message: 'EROFS' },
      }),
    };
    const user = userEvent.setup();
    render(<App host={failing} phoneServices={offlinePhoneServices} />);
    await user.selectOptions(await screen.findByRole('combobox', { name: 'Sprache' }), 'en');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Die Einstellungen konnten nicht gespeichert werden. Prüfen Sie freien Speicherplatz und Schreibrechte',
    );
  });
});
