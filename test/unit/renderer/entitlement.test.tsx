import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Policy } from '../../../shared/policy/policy';
import { App } from '../../../renderer/src/app/App';
import type { PhoneServices } from '../../../renderer/src/phone/phone-context';
import { PolicyClient } from '../../../renderer/src/policy/policy-client';
import { browserHostForTest, memoryStorage } from '../../support/browser-host-fixture';
import { offlinePhoneServices } from '../../support/phone-services-stub';
import { samplePolicy } from '../../support/sample-policy';

/** Phone services whose policy client receives exactly this policy from a fake PBX. */
function servicesWithPolicy(policy: Policy | 'none'): () => PhoneServices {
  return () => {
    const base = offlinePhoneServices();
    return {
      ...base,
      createPolicyClient: (apiUrl, extension, password) =>
        new PolicyClient(apiUrl, extension, password, {
          storage: memoryStorage(),
          now: () => Date.parse('2026-11-25T10:00:00Z'),
          backoffMs: () => 60_000,
          fetch: (async (input: RequestInfo | URL) => {
            if (String(input).endsWith('/token')) return new Response(JSON.stringify({ token: 't' }));
            if (policy === 'none') return new Response('', { status: 503 });
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
    };
  };
}

async function renderSignedIn(policy: Policy | 'none', withApi = true) {
  const host = browserHostForTest({ languages: ['de-DE'] });
  await host.saveAccount({
    account: {
      sipWebSocketUrl: 'wss://pbx.example.test/ws',
      extension: '201',
      policyApiUrl: withApi ? 'https://pbx.example.test/api/v1' : '',
    },
    password: 'pw',
  });
  render(<App host={host} phoneServices={servicesWithPolicy(policy)} />);
  await screen.findByRole('tablist');
}

describe('entitlement state, as the user reads it', () => {
  it.each([
    ['active', samplePolicy(), 'PIN-Schutz: aktiv – kostenpflichtige Anrufe verlangen Ihre PIN'],
    [
      'available',
      samplePolicy({ ivrAuthentication: false }),
      'PIN-Schutz: verfügbar, für diese Durchwahl nicht aktiv',
    ],
    [
      'not available',
      samplePolicy({ available: false, product: null, ivrAuthentication: false }),
      'PIN-Schutz: nicht verfügbar – fragen Sie Ihren Dienstanbieter',
    ],
  ])('%s', async (_label, policy, text) => {
    await renderSignedIn(policy);
    await waitFor(() => expect(screen.getByTestId('pin-protection-state')).toHaveTextContent(text));
  });

  it('locked', async () => {
    // A lock that has not run out yet (the phone ignores one whose end has passed).
    await renderSignedIn(samplePolicy({ lockedUntil: '2099-11-25T11:30:00.000Z' }));
    await waitFor(() =>
      expect(screen.getByTestId('pin-protection-state')).toHaveTextContent(
        /Kostenpflichtige Anrufe gesperrt bis/,
      ),
    );
  });

  it('unknown without a policy API: the PBX decides', async () => {
    await renderSignedIn('none', false);
    expect(screen.getByTestId('pin-protection-state')).toHaveTextContent(
      'PIN-Schutz: unbekannt – die Telefonanlage entscheidet',
    );
  });

  it('warns before a paid call from a protected extension, and not before free calls', async () => {
    const { default: userEvent } = await import('@testing-library/user-event');
    const user = userEvent.setup();
    await renderSignedIn(samplePolicy());
    await screen.findByText(/PIN-Schutz: aktiv/);
    await user.click(screen.getByRole('tab', { name: 'Telefon' }));
    const number = screen.getByLabelText('Rufnummer');
    await user.type(number, '030 1234567');
    expect(screen.getByTestId('pin-required')).toHaveTextContent('PIN erforderlich');
    for (const free of ['112', '*98', '205', '0800 123456']) {
      await user.clear(number);
      await user.type(number, free);
      expect(screen.queryByTestId('pin-required')).toBeNull();
    }
    await user.clear(number);
    await user.type(number, '*9801234');
    expect(screen.getByTestId('dial-classification')).toHaveTextContent(
      'Diese Nummer kann nicht gewählt werden.',
    );
  });
});
