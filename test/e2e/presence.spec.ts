import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { PHONES } from './pbx';
import { connect, phone } from './three-phones';

/**
 * Presence (issue #13) against the test PBX: phone A watches its colleagues in the Verzeichnis
 * (SIP SUBSCRIBE to the `dialog` event package); B's dot turns busy while B is on a call with C and
 * back to free when the call ends. The tab passes axe in German and English.
 */

async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(
    results.violations.map(
      (violation) => `${violation.id}: ${violation.nodes.map((n) => n.target).join(' ')}`,
    ),
  ).toEqual([]);
}

// Breaks when: the phone does not subscribe to presence, the PBX sends no NOTIFY on a call's state
// change, the dot ignores the dialog-info (or reads a stale one), or the directory tab fails axe.
test("a colleague's dot turns busy during a call and free after it", async ({ openApp, pbx }) => {
  // Skipped on Kamailio only: it offers no dialog subscriptions (RFC 4235); its directory is checked in directory.neutral.spec.ts.
  test.skip(pbx.kind === 'kamailio', 'Presence is the test PBX’s (Kamailio: directory.neutral.spec.ts)');
  test.setTimeout(150_000);
  const a = await phone(openApp, pbx, PHONES.a, 'de-DE');
  const b = await phone(openApp, pbx, PHONES.b, 'en-US');
  const c = await phone(openApp, pbx, PHONES.c, 'en-US');

  await a.page.getByRole('tab', { name: 'Verzeichnis' }).click();
  const dotOfB = a.page.getByTestId(`presence-${b.number}`);
  await expect(dotOfB).toHaveAttribute('data-presence', 'idle', { timeout: 20_000 });
  await expect(dotOfB).toHaveAccessibleName('frei');
  await expectAccessible(a.page);

  await connect(b, c);
  await expect(dotOfB).toHaveAttribute('data-presence', 'busy', { timeout: 20_000 });
  await expect(dotOfB).toHaveAccessibleName('telefoniert');
  // C is on the same call: busy too; A itself is not listed as busy by anyone.
  await expect(a.page.getByTestId(`presence-${c.number}`)).toHaveAttribute('data-presence', 'busy');

  await c.page.getByRole('button', { name: /^(Auflegen|Hang up)$/ }).click();
  await expect(dotOfB).toHaveAttribute('data-presence', 'idle', { timeout: 20_000 });

  // English, the same screen.
  await a.page.getByRole('combobox', { name: /Sprache|Language/ }).selectOption('en');
  await expect(a.page.getByRole('tab', { name: 'Directory' })).toHaveAttribute('aria-selected', 'true');
  await expect(dotOfB).toHaveAccessibleName('available');
  await expectAccessible(a.page);
});
