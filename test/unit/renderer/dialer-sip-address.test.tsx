import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { samplePolicy } from '../../support/sample-policy';
import { renderPhone } from './support/call-screen-harness';
import { Inviter, resetFakeSip } from './support/fake-sip';

vi.mock('sip.js', () => import('./support/fake-sip'));

/**
 * Dialling a `sip:user@host` address from the Dialer (issue #13 audit): the app over the real
 * engine with sip.js faked. The harness's SIP domain is pbx.example.test (from the WebSocket URL).
 */
// The machine is loaded (2 cores, many helpers): generous bounds, never a timed assertion.
vi.setConfig({ testTimeout: 60_000 });
const slow = { timeout: 20_000 };

beforeEach(() => {
  resetFakeSip();
  sessionStorage.clear();
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
});
afterEach(() => vi.restoreAllMocks());

async function typeAddress(address: string) {
  const user = userEvent.setup();
  await user.click(screen.getByRole('tab', { name: 'Telefon' }));
  await user.type(screen.getByLabelText('Rufnummer'), address);
  // Every key reached the field (a field that lost keys would judge another address).
  expect(screen.getByLabelText('Rufnummer')).toHaveValue(address);
  return user;
}

describe('Dialer: sip: addresses', () => {
  // Breaks when the Dialer or the engine rewrite the address (e.g. judge it as a number and refuse
  // it as invalid, or send sip:bob%40… to the own domain), or do not dial it at all.
  it('dials a valid address as written and says it is a SIP address', async () => {
    await renderPhone(samplePolicy());
    const user = await typeAddress('sip:bob@partner.example.org');
    await waitFor(
      () =>
        expect(screen.getByTestId('dial-classification')).toHaveTextContent(
          'SIP-Adresse: Der Anruf geht an diese Adresse, wie geschrieben.',
        ),
      slow,
    );
    expect(screen.queryByTestId('pin-required')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Anrufen' }));
    await screen.findByTestId('call-panel', {}, slow);
    expect(Inviter.last?.target).toEqual({ text: 'sip:bob@partner.example.org' });
  });

  // Breaks when an invalid address is let through to the call button (sip.js would throw or send
  // garbage) or the error does not say how to write one.
  it('an invalid address says how to write it, and cannot be dialled', async () => {
    await renderPhone(samplePolicy());
    await typeAddress('sip:bob@');
    expect(screen.getByTestId('dial-classification')).toHaveTextContent(
      'Diese SIP-Adresse ist ungültig. Schreiben Sie sie als sip:name@host',
    );
    expect(screen.getByRole('button', { name: 'Anrufen' })).toBeDisabled();
    expect(Inviter.last).toBeNull();
  });

  // Breaks when a sip: address on the PBX's own domain skips the dial plan (numberToClassify): the
  // paid number 030 1234567 written as sip:0301234567@pbx.example.test would get no PIN warning.
  it('an address on the own domain whose user part is a paid number gets the paid-call warning', async () => {
    await renderPhone(samplePolicy());
    await typeAddress('sip:0301234567@pbx.example.test');
    await waitFor(() => expect(screen.getByTestId('pin-required')).toBeVisible(), slow);
    expect(screen.getByTestId('pin-required')).toHaveTextContent('PIN');
    // The same user part on another host is not the PBX's number: no warning.
    await userEvent.setup().clear(screen.getByLabelText('Rufnummer'));
    await typeAddress('sip:0301234567@elsewhere.example.org');
    expect(screen.queryByTestId('pin-required')).toBeNull();
  });
});
