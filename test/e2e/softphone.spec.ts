import { mkdirSync } from 'node:fs';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './fixtures';
import { audioPackets, recordPeerConnections } from './media-stats';
import {
  ADMIN,
  EXTENSIONS,
  NEW_UNLOCK_CODE,
  NUMBERS,
  requireCapabilities,
  requireNumber,
  signIn,
} from './pbx';
import { pressSecretKeys, typeSecrets } from './secret-typing';

/**
 * The QA kit's PIN and policy specs. They share the run's PBX and run one after another in one worker
 * (a file's tests do), but not as a serial chain: a failure does not stop the others. Each skips,
 * saying why, where the PBX lacks what it needs (pbx.ts: capabilities, numbers). The PBX-neutral
 * calls are in pbx-neutral.spec.ts.
 */

async function dial(page: Page, number: string) {
  await page.getByRole('tab', { name: /Telefon|Phone/ }).click();
  await page.getByLabel(/^(Rufnummer|Number)$/).fill(number);
  await page.getByRole('button', { name: /^(Anrufen|Call)$/ }).click();
  await expect(page.getByTestId('call-panel')).toBeVisible();
}

async function typeOnKeypad(page: Page, keys: string) {
  const keypad = page.getByTestId('in-call-keypad');
  for (const key of keys) {
    await keypad
      .getByRole('button', {
        name: key === '#' ? /\(#\)/ : key === '*' ? /\(\*\)/ : key,
        exact: key !== '#' && key !== '*',
      })
      .click();
  }
}

/** Attached to the report and kept in test-results/screenshots/ (the user guide's pictures come from there). */
async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  mkdirSync('test-results/screenshots', { recursive: true });
  const body = await page.screenshot({ fullPage: true, path: `test-results/screenshots/${name}.png` });
  await testInfo.attach(name, { body, contentType: 'image/png' });
}

test('a protected extension hears the prompt, types the PIN on the keypad and reaches the far end, which receives no digit', async ({
  openApp,
  farEnd,
}, testInfo) => {
  await requireCapabilities('policy', 'pin');
  const PAID_NUMBER = requireNumber(NUMBERS.paid, 'TOLLGATE_QA_PAID_NUMBER', 'paid number');
  const page = await openApp({ locale: 'de-DE' });
  await signIn(page, EXTENSIONS.protected);
  await expect(page.getByTestId('pin-protection-state')).toHaveText(
    'PIN-Schutz: aktiv – kostenpflichtige Anrufe verlangen Ihre PIN',
  );
  await page.getByRole('tab', { name: 'Telefon' }).click();
  await page.getByLabel('Rufnummer').fill(PAID_NUMBER);
  await expect(page.getByTestId('pin-required')).toContainText('PIN erforderlich');
  await screenshot(page, testInfo, 'telefon-pin-warnung-de');
  await page.getByRole('button', { name: 'Anrufen' }).click();
  await expect(page.getByTestId('in-call-keypad')).toBeVisible();
  await pressSecretKeys(page, page.getByTestId('in-call-keypad'), EXTENSIONS.protected.pin);
  // Dots only, and the count for screen readers: never a digit of the PIN.
  await expect(page.getByTestId('keypad-echo')).toHaveText(
    `${'•'.repeat(EXTENSIONS.protected.pin.length)}${EXTENSIONS.protected.pin.length} Ziffern eingegeben`,
  );
  // The call screen's pictures, phase by phase, come from pin-phases.spec.ts.
  await page.getByTestId('in-call-keypad').getByRole('button', { name: /\(#\)/ }).click();
  if (await farEnd.calls(EXTENSIONS.protected.number)) {
    await expect
      .poll(
        async () =>
          (await farEnd.calls(EXTENSIONS.protected.number))?.filter((call) => call.answeredAt !== null)
            .length,
        {
          timeout: 15_000,
        },
      )
      .toBe(1);
    expect((await farEnd.calls(EXTENSIONS.protected.number))?.[0]).toMatchObject({ dtmfReceived: '' });
  } else {
    test.info().annotations.push({
      type: 'note',
      description: 'This PBX offers no far-end view: digits at the far end not checked.',
    });
    await expect(page.getByTestId('call-phase')).toContainText(/verbunden/i, { timeout: 15_000 });
  }
  await page.getByRole('button', { name: 'Auflegen' }).click();
  await expect(page.getByTestId('call-outcome')).toHaveText('Das Gespräch ist beendet.');

  // History: the call, the PIN step — and not one digit typed.
  await page.getByRole('tab', { name: 'Verlauf' }).click();
  const history = page.getByTestId('history-list');
  // Verlauf shows the number formatted for the company's country (030 1234567): the digits in
  // order, spaces allowed between them.
  const paidDigits = PAID_NUMBER.replace(/[^\d+]/g, '');
  await expect(history).toContainText(new RegExp(paidDigits.split('').join('[\\s\\u00a0-]?')));
  // The PIN step is noted (its outcome is "unknown" while the PBX sends no IVR signals).
  await expect(history).toContainText(/PIN (abgefragt|angenommen)|PIN-Ergebnis/);
  // Secrets are compared as booleans: an expect's expected value is recorded in traces (docs/qa.md).
  expect((await history.textContent())?.includes(EXTENSIONS.protected.pin), 'no PIN in the history').toBe(
    false,
  );
  const stored = await page.evaluate(() => JSON.stringify({ ...window.localStorage }));
  expect(stored.includes(EXTENSIONS.protected.pin), 'no PIN in the settings').toBe(false);
  await screenshot(page, testInfo, 'verlauf-de');
});

test('wrong PIN three times: the PBX ends the call and the app says what happened and what to do', async ({
  openApp,
  farEnd,
}) => {
  await requireCapabilities('pin');
  const number = requireNumber(
    NUMBERS.wrongPin,
    'TOLLGATE_QA_WRONG_PIN_NUMBER',
    'number for the wrong-PIN call',
  );
  const page = await openApp({ locale: 'en-US' });
  await signIn(page, EXTENSIONS.addOn);
  await dial(page, number);
  await expect(page.getByTestId('in-call-keypad')).toBeVisible();
  // First on the screen, then on the physical keyboard.
  await typeOnKeypad(page, '1111#');
  await page.waitForTimeout(900);
  for (const guess of ['2222#', '3333#']) {
    await page.keyboard.type(guess, { delay: 60 });
    await page.waitForTimeout(900);
  }
  await expect(page.getByTestId('call-outcome')).toHaveText(
    /PIN was (entered incorrectly three times|wrong too often).*administrator/,
    {
      timeout: 20_000,
    },
  );
  await expect(page.getByTestId('call-outcome')).toHaveAttribute('role', 'alert');
  expect((await farEnd.calls(EXTENSIONS.addOn.number)) ?? []).toEqual([]);
});

test('calling voicemail asks for no PIN', async ({ openApp }) => {
  // The classification ("Mailbox") comes from the policy's dial plan.
  await requireCapabilities('policy');
  const VOICEMAIL = requireNumber(NUMBERS.voicemail, 'TOLLGATE_QA_VOICEMAIL', 'voicemail number');
  const page = await openApp({ locale: 'de-DE' });
  await signIn(page, EXTENSIONS.protected);
  await page.getByRole('tab', { name: 'Telefon' }).click();
  await page.getByLabel('Rufnummer').fill(VOICEMAIL);
  await expect(page.getByTestId('dial-classification')).toContainText('Mailbox');
  await expect(page.getByTestId('pin-required')).toHaveCount(0);
  await page.getByRole('button', { name: 'Anrufen' }).click();
  await expect(page.getByTestId('call-phase')).toContainText(/verbunden/i);
  await expect(page.getByTestId('pin-required')).toHaveCount(0);
  // The PBX plays "no new messages" and hangs up.
  await expect(page.getByTestId('call-outcome')).toHaveText('Das Gespräch ist beendet.', { timeout: 15_000 });

  // Call back from the history.
  await page.getByRole('tab', { name: 'Verlauf' }).click();
  await page.getByRole('button', { name: `${VOICEMAIL} anrufen` }).click();
  await expect(page.getByRole('tab', { name: 'Telefon' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('call-phase')).toContainText(/verbunden/i);
  await page.getByRole('button', { name: 'Auflegen' }).click();
});

test('a not-entitled extension calls out directly and is told to ask the service provider', async ({
  openApp,
  farEnd,
}, testInfo) => {
  await requireCapabilities('policy');
  const number = requireNumber(NUMBERS.direct, 'TOLLGATE_QA_DIRECT_NUMBER', 'outside number without PIN');
  const page = await openApp({ locale: 'en-US' });
  await signIn(page, EXTENSIONS.notEntitled);
  await expect(page.getByTestId('pin-protection-state')).toHaveText(
    'PIN protection: not available – ask your service provider',
  );
  await page.getByRole('tab', { name: 'Call settings' }).click();
  await expect(page.getByTestId('own-product')).toHaveText(
    /not available for your product\. Ask your service provider/,
  );
  await screenshot(page, testInfo, 'call-settings-not-entitled-en');
  await dial(page, number);
  await expect(page.getByTestId('pin-required')).toHaveCount(0);
  await expect(page.getByTestId('call-phase')).toContainText('Connected');
  if (await farEnd.calls(EXTENSIONS.notEntitled.number)) {
    await expect
      .poll(
        async () =>
          (await farEnd.calls(EXTENSIONS.notEntitled.number))?.filter((call) => call.answeredAt !== null)
            .length,
      )
      .toBe(1);
  }
  await page.getByRole('button', { name: 'Hang up' }).click();
});

test('the admin switches IVR authentication in the Anrufeinstellungen tab and the other app follows without a restart', async ({
  openApp,
  adminApi,
}, testInfo) => {
  await requireCapabilities('policy', 'admin');
  const ADMIN_CREDENTIALS = ADMIN ?? { username: '', password: '' };
  const staff = await openApp({ locale: 'de-DE' });
  await signIn(staff, EXTENSIONS.available);
  await expect(staff.getByTestId('pin-protection-state')).toHaveText(
    'PIN-Schutz: verfügbar, für diese Durchwahl nicht aktiv',
  );

  const admin = await openApp({ locale: 'de-DE' });
  await signIn(admin, EXTENSIONS.protected);
  await admin.getByRole('tab', { name: 'Anrufeinstellungen' }).click();
  await admin.getByLabel('Benutzername (Administration)').fill(ADMIN_CREDENTIALS.username);
  await typeSecrets(admin, {
    fields: [{ locator: admin.getByLabel('Passwort (Administration)'), secret: ADMIN_CREDENTIALS.password }],
    submit: admin.getByRole('button', { name: 'Anmelden' }),
  });
  const row = admin.getByTestId(`admin-extension-${EXTENSIONS.available.number}`);
  await expect(row).toContainText(EXTENSIONS.available.number);
  // Not entitled: the switch is disabled, with the provider hint.
  const notEntitled = admin.getByTestId(`admin-extension-${EXTENSIONS.notEntitled.number}`);
  await expect(notEntitled.getByRole('switch')).toBeDisabled();
  await expect(notEntitled).toContainText('Fragen Sie Ihren Dienstanbieter');

  // The codes are typed like passwords (secret-typing.ts): a real PBX's unlock code is a secret.
  const setCodes = (code: string, repeated: string) =>
    typeSecrets(admin, {
      fields: [
        { locator: row.getByLabel(/^(Neuer Entsperrcode|Neue PIN)$/), secret: code },
        { locator: row.getByLabel(/^(Entsperrcode|PIN) wiederholen$/), secret: repeated },
      ],
      submit: row.getByRole('button', { name: /^(Entsperrcode|PIN) festlegen$/ }),
      appClears: false,
    });
  await setCodes(
    NEW_UNLOCK_CODE,
    `${NEW_UNLOCK_CODE.slice(0, -1)}${NEW_UNLOCK_CODE.endsWith('0') ? '1' : '0'}`,
  );
  await expect(row.getByRole('alert')).toHaveText(/Die beiden (Entsperrcodes|PINs) stimmen nicht überein\./);
  await setCodes(NEW_UNLOCK_CODE, NEW_UNLOCK_CODE);
  await expect(row.getByRole('status')).toHaveText('Gespeichert.');
  await row.getByRole('switch').check();
  await expect(staff.getByTestId('pin-protection-state')).toHaveText(
    'PIN-Schutz: aktiv – kostenpflichtige Anrufe verlangen Ihre PIN',
    {
      timeout: 5_000,
    },
  );
  await screenshot(admin, testInfo, 'anrufeinstellungen-admin-de');
  await row.getByRole('switch').uncheck();
  await expect(staff.getByTestId('pin-protection-state')).toHaveText(
    'PIN-Schutz: verfügbar, für diese Durchwahl nicht aktiv',
    {
      timeout: 5_000,
    },
  );
  const kept = await admin.evaluate(() =>
    JSON.stringify({ ...window.localStorage, ...window.sessionStorage }),
  );
  expect(kept.includes(ADMIN_CREDENTIALS.password), 'no admin password in the storage').toBe(false);
  // The PBX agrees: switched off again.
  expect(
    (await adminApi.request('GET', `/admin/extensions/${EXTENSIONS.available.number}/call-settings`)).body,
  ).toMatchObject({
    ivrAuthentication: false,
    unlockCodeSet: true,
  });
});

test('when the policy API fails or answers garbage, the app shows the last policy as stale and the PBX still asks for the PIN', async ({
  openApp,
  farEnd,
}) => {
  await requireCapabilities('policy', 'pin');
  const PAID_NUMBER = requireNumber(NUMBERS.paid, 'TOLLGATE_QA_PAID_NUMBER', 'paid number');
  const page = await openApp({ locale: 'de-DE' });
  await recordPeerConnections(page);
  await page.reload();
  await signIn(page, EXTENSIONS.protected);
  const state = page.getByTestId('pin-protection-state');
  await expect(state).toHaveText('PIN-Schutz: aktiv – kostenpflichtige Anrufe verlangen Ihre PIN');

  // The app restarts while the policy stream answers 500: the cached policy is shown, marked stale.
  await page.route('**/policy/events', (route) =>
    route.fulfill({ status: 500, body: 'Internal Server Error' }),
  );
  await page.reload();
  await expect(state).toContainText('PIN-Schutz: aktiv');
  await expect(state).toContainText('liefert gerade keine gültigen Einstellungen');
  await page.unroute('**/policy/events');

  // And again while the sign-in answers garbage.
  await page.route('**/token', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: '{"token": [' }),
  );
  await page.reload();
  await expect(state).toContainText('PIN-Schutz: aktiv');
  await expect(state).toContainText('liefert gerade keine gültigen Einstellungen');
  await expect(page.getByTestId('registration-state')).toHaveText(
    `Angemeldet als ${EXTENSIONS.protected.number}`,
  );

  // Calls are enforced by the PBX, not by the policy: the IVR answers and the far end waits for the PIN.
  const answered = async () =>
    (await farEnd.calls(EXTENSIONS.protected.number))?.filter((call) => call.answeredAt !== null).length;
  const reachedBefore = (await farEnd.calls(EXTENSIONS.protected.number))?.length;
  const answeredBefore = await answered();
  await page.getByRole('tab', { name: 'Telefon' }).click();
  await page.getByLabel('Rufnummer').fill(PAID_NUMBER);
  await expect(page.getByTestId('pin-required')).toContainText('PIN erforderlich');
  await page.getByRole('button', { name: 'Anrufen' }).click();
  await expect(page.getByTestId('in-call-keypad')).toBeVisible();
  await expect.poll(async () => (await audioPackets(page)).received, { timeout: 10_000 }).toBeGreaterThan(25);
  if (reachedBefore !== undefined) {
    expect((await farEnd.calls(EXTENSIONS.protected.number))?.length).toBe(reachedBefore);
    await pressSecretKeys(page, page.getByTestId('in-call-keypad'), `${EXTENSIONS.protected.pin}#`);
    // Answered, not only rung: with early media the app's call is established only then.
    await expect.poll(answered, { timeout: 15_000 }).toBe((answeredBefore ?? 0) + 1);
    await expect(page.getByTestId('call-phase')).toContainText(/verbunden/i);
  } else {
    test.info().annotations.push({
      type: 'note',
      description: 'This PBX offers no far-end view: only the prompt and the connection are checked.',
    });
    await pressSecretKeys(page, page.getByTestId('in-call-keypad'), `${EXTENSIONS.protected.pin}#`);
    await expect(page.getByTestId('call-phase')).toContainText(/verbunden/i, { timeout: 15_000 });
  }
  await page.getByRole('button', { name: 'Auflegen' }).click();
  await expect(page.getByTestId('call-outcome')).toHaveText('Das Gespräch ist beendet.');
});
