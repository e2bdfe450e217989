import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './fixtures';

/** The tabs every build has, in this order (others, e.g. the directory, may sit between them). */
const TABS = {
  de: ['Telefon', 'Verlauf', 'Anrufeinstellungen', 'Konto'],
  en: ['Phone', 'History', 'Call settings', 'Account'],
};

/** The tab names on screen; fails unless the known ones are all there, in order. */
async function tabNames(page: Page, language: keyof typeof TABS): Promise<string[]> {
  await expect(page.getByRole('tab', { name: TABS[language][3] })).toBeVisible();
  const names = (await page.getByRole('tab').allTextContents()).map((name) => name.trim());
  expect(names.filter((name) => TABS[language].includes(name))).toEqual(TABS[language]);
  return names;
}

async function attachScreenshot(page: Page, testInfo: TestInfo, name: string) {
  await testInfo.attach(name, { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
}

async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(
    results.violations.map(
      (violation) => `${violation.id}: ${violation.nodes.map((n) => n.target).join(' ')}`,
    ),
  ).toEqual([]);
}

test('starts in German on a German system, switches to English and saves an account that survives a restart', async ({
  openApp,
}, testInfo) => {
  const page = await openApp({ locale: 'de-DE' });
  await tabNames(page, 'de');
  await expect(page.getByRole('tab', { name: 'Konto' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('registration-state')).toHaveText('Kein Konto eingerichtet');

  await page.getByRole('combobox', { name: 'Sprache' }).selectOption('en');
  await expect(page.getByRole('tab', { name: 'Account' })).toBeVisible();
  await tabNames(page, 'en');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await page.getByLabel('SIP WebSocket address').fill('wss://pbx.example.test:8089/ws');
  await page.getByLabel('Extension').fill('201');
  await page.getByLabel('Password').fill('demo-password-201');
  await page.getByLabel('Display name').fill('Reception');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Account saved.')).toBeVisible();
  await expect(page.getByLabel('Password')).toHaveValue('');
  // pbx.example.test does not exist: the phone says so and keeps retrying.
  await expect(page.getByTestId('registration-state')).toHaveText(
    /Connecting to the PBX|No connection to the PBX. Retrying/,
  );
  await attachScreenshot(page, testInfo, 'account-saved-en');

  await page.reload();
  await tabNames(page, 'en');
  await page.getByRole('tab', { name: 'Account' }).click();
  await expect(page.getByLabel('Extension')).toHaveValue('201');
  await expect(page.getByLabel('Display name')).toHaveValue('Reception');
  await expect(page.getByText('Leave empty to keep the saved password.')).toBeVisible();
});

test('says what is wrong with an invalid account', async ({ openApp }) => {
  const page = await openApp({ locale: 'en-US' });
  await page.getByLabel('SIP WebSocket address').fill('https://pbx.example.test');
  // Any SIP user part is an account user (201, alice, a 9-digit number), but not one with a space.
  await page.getByLabel('Extension').fill('ali ce');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('Please correct the marked fields.');
  await expect(page.getByLabel('SIP WebSocket address')).toHaveAttribute('aria-invalid', 'true');
  await expect(
    page.getByText('Enter the extension or SIP user name without spaces, @ or : (64 characters at most)', {
      exact: false,
    }),
  ).toBeVisible();
  await expect(page.getByText('Enter the password of your extension.')).toBeVisible();
});

test('fills in the number of a tel: link and does not dial', async ({ openApp }) => {
  const page = await openApp({ locale: 'de-DE', link: 'tel:+49-30-1234567' });
  await expect(page.getByRole('tab', { name: 'Telefon' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Rufnummer')).toHaveValue('+49301234567');
  await expect(page.getByRole('button', { name: 'Anrufen' })).toBeDisabled();
});

for (const [language, locale, colorScheme] of [
  ['de', 'de-DE', 'light'],
  ['en', 'en-US', 'light'],
  // The dark theme follows the system's prefers-color-scheme: axe checks its contrast on every tab.
  // Breaks with a dark --muted of #3a3f47 (color-contrast on the tabs and the language label; seen once).
  ['de', 'de-DE', 'dark'],
  ['en', 'en-US', 'dark'],
] as const) {
  test(`every tab is accessible and keyboard-usable (${language}, ${colorScheme})`, async ({
    openApp,
  }, testInfo) => {
    const page = await openApp({ locale });
    await page.emulateMedia({ colorScheme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', colorScheme);
    const names = await tabNames(page, language);
    await page.getByRole('tab', { name: TABS[language][3] }).focus();
    for (const name of names) {
      // Home, then ArrowRight: reach every tab from the keyboard alone.
      if (name === names[0]) await page.keyboard.press('Home');
      else await page.keyboard.press('ArrowRight');
      await expect(page.getByRole('tab', { name })).toBeFocused();
      await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
      await expectAccessible(page);
      await attachScreenshot(page, testInfo, `${name}-${language}-${colorScheme}`);
    }
  });
}
