import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';

/**
 * The desktop parts of the browser host (no PBX needed): DND in the header and status bar, the
 * theme override, the ring tone preview on a real audio element, the microphone level meter on
 * Chromium's fake microphone. The Electron tray and hotkeys are unit-tested (test/unit/electron/).
 */

test('do not disturb is switched in the header, shown in the status bar and kept across a restart', async ({
  openApp,
}) => {
  const page = await openApp({ locale: 'de-DE' });
  const toggle = page.getByRole('button', { name: 'Nicht stören' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('dnd-state')).toHaveText('Nicht stören: Anrufe werden abgewiesen');
  await page.reload();
  await expect(page.getByRole('button', { name: 'Nicht stören' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'Nicht stören' }).click();
  await expect(page.getByTestId('dnd-state')).toHaveCount(0);
});

test('the chosen theme overrides the system, and the dark one passes axe', async ({ openApp }) => {
  const page = await openApp({ locale: 'en-US' });
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.getByLabel('Colour scheme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).not.toBe('rgb(246, 247, 249)');
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((violation) => violation.id)).toEqual([]);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('the ring tone preview plays on an audio element routed with setSinkId', async ({ openApp }) => {
  const page = await openApp({ locale: 'de-DE' });
  await page.getByLabel('Klingelton').selectOption('digital');
  await page.getByRole('button', { name: 'Anhören' }).click();
  await expect(page.getByTestId('ring-preview-result')).toHaveText('Klingelton gespielt.');
  await expect(page.getByTestId('ring-preview-problem')).toHaveCount(0);
});

test('the microphone level meter moves with the fake microphone and stops when the tab is left', async ({
  openApp,
}) => {
  const page = await openApp({ locale: 'de-DE' });
  await page.getByRole('button', { name: 'Mikrofon testen' }).click();
  const meter = page.getByTestId('mic-level');
  await expect(meter).toHaveAttribute('data-running', 'true');
  // Chromium's fake microphone beeps: the level rises above the floor.
  await expect
    .poll(() => meter.evaluate((element: HTMLMeterElement) => element.value), { timeout: 15_000 })
    .toBeGreaterThan(0.1);
  await page.getByRole('tab', { name: 'Telefon' }).click();
  await page.getByRole('tab', { name: 'Konto' }).click();
  await expect(meter).toHaveAttribute('data-running', 'false');
  expect(await meter.evaluate((element: HTMLMeterElement) => element.value)).toBe(0);
});

for (const locale of ['de-DE', 'en-US'] as const) {
  // Breaks when the DND switch pushes the header wider than a 360 px window (it did before the narrow layout).
  test(`the header with the DND switch fits a 360 px window (${locale})`, async ({ openApp }) => {
    const page = await openApp({ locale });
    await page.setViewportSize({ width: 360, height: 640 });
    const header = page.locator('.app__header');
    await expect(header.getByTestId('dnd-toggle')).toBeVisible();
    const sizes = await header.evaluate((element) => ({
      header: element.scrollWidth - element.clientWidth,
      page: document.documentElement.scrollWidth - window.innerWidth,
      height: element.getBoundingClientRect().height,
    }));
    expect(sizes.header).toBeLessThanOrEqual(0);
    expect(sizes.page).toBeLessThanOrEqual(0);
    // One line: no taller than the select inside it plus the padding.
    expect(sizes.height).toBeLessThan(60);
    await expect(
      page.getByRole('combobox', { name: locale === 'de-DE' ? 'Sprache' : 'Language' }),
    ).toBeVisible();
  });
}
