import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../../renderer/src/app/App';
import type { HostApi } from '../../../shared/ipc/contract';
import { ringerChoice } from '../../../renderer/src/sip/tones';
import { browserHostForTest } from '../../support/browser-host-fixture';
import { offlinePhoneServices } from '../../support/phone-services-stub';

/**
 * Konto → Audio: volume, level meter, ringer device and ring tone, echo test. Web Audio and media
 * devices are fakes here (jsdom has none); Playwright's audio.spec.ts runs the real ones in Chromium.
 */
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

type FakeDevice = { kind: MediaDeviceKind; deviceId: string; label: string };

function stubMedia(devices: FakeDevice[], options: { amplitude?: number } = {}) {
  const tracks: { stopped: boolean }[] = [];
  const getUserMedia = vi.fn(async () => {
    const track = { stopped: false, stop: () => (track.stopped = true) };
    tracks.push(track);
    return { getTracks: () => [track] } as unknown as MediaStream;
  });
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
  const contexts: { closed: boolean }[] = [];
  const amplitude = options.amplitude ?? 0.1;
  class FakeAudioContext {
    closed = false;
    currentTime = 0;
    destination = {};
    constructor() {
      contexts.push(this);
    }
    resume = async () => {};
    close = async () => {
      this.closed = true;
    };
    createAnalyser = () => ({
      fftSize: 0,
      connect: (node: unknown) => node,
      getFloatTimeDomainData: (samples: Float32Array) => samples.fill(amplitude),
    });
    createMediaStreamSource = () => ({ connect: () => {} });
    createMediaStreamDestination = () => ({ stream: {} });
    createOscillator = () => ({
      frequency: {},
      connect: (node: unknown) => node,
      start: () => {},
      stop: () => {},
    });
    createGain = () => ({ gain: {}, connect: (node: unknown) => node });
  }
  vi.stubGlobal('AudioContext', FakeAudioContext);
  return { tracks, contexts, getUserMedia };
}

async function openAccount(host: HostApi = browserHostForTest()) {
  render(<App host={host} phoneServices={offlinePhoneServices} />);
  await screen.findByRole('tab', { name: 'Konto' });
  return host;
}

const devices: FakeDevice[] = [
  { kind: 'audioinput', deviceId: 'mic-1', label: 'Headset-Mikrofon' },
  { kind: 'audiooutput', deviceId: 'spk-1', label: 'Headset' },
  { kind: 'audiooutput', deviceId: 'spk-2', label: 'Tischlautsprecher' },
];

describe('call volume', () => {
  // Breaks when RemoteAudio stops applying audio.outputVolume to its element.
  it('is saved when the slider is let go and applied to the remote audio', async () => {
    stubMedia(devices);
    const host = await openAccount();
    const slider = screen.getByRole('slider', { name: 'Lautstärke im Gespräch' });
    expect(slider).toHaveValue('100');
    fireEvent.change(slider, { target: { value: '40' } });
    expect(screen.getByText('40 %')).toBeInTheDocument();
    fireEvent.pointerUp(slider);
    await vi.waitFor(async () => {
      const view = await host.getSettings();
      expect(view.ok && view.value.settings.audio.outputVolume).toBe(0.4);
    });
    await vi.waitFor(() => expect((screen.getByTestId('remote-audio') as HTMLAudioElement).volume).toBe(0.4));
  });
});

describe('microphone level meter', () => {
  // Breaks when the meter does not read the analyser, or keeps the microphone open after the tab is left.
  it('shows the level of the chosen microphone and stops when the tab is left', async () => {
    const media = stubMedia(devices, { amplitude: 0.1 });
    await openAccount();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Mikrofon testen' }));
    const meter = screen.getByTestId('mic-level') as HTMLMeterElement;
    // 0.1 RMS is -20 dB: two thirds up the -60…0 dB scale.
    await vi.waitFor(() => expect(Number(meter.getAttribute('value'))).toBeCloseTo(2 / 3, 2));
    expect(media.tracks).toHaveLength(1);
    await user.click(screen.getByRole('tab', { name: 'Verlauf' }));
    await vi.waitFor(() => expect(media.tracks[0]?.stopped).toBe(true));
    expect(media.contexts.at(-1)?.closed).toBe(true);
    await user.click(screen.getByRole('tab', { name: 'Konto' }));
    expect(screen.getByRole('button', { name: 'Mikrofon testen' })).toHaveAttribute('aria-pressed', 'false');
  });

  it('opens the saved microphone exactly', async () => {
    const media = stubMedia(devices);
    const host = browserHostForTest();
    await host.updatePreferences({ audio: { inputDeviceId: 'mic-1' } });
    await openAccount(host);
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Mikrofon testen' }));
    await vi.waitFor(() =>
      expect(media.getUserMedia).toHaveBeenCalledWith({
        audio: { deviceId: { exact: 'mic-1' } },
        video: false,
      }),
    );
  });
});

describe('ringer device and ring tone', () => {
  it('saves the ringer device and the ring tone, and the ringer uses them', async () => {
    stubMedia(devices);
    const host = await openAccount();
    const user = userEvent.setup();
    await screen.findAllByRole('option', { name: 'Tischlautsprecher' });
    await user.selectOptions(screen.getByLabelText('Klingeln auf'), 'spk-2');
    await user.selectOptions(screen.getByLabelText('Klingelton'), 'digital');
    await vi.waitFor(async () => {
      const view = await host.getSettings();
      expect(view.ok && view.value.settings.audio).toMatchObject({
        ringerDeviceId: 'spk-2',
        ringTone: 'digital',
      });
    });
    // Breaks when the app does not hand the choice to the ringer (the call screen only says ring()).
    await vi.waitFor(() => expect(ringerChoice()).toEqual({ tone: 'digital', deviceId: 'spk-2' }));
  });

  it('rings on the speaker when no ringer device is chosen', async () => {
    stubMedia(devices);
    const host = browserHostForTest();
    await host.updatePreferences({ audio: { outputDeviceId: 'spk-1', ringTone: 'soft' } });
    await openAccount(host);
    await vi.waitFor(() => expect(ringerChoice()).toEqual({ tone: 'soft', deviceId: 'spk-1' }));
  });

  it('says when the chosen ringer device is gone', async () => {
    stubMedia(devices);
    const host = browserHostForTest();
    await host.updatePreferences({ audio: { ringerDeviceId: 'usb-ringer' } });
    await openAccount(host);
    const note = await screen.findByTestId('device-missing');
    expect(note).toHaveTextContent('Klingeln auf: Das gewählte Gerät ist nicht angeschlossen');
    expect(screen.getByLabelText('Klingeln auf')).toHaveValue('usb-ringer');
  });

  it('plays the preview on the ringer device through setSinkId', async () => {
    stubMedia(devices);
    const sinks: string[] = [];
    vi.stubGlobal(
      'Audio',
      class {
        srcObject: unknown = null;
        setSinkId = async (id: string) => void sinks.push(id);
        play = async () => {};
        pause = () => {};
      },
    );
    const host = browserHostForTest();
    await host.updatePreferences({ audio: { ringerDeviceId: 'spk-2' } });
    await openAccount(host);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Anhören' }));
    expect(await screen.findByText('Klingelton gespielt.')).toBeInTheDocument();
    expect(sinks).toEqual(['spk-2']);
  });

  it.each([
    ['vanished', 'Das Klingelgerät ist nicht angeschlossen'],
    ['unsupported', 'kann den Klingelton nicht auf ein anderes Gerät legen'],
  ] as const)('says so when the ringer device is %s', async (mode, message) => {
    stubMedia(devices);
    const gone = Object.assign(new Error('gone'), { name: 'NotFoundError' });
    vi.stubGlobal(
      'Audio',
      class {
        srcObject: unknown = null;
        play = async () => {};
        pause = () => {};
        constructor() {
          if (mode === 'vanished') Object.assign(this, { setSinkId: () => Promise.reject(gone) });
        }
      },
    );
    const host = browserHostForTest();
    await host.updatePreferences({ audio: { ringerDeviceId: 'spk-2' } });
    await openAccount(host);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Anhören' }));
    expect(await screen.findByTestId('ring-preview-problem')).toHaveTextContent(message);
  });
});

describe('echo test', () => {
  it('waits for the registration', async () => {
    stubMedia(devices);
    await openAccount();
    expect(screen.getByRole('button', { name: 'Testanruf (Echo)' })).toBeDisabled();
    expect(screen.getByText(/sobald Tollgate an der Telefonanlage angemeldet ist/)).toBeInTheDocument();
  });

  // Breaks when the Konto tab calls anything but the phone's dial() with the echo number.
  it('dials the echo service through the phone', async () => {
    stubMedia(devices);
    const services = offlinePhoneServices();
    const registered = { ...services.softphone.getSnapshot(), registration: { kind: 'registered' as const } };
    Object.defineProperty(services.softphone, 'getSnapshot', { value: () => registered });
    const dial = vi.spyOn(services.softphone, 'dial').mockReturnValue(true);
    render(<App host={browserHostForTest()} phoneServices={() => services} />);
    const button = await screen.findByRole('button', { name: 'Testanruf (Echo)' });
    await userEvent.setup().click(button);
    expect(dial).toHaveBeenCalledTimes(1);
    expect(dial.mock.calls[0]?.[0]).toBe('*43');
    expect(within(button.parentElement as HTMLElement).getByText(/\(\*43\)/)).toBeInTheDocument();
  });
});
