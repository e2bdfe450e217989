import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it, vi } from 'vitest';
import type { ExtensionLock } from '../../../shared/policy/policy';
import { ExtensionRow } from '../../../renderer/src/features/call-settings/ExtensionRow';
import { App } from '../../../renderer/src/app/App';
import { createI18n, type UiLanguage } from '../../../renderer/src/i18n';
import type { AdminClient, ExtensionSettings } from '../../../renderer/src/policy/admin-client';
import { PolicyClient } from '../../../renderer/src/policy/policy-client';
import { browserHostForTest, memoryStorage } from '../../support/browser-host-fixture';
import { offlinePhoneServices } from '../../support/phone-services-stub';
import { samplePolicy } from '../../support/sample-policy';

const NONE: ExtensionLock = {
  kind: 'none',
  until: null,
  since: null,
  reason: null,
  wrongCodesInWindow: 0,
  lockoutsInWindow: 0,
};

function entry(lock: Partial<ExtensionLock>): ExtensionSettings {
  return {
    extension: '201',
    displayName: 'Empfang',
    pinProtection: { available: true, product: { id: 'p', name: 'Business', kind: 'main' } },
    ivrAuthentication: true,
    unlockCodeSet: true,
    lockedUntil: lock.until ?? null,
    registered: true,
    lock: { ...NONE, ...lock },
  };
}

function renderRow(settings: ExtensionSettings, language: UiLanguage = 'de') {
  const unlocked = entry({});
  const unlock = vi.fn(async () => ({ ok: true as const, value: unlocked }));
  // Only the calls the row makes; AdminClient's constructor is private (it signs in first).
  // The row also lists the extension's personal codes (none here).
  const client = {
    unlock,
    changeCallSettings: vi.fn(),
    listCodes: vi.fn(async () => ({ ok: true as const, value: [] })),
  } as unknown as AdminClient;
  const onChanged = vi.fn();
  render(
    <I18nextProvider i18n={createI18n(language)}>
      <ExtensionRow entry={settings} client={client} onChanged={onChanged} />
    </I18nextProvider>,
  );
  return { unlock, onChanged, unlocked };
}

// Showing only the old `lockedUntil` (null in quarantine) makes the quarantine cases fail.
describe('admin tab: why paid calls are closed', () => {
  it('shows a lock with its end and lifts it with the unlock button', async () => {
    const { unlock, onChanged, unlocked } = renderRow(
      entry({
        kind: 'locked',
        until: '2026-11-25T11:30:00.000Z',
        reason: 'wrong-codes',
        wrongCodesInWindow: 4,
      }),
    );
    expect(screen.getByTestId('lock-state-201')).toHaveTextContent(
      /^Gesperrt bis .+: zu viele falsche PINs\./,
    );
    await userEvent.setup().click(screen.getByRole('button', { name: 'Sperre aufheben' }));
    expect(unlock).toHaveBeenCalledWith('201');
    await waitFor(() => expect(onChanged).toHaveBeenCalledWith(unlocked));
  });

  it('shows a quarantine: only an admin can unlock, and why', () => {
    renderRow(
      entry({
        kind: 'quarantined',
        since: '2026-11-25T09:00:00.000Z',
        reason: 'repeated-lockouts',
        lockoutsInWindow: 3,
      }),
    );
    expect(screen.getByTestId('lock-state-201')).toHaveTextContent(
      /In Quarantäne seit .+ – nur ein Admin kann entsperren\. Grund: wiederholte Sperren \(3 kurz hintereinander\)\./,
    );
    expect(screen.getByRole('button', { name: 'Sperre aufheben' })).toBeEnabled();
  });

  it('says the same in English', () => {
    renderRow(entry({ kind: 'quarantined', since: '2026-11-25T09:00:00.000Z', lockoutsInWindow: 3 }), 'en');
    expect(screen.getByTestId('lock-state-201')).toHaveTextContent(
      /Quarantined since .+ – only an admin can unlock\./,
    );
    expect(screen.getByRole('button', { name: 'Unlock' })).toBeInTheDocument();
  });

  it('shows wrong codes that count towards a lock, without an unlock button while open', () => {
    renderRow(entry({ wrongCodesInWindow: 2 }));
    expect(screen.getByText('Falsche PINs seit der letzten Sperre: 2.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sperre aufheben' })).toBeNull();
    expect(screen.queryByTestId('lock-state-201')).toBeNull();
  });
});

describe('own call settings: a quarantined extension', () => {
  // Breaks when OwnCallSettings shows only lockedUntil (null in quarantine).
  it('tells the user that only an admin can unlock', async () => {
    const policy = samplePolicy({ quarantinedSince: '2026-11-25T09:00:00.000Z' });
    const host = browserHostForTest({ languages: ['de-DE'] });
    await host.saveAccount({
      account: {
        sipWebSocketUrl: 'wss://pbx.example.test/ws',
        extension: '201',
        policyApiUrl: 'https://pbx.example.test/api/v1',
      },
      password: 'pw',
    });
    const services = () => ({
      ...offlinePhoneServices(),
      createPolicyClient: (apiUrl: string, extension: string, password: string) =>
        new PolicyClient(apiUrl, extension, password, {
          storage: memoryStorage(),
          now: () => Date.parse('2026-11-25T10:00:00Z'),
          backoffMs: () => 60_000,
          fetch: (async (input: RequestInfo | URL) => {
            if (String(input).endsWith('/token')) return new Response(JSON.stringify({ token: 't' }));
            const body = `event: policy\ndata: ${JSON.stringify(policy)}\n\n`;
            return new Response(
              new ReadableStream({
                start(controller) {
                  controller.enqueue(new TextEncoder().encode(body));
                },
              }),
            );
          }) as typeof fetch,
        }),
    });
    render(<App host={host} phoneServices={services} />);
    await userEvent.setup().click(await screen.findByRole('tab', { name: 'Anrufeinstellungen' }));
    expect(await screen.findByTestId('own-quarantine')).toHaveTextContent(
      /in Quarantäne .*Nur die Administration kann sie entsperren\./,
    );
  });
});
