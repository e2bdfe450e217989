import { mkdirSync } from 'node:fs';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './fixtures';
import { audioPackets, recordPeerConnections } from './media-stats';
import { ADMIN, EXTENSIONS, PAID_NUMBER, signIn, VOICEMAIL } from './pbx';

// The calls of this file share one PBX; they run one after another so no test rings another's phone.
test.describe.configure({ mode: 'serial' });

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
  await typeOnKeypad(page, `${EXTENSIONS.protected.pin}#`);
  await expect(page.getByTestId('keypad-echo')).toHaveText('Eingegeben: •••••••');
  await screenshot(page, testInfo, 'gespraech-pin-de');
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
    await expect(page.getByTestId('call-phase')).toContainText('Verbunden', { timeout: 15_000 });
  }
  await page.getByRole('button', { name: 'Auflegen' }).click();
  await expect(page.getByTestId('call-outcome')).toHaveText('Das Gespräch ist beendet.');

  // History: the call, the PIN step — and not one digit typed.
  await page.getByRole('tab', { name: 'Verlauf' }).click();
  const history = page.getByTestId('history-list');
  await expect(history).toContainText(PAID_NUMBER.replace(/[\s\-.()]/g, ''));
  await expect(history).toContainText('PIN abgefragt');
  expect(await history.textContent()).not.toContain(EXTENSIONS.protected.pin);
  const stored = await page.evaluate(() => JSON.stringify({ ...window.localStorage }));
  expect(stored).not.toContain(EXTENSIONS.protected.pin);
  await screenshot(page, testInfo, 'verlauf-de');
});

test('wrong PIN three times: the PBX ends the call and the app says what happened and what to do', async ({
  openApp,
  farEnd,
}) => {
  const page = await openApp({ locale: 'en-US' });
  await signIn(page, EXTENSIONS.addOn);
  await dial(page, '+44 20 7946 0000');
  await expect(page.getByTestId('in-call-keypad')).toBeVisible();
  // First on the screen, then on the physical keyboard.
  await typeOnKeypad(page, '1111#');
  await page.waitForTimeout(900);
  for (const guess of ['2222#', '3333#']) {
    await page.keyboard.type(guess, { delay: 60 });
    await page.waitForTimeout(900);
  }
  await expect(page.getByTestId('keypad-echo')).toHaveText('Entered: •••••••••••••••');
  await expect(page.getByTestId('call-outcome')).toHaveText(
    /PIN was entered incorrectly three times.*ask your administrator/,
    {
      timeout: 20_000,
    },
  );
  await expect(page.getByTestId('call-outcome')).toHaveAttribute('role', 'alert');
  expect((await farEnd.calls(EXTENSIONS.addOn.number)) ?? []).toEqual([]);
});

test('calling voicemail asks for no PIN', async ({ openApp }) => {
  const page = await openApp({ locale: 'de-DE' });
  await signIn(page, EXTENSIONS.protected);
  await page.getByRole('tab', { name: 'Telefon' }).click();
  await page.getByLabel('Rufnummer').fill(VOICEMAIL);
  await expect(page.getByTestId('dial-classification')).toContainText('Mailbox');
  await expect(page.getByTestId('pin-required')).toHaveCount(0);
  await page.getByRole('button', { name: 'Anrufen' }).click();
  await expect(page.getByTestId('call-phase')).toContainText('Verbunden');
  await expect(page.getByTestId('pin-required')).toHaveCount(0);
  // The PBX plays "no new messages" and hangs up.
  await expect(page.getByTestId('call-outcome')).toHaveText('Das Gespräch ist beendet.', { timeout: 15_000 });

  // Call back from the history.
  await page.getByRole('tab', { name: 'Verlauf' }).click();
  await page.getByRole('button', { name: `${VOICEMAIL} anrufen` }).click();
  await expect(page.getByRole('tab', { name: 'Telefon' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('call-phase')).toContainText('Verbunden');
  await page.getByRole('button', { name: 'Auflegen' }).click();
});

test('a not-entitled extension calls out directly and is told to ask the service provider', async ({
  openApp,
  farEnd,
}, testInfo) => {
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
  await dial(page, '030 7654321');
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

test('two phones: an extension calls another, which answers, and audio flows both ways', async ({
  openApp,
}, testInfo) => {
  const callee = await openApp({ locale: 'de-DE' });
  await recordPeerConnections(callee);
  await callee.reload();
  await signIn(callee, EXTENSIONS.available);
  const caller = await openApp({ locale: 'en-US' });
  await recordPeerConnections(caller);
  await caller.reload();
  await signIn(caller, EXTENSIONS.addOn);
  await dial(caller, EXTENSIONS.available.number);
  await expect(caller.getByTestId('dial-classification')).toHaveCount(0);
  await expect(callee.getByTestId('call-phase')).toHaveText('Eingehender Anruf');
  await screenshot(callee, testInfo, 'eingehender-anruf-de');
  await callee.getByRole('button', { name: 'Annehmen' }).click();
  await expect(caller.getByTestId('call-phase')).toContainText('Connected');
  await expect(callee.getByTestId('call-phase')).toContainText('Verbunden');
  await expect
    .poll(async () => Math.min(...Object.values(await audioPackets(caller))), { timeout: 10_000 })
    .toBeGreaterThan(25);
  await expect
    .poll(async () => Math.min(...Object.values(await audioPackets(callee))), { timeout: 10_000 })
    .toBeGreaterThan(25);
  await screenshot(caller, testInfo, 'call-active-en');
  await caller.getByRole('button', { name: 'Hold' }).click();
  await expect(caller.getByTestId('call-phase')).toContainText('On hold');
  await caller.getByRole('button', { name: 'Resume' }).click();
  await expect(caller.getByTestId('call-phase')).toContainText('Connected');
  await callee.getByRole('button', { name: 'Auflegen' }).click();
  await expect(caller.getByTestId('call-outcome')).toHaveText('The call has ended.');
});

test('the admin switches IVR authentication in the Anrufeinstellungen tab and the other app follows without a restart', async ({
  openApp,
  adminApi,
}, testInfo) => {
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
  await admin.getByLabel('Passwort (Administration)').fill(ADMIN_CREDENTIALS.password);
  await admin.getByRole('button', { name: 'Anmelden' }).click();
  const row = admin.getByTestId(`admin-extension-${EXTENSIONS.available.number}`);
  await expect(row).toContainText(EXTENSIONS.available.number);
  // Not entitled: the switch is disabled, with the provider hint.
  const notEntitled = admin.getByTestId(`admin-extension-${EXTENSIONS.notEntitled.number}`);
  await expect(notEntitled.getByRole('switch')).toBeDisabled();
  await expect(notEntitled).toContainText('Fragen Sie Ihren Dienstanbieter');

  await row.getByLabel('Neuer Entsperrcode').fill('97531');
  await row.getByLabel('Entsperrcode wiederholen').fill('97530');
  await row.getByRole('button', { name: 'Entsperrcode festlegen' }).click();
  await expect(row.getByRole('alert')).toHaveText('Die beiden Entsperrcodes stimmen nicht überein.');
  await row.getByLabel('Neuer Entsperrcode').fill('97531');
  await row.getByLabel('Entsperrcode wiederholen').fill('97531');
  await row.getByRole('button', { name: 'Entsperrcode festlegen' }).click();
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
  expect(
    await admin.evaluate(() => JSON.stringify({ ...window.localStorage, ...window.sessionStorage })),
  ).not.toContain(ADMIN_CREDENTIALS.password);
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
    await typeOnKeypad(page, `${EXTENSIONS.protected.pin}#`);
    // Answered, not only rung: with early media the app's call is established only then.
    await expect.poll(answered, { timeout: 15_000 }).toBe((answeredBefore ?? 0) + 1);
    await expect(page.getByTestId('call-phase')).toContainText('Verbunden');
  } else {
    test.info().annotations.push({
      type: 'note',
      description: 'This PBX offers no far-end view: only the prompt and the connection are checked.',
    });
    await typeOnKeypad(page, `${EXTENSIONS.protected.pin}#`);
    await expect(page.getByTestId('call-phase')).toContainText('Verbunden', { timeout: 15_000 });
  }
  await page.getByRole('button', { name: 'Auflegen' }).click();
  await expect(page.getByTestId('call-outcome')).toHaveText('Das Gespräch ist beendet.');
});
