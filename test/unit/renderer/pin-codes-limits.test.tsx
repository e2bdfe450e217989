/**
 * The code limits in Anrufeinstellungen (issue #14 on top of #10): what the admin sees when the PBX
 * refuses a personal code as too short (400 code-too-short) or an extension as full (409
 * too-many-codes), in German and English, and the code field's hint naming the minimum. Against a
 * fake admin client; the PBX side is test/protocol/codes-limits.test.ts. What breaks each test is
 * said above it.
 */
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it, vi } from 'vitest';
import {
  MAX_CODES_PER_EXTENSION,
  PERSONAL_CODE_MIN_DIGITS,
  UNLOCK_CODE_DIGITS,
} from '../../../shared/policy/unlock-code';
import { ExtensionRow } from '../../../renderer/src/features/call-settings/ExtensionRow';
import { PinCodes } from '../../../renderer/src/features/call-settings/PinCodes';
import { createI18n, type UiLanguage } from '../../../renderer/src/i18n';
import type { AdminClient, ExtensionSettings, PinCode } from '../../../renderer/src/policy/admin-client';

/** Long enough for the form's own check, so the refusal below is the PBX's. */
const LONG_CODE = '4821357906';

const maria: PinCode = {
  id: '1',
  label: 'Maria',
  enabled: true,
  validFrom: null,
  validUntil: null,
  createdAt: '2026-11-01T08:00:00.000Z',
  lastUsedAt: null,
};

const entry: ExtensionSettings = {
  extension: '201',
  displayName: 'Empfang',
  pinProtection: { available: true, product: { id: 'p', name: 'Business', kind: 'main' } },
  ivrAuthentication: true,
  unlockCodeSet: false,
  lockedUntil: null,
  registered: true,
  lock: { kind: 'none', until: null, since: null, reason: null, wrongCodesInWindow: 0, lockoutsInWindow: 0 },
  pinScope: null,
  effectivePinScope: 'all-paid',
};

function fakeClient(refusal: string | null) {
  const client = {
    listCodes: vi.fn(async () => ({ ok: true as const, value: [maria] })),
    addCode: vi.fn(async () =>
      refusal ? { ok: false as const, code: refusal } : { ok: true as const, value: maria },
    ),
    changeCallSettings: vi.fn(async () =>
      refusal ? { ok: false as const, code: refusal } : { ok: true as const, value: entry },
    ),
  };
  return { client, admin: client as unknown as AdminClient };
}

const TEXT = {
  de: {
    label: 'Name oder Rolle',
    code: 'Persönliche PIN',
    repeat: 'Persönliche PIN wiederholen',
    add: 'PIN hinzufügen',
  },
  en: { label: 'Name or role', code: 'Personal PIN', repeat: 'Repeat personal PIN', add: 'Add PIN' },
} as const;

async function addCode(language: UiLanguage, refusal: string | null, code = LONG_CODE) {
  const user = userEvent.setup();
  const { client, admin } = fakeClient(refusal);
  render(
    <I18nextProvider i18n={createI18n(language)}>
      <PinCodes extension="201" client={admin} />
    </I18nextProvider>,
  );
  await screen.findAllByTestId('pin-code');
  const text = TEXT[language === 'de' ? 'de' : 'en'];
  await user.type(screen.getByLabelText(text.label), 'Lena');
  await user.type(screen.getByLabelText(text.code, { exact: true }), code);
  await user.type(screen.getByLabelText(text.repeat), code);
  await user.click(screen.getByRole('button', { name: text.add }));
  return { client, alert: await screen.findByRole('alert') };
}

describe('personal code limits in the admin form', () => {
  // Breaks when code-too-short is not in the form's list of known errors (the generic "not saved,
  // try again" shows, which would make the admin retry the same code), or when the text does not
  // name the minimum from the shared policy.
  it.each([
    ['de', `mindestens ${PERSONAL_CODE_MIN_DIGITS} Ziffern`, 'Geben Sie eine längere PIN ein.'],
    ['en', `at least ${PERSONAL_CODE_MIN_DIGITS} digits`, 'Enter a longer PIN.'],
  ] as const)('says why the PBX refused a short code and what to do (%s)', async (language, why, what) => {
    const { alert } = await addCode(language, 'code-too-short');
    expect(alert).toHaveTextContent(why);
    expect(alert).toHaveTextContent(what);
    expect(alert.textContent).not.toContain('{{');
  });

  // Breaks when too-many-codes is not mapped (generic text) or the text does not say the limit and
  // that a code has to be deleted first.
  it.each([
    ['de', `schon ${MAX_CODES_PER_EXTENSION} PINs`, 'Löschen Sie eine PIN, die niemand mehr benutzt'],
    ['en', `already has ${MAX_CODES_PER_EXTENSION} PINs`, 'Delete a PIN nobody uses any more'],
  ] as const)(
    'says when the extension holds the most codes and what to do (%s)',
    async (language, why, what) => {
      const { alert } = await addCode(language, 'too-many-codes');
      expect(alert).toHaveTextContent(why);
      expect(alert).toHaveTextContent(what);
    },
  );

  // Breaks when the form sends a code shorter than the personal minimum (it would only learn from
  // the PBX) or checks only the Standard code's 4 digits.
  it(`refuses a code of ${PERSONAL_CODE_MIN_DIGITS - 1} digits before sending`, async () => {
    const { client, alert } = await addCode('de', null, LONG_CODE.slice(0, PERSONAL_CODE_MIN_DIGITS - 1));
    expect(alert).toHaveTextContent(`mindestens ${PERSONAL_CODE_MIN_DIGITS} Ziffern`);
    expect(client.addCode).not.toHaveBeenCalled();
  });

  // Breaks when the hint keeps the Standard code's range (4 to 16) or loses the interpolation.
  it.each([
    ['de', `${PERSONAL_CODE_MIN_DIGITS} bis ${UNLOCK_CODE_DIGITS.max} Ziffern`],
    ['en', `${PERSONAL_CODE_MIN_DIGITS} to ${UNLOCK_CODE_DIGITS.max} digits`],
  ] as const)('the code field’s hint states the minimum (%s)', async (language, hint) => {
    const { admin } = fakeClient(null);
    render(
      <I18nextProvider i18n={createI18n(language)}>
        <PinCodes extension="201" client={admin} />
      </I18nextProvider>,
    );
    const field = screen.getByLabelText(TEXT[language].code, { exact: true });
    expect(field).toHaveAccessibleDescription(expect.stringContaining(hint));
  });

  // Breaks when the set-PIN form shows the generic error for too-many-codes (no way out named).
  it('the set-PIN form says when the extension is full', async () => {
    const user = userEvent.setup();
    const { admin } = fakeClient('too-many-codes');
    render(
      <I18nextProvider i18n={createI18n('de')}>
        <ExtensionRow entry={entry} client={admin} onChanged={vi.fn()} />
      </I18nextProvider>,
    );
    const form = screen.getByRole('form', { name: 'PIN der Durchwahl 201 festlegen' });
    await user.type(within(form).getByLabelText('Neue PIN'), '4826');
    await user.type(within(form).getByLabelText('PIN wiederholen'), '4826');
    await user.click(within(form).getByRole('button', { name: 'PIN festlegen' }));
    const alert = await within(form.parentElement as HTMLElement).findByRole('alert');
    expect(alert).toHaveTextContent('PIN nicht festgelegt');
    expect(alert).toHaveTextContent('Löschen Sie unter „Persönliche PINs“ eine');
  });
});
