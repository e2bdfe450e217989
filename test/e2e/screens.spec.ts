import { mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { EXTENSIONS, requireCapabilities, signIn } from './pbx';

/**
 * Every main screen, signed in against the test PBX, in German and English: checked with axe and
 * saved as screenshots (test-results/screenshots/, also attached to the report).
 */
const SCREENS = {
  de: { phone: 'Telefon', history: 'Verlauf', callSettings: 'Anrufeinstellungen', account: 'Konto' },
  en: { phone: 'Phone', history: 'History', callSettings: 'Call settings', account: 'Account' },
} as const;

async function capture(page: Page, name: string) {
  mkdirSync('test-results/screenshots', { recursive: true });
  const body = await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
  await test.info().attach(name, { body, contentType: 'image/png' });
}

for (const [language, locale] of [
  ['de', 'de-DE'],
  ['en', 'en-US'],
] as const) {
  test(`main screens, signed in (${language})`, async ({ openApp }) => {
    // The call settings screen shows the policy of the PBX's API.
    await requireCapabilities('policy');
    const page = await openApp({ locale });
    await page.setViewportSize({ width: 480, height: 820 });
    await signIn(page, EXTENSIONS.protected);
    for (const [screen, tab] of Object.entries(SCREENS[language])) {
      await page.getByRole('tab', { name: tab, exact: true }).click();
      if (screen === 'phone')
        await page.getByLabel(language === 'de' ? 'Rufnummer' : 'Number').fill('030 1234567');
      if (screen === 'callSettings') await expect(page.getByTestId('own-call-settings')).toBeVisible();
      const results = await new AxeBuilder({ page }).analyze();
      expect(
        results.violations.map(
          (violation) => `${violation.id}: ${violation.nodes.map((n) => n.target).join(' ')}`,
        ),
      ).toEqual([]);
      await capture(page, `${language}-${screen}`);
    }
    // Konto → Audio on its own (user guide), and the dark theme (system scheme dark) checked by axe.
    await page.getByRole('tab', { name: SCREENS[language].account, exact: true }).click();
    await page.getByRole('region', { name: 'Audio' }).scrollIntoViewIfNeeded();
    mkdirSync('test-results/screenshots', { recursive: true });
    await page
      .getByRole('region', { name: 'Audio' })
      .screenshot({ path: `test-results/screenshots/${language}-account-audio.png` });
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    for (const [screen, tab] of Object.entries(SCREENS[language])) {
      await page.getByRole('tab', { name: tab, exact: true }).click();
      const results = await new AxeBuilder({ page }).analyze();
      expect(
        results.violations.map(
          (violation) => `${violation.id}: ${violation.nodes.map((n) => n.target).join(' ')}`,
        ),
      ).toEqual([]);
      if (screen === 'phone' || screen === 'account') await capture(page, `${language}-${screen}-dark`);
    }
  });
}
