import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../../renderer/src/app/App';
import type { PhoneServices } from '../../../renderer/src/phone/phone-context';
import { unregisterOnLeave } from '../../../renderer/src/phone/leave-guard';
import { PolicyClient } from '../../../renderer/src/policy/policy-client';
import { browserHostForTest, memoryStorage } from '../../support/browser-host-fixture';
import { offlinePhoneServices } from '../../support/phone-services-stub';

afterEach(() => vi.unstubAllGlobals());

function stubDevices() {
  vi.stubGlobal('navigator', {
    ...navigator,
    languages: ['de-DE'],
    mediaDevices: {
      enumerateDevices: async () => [{ kind: 'audioinput', deviceId: 'mic-1', label: 'Headset' }],
      getUserMedia: () => Promise.reject(new Error('unused')),
      addEventListener: () => {},
      removeEventListener: () => {},
    },
  });
}

/** Offline phone services whose softphone records what the app asks of it. */
function recordingServices(policyFetch?: typeof fetch) {
  const services = offlinePhoneServices();
  const { softphone } = services;
  const calls = {
    start: vi.fn<typeof softphone.start>(async () => {}),
    stop: vi.fn<typeof softphone.stop>(async () => {}),
    unregisterNow: vi.fn<typeof softphone.unregisterNow>(),
    setInputDevice: vi.fn<typeof softphone.setInputDevice>(async () => true),
  };
  Object.assign(softphone, calls);
  const withPolicy: PhoneServices = policyFetch
    ? {
        ...services,
        createPolicyClient: (apiUrl, extension, password) =>
          new PolicyClient(apiUrl, extension, password, {
            fetch: policyFetch,
            storage: memoryStorage(),
            now: Date.now,
            // The first attempts follow at once, then the client waits for good (or for "Retry").
            backoffMs: (attempt) => (attempt < 3 ? 0 : 3_600_000),
          }),
      }
    : services;
  return { services: () => withPolicy, calls };
}

async function renderSignedIn(services: () => PhoneServices, policyApiUrl = '') {
  const host = browserHostForTest({ languages: ['de-DE'] });
  await host.saveAccount({
    account: { sipWebSocketUrl: 'wss://pbx.example.test/ws', extension: 'alice', policyApiUrl },
    password: 'pw',
  });
  render(<App host={host} phoneServices={services} />);
  await screen.findByRole('tablist');
  return host;
}

describe('unregistering when Tollgate goes away', () => {
  // Breaks when nobody listens to pagehide: a closed or reloaded window leaves a dead contact.
  it('sends the un-REGISTER on pagehide (window closed, reload)', async () => {
    const { services, calls } = recordingServices();
    await renderSignedIn(services);
    await vi.waitFor(() => expect(calls.start).toHaveBeenCalled());
    fireEvent(window, new Event('pagehide'));
    expect(calls.unregisterNow).toHaveBeenCalledTimes(1);
  });

  // Breaks when the phone's effect no longer stops the softphone on cleanup: the old contact stays.
  it('stops the phone (which unregisters) on sign-out and restarts it on an account change', async () => {
    const { services, calls } = recordingServices();
    const user = userEvent.setup();
    await renderSignedIn(services);
    await vi.waitFor(() => expect(calls.start).toHaveBeenCalledTimes(1));
    await user.click(screen.getByRole('tab', { name: 'Konto' }));
    const name = screen.getByLabelText('Durchwahl');
    await user.clear(name);
    await user.type(name, 'bob');
    await user.click(screen.getByRole('button', { name: 'Speichern' }));
    await vi.waitFor(() => expect(calls.start).toHaveBeenCalledTimes(2));
    expect(calls.stop).toHaveBeenCalledTimes(1);
    expect(calls.start.mock.calls[1]?.[0].account.extension).toBe('bob');
    await user.click(screen.getByRole('button', { name: 'Konto von diesem Arbeitsplatz entfernen' }));
    await user.click(screen.getByRole('button', { name: 'Ja, entfernen' }));
    await vi.waitFor(() => expect(calls.stop).toHaveBeenCalledTimes(2));
    expect(calls.start).toHaveBeenCalledTimes(2);
  });

  it('stops the softphone (bounded unregister) when the host prepares to quit', async () => {
    const target = new EventTarget();
    const softphone = { unregisterNow: vi.fn(), stop: vi.fn(async () => {}) };
    let prepare: (() => Promise<void>) | null = null;
    const dispose = unregisterOnLeave(target, softphone, (hook) => {
      prepare = hook;
      return () => (prepare = null);
    });
    await (prepare as (() => Promise<void>) | null)?.();
    expect(softphone.stop).toHaveBeenCalledTimes(1);
    dispose();
    expect(prepare).toBeNull();
    target.dispatchEvent(new Event('pagehide'));
    expect(softphone.unregisterNow).not.toHaveBeenCalled();
  });
});

describe('changing the microphone', () => {
  // Breaks when the input device is part of the phone's start effect: the change restarts the
  // softphone, which hangs up the call (issue #16).
  it('switches the device on the running phone instead of restarting it', async () => {
    stubDevices();
    const { services, calls } = recordingServices();
    const user = userEvent.setup();
    await renderSignedIn(services);
    await vi.waitFor(() => expect(calls.start).toHaveBeenCalledTimes(1));
    await user.click(screen.getByRole('tab', { name: 'Konto' }));
    await screen.findByRole('option', { name: 'Headset' });
    await user.selectOptions(screen.getByLabelText('Mikrofon'), 'mic-1');
    await vi.waitFor(() => expect(calls.setInputDevice).toHaveBeenLastCalledWith('mic-1'));
    expect(calls.start).toHaveBeenCalledTimes(1);
    expect(calls.stop).not.toHaveBeenCalled();
  });
});

describe('a microphone that cannot be opened during a call', () => {
  // Breaks when the result of the switch is dropped: the user would think the new microphone is on.
  it('is reported in the Konto tab; the call goes on', async () => {
    stubDevices();
    const { services, calls } = recordingServices();
    calls.setInputDevice.mockImplementation(async (deviceId) => deviceId === null);
    const user = userEvent.setup();
    await renderSignedIn(services);
    await user.click(screen.getByRole('tab', { name: 'Konto' }));
    await screen.findByRole('option', { name: 'Headset' });
    expect(screen.queryByTestId('microphone-switch-failed')).toBeNull();
    await user.selectOptions(screen.getByLabelText('Mikrofon'), 'mic-1');
    expect(await screen.findByTestId('microphone-switch-failed')).toHaveTextContent(
      'Dieses Mikrofon ließ sich nicht öffnen.',
    );
    expect(calls.stop).not.toHaveBeenCalled();
  });
});

describe('policy API that does not answer', () => {
  // Breaks when the Konto tab says nothing (or offers no retry) however often the API failed.
  it('is called unreachable in the Konto tab after a few failures, with a working retry', async () => {
    let requests = 0;
    const fetcher = (async () => {
      requests++;
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const { services } = recordingServices(fetcher);
    const user = userEvent.setup();
    await renderSignedIn(services, 'https://pbx.example.test/api/v1');
    await user.click(screen.getByRole('tab', { name: 'Konto' }));
    const notice = await screen.findByTestId('policy-api-unreachable');
    expect(notice).toHaveTextContent('Policy-API nicht erreichbar.');
    const before = requests;
    await user.click(screen.getByRole('button', { name: 'Erneut versuchen' }));
    await vi.waitFor(() => expect(requests).toBeGreaterThan(before));
  });
});
