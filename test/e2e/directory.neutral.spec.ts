import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { PHONES } from './pbx';
import { phone } from './three-phones';

/**
 * Verzeichnis (issue #13) against any PBX (the test PBX and Kamailio, playwright.config.ts). With the
 * test PBX's policy API the colleagues are listed by name; Kamailio has no policy API (the fixtures
 * leave the API address empty): the tab says the PBX offers no directory and the favourites still
 * work. Either way: a favourite is added, found by searching as you type in the number field, and
 * called with a click; axe in German and English.
 */

async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(
    results.violations.map(
      (violation) => `${violation.id}: ${violation.nodes.map((n) => n.target).join(' ')}`,
    ),
  ).toEqual([]);
}

// Breaks when: the directory is not loaded where the PBX has one, a PBX without it leaves the tab
// broken or silent, favourites are not kept, search as you type misses them, a click does not call,
// or the tab fails axe.
test('colleagues where the PBX has a directory, favourites everywhere; search as you type; click to call', async ({
  openApp,
  pbx,
}) => {
  test.setTimeout(150_000);
  const a = await phone(openApp, pbx, PHONES.a, 'de-DE');
  const b = await phone(openApp, pbx, PHONES.b, 'en-US');
  const page = a.page;
  await page.getByRole('tab', { name: 'Verzeichnis' }).click();
  const panel = page.getByRole('tabpanel');

  if (pbx.target.apiUrl) {
    const colleagues = panel.getByRole('list', { name: 'Kolleginnen und Kollegen' });
    await expect(colleagues.getByTestId('directory-entry')).not.toHaveCount(0, { timeout: 20_000 });
    await expect(colleagues).toContainText(b.number);
  } else {
    await expect(page.getByTestId('directory-status')).toContainText('bietet kein Verzeichnis');
    await expect(panel.getByRole('list', { name: 'Kolleginnen und Kollegen' })).toHaveCount(0);
  }
  await expectAccessible(page);

  // A favourite of one's own: B, under a name only this phone knows.
  await panel.getByLabel('Nummer oder SIP-Adresse').fill(b.number);
  await panel.getByLabel('Name (freiwillig)').fill('Testkollege');
  await panel.getByRole('button', { name: 'Hinzufügen' }).click();
  const favourites = panel.getByRole('list', { name: 'Favoriten' });
  await expect(favourites).toContainText('Testkollege');

  // Search as you type in the number field offers it; choosing it fills in the number.
  await page.getByRole('tab', { name: 'Telefon' }).click();
  await page.getByLabel('Rufnummer').fill('Testk');
  await page
    .getByTestId('directory-matches')
    .getByRole('button', { name: `Testkollege (${b.number})` })
    .click();
  await expect(page.getByLabel('Rufnummer')).toHaveValue(b.number);

  // Click to call from the directory: B rings, and the name is on A's call screen.
  await page.getByRole('tab', { name: 'Verzeichnis' }).click();
  await favourites.getByRole('button', { name: `Testkollege (${b.number}) anrufen` }).click();
  await expect(b.page.getByTestId('call-phase')).toHaveText(/Incoming call/, { timeout: 20_000 });
  await b.page.getByRole('button', { name: /^Decline$/ }).click();

  // English, the same screen.
  await page.getByRole('combobox', { name: /Sprache|Language/ }).selectOption('en');
  await page.getByRole('tab', { name: 'Directory' }).click();
  await expect(page.getByRole('tabpanel').getByRole('list', { name: 'Favourites' })).toContainText(
    'Testkollege',
  );
  await expectAccessible(page);
});
