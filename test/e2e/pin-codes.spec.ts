import { mkdirSync, readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { ADMIN, EXTENSIONS, NUMBERS, requireCapabilities, requireNumber, signIn } from './pbx';
import { pressSecretKeys, typeSecrets } from './secret-typing';

/**
 * Issue #14 end to end: the admin adds a personal code for a person in Anrufeinstellungen, that
 * person's paid call (the code typed on the keypad) shows their label in the admin's PIN-Nutzung and
 * in the caller's Verlauf ("PIN by <label>"), and the CSV export holds no code. The admin works in
 * German, the caller in English; axe checks the admin screen in both. Uses the worker's own test PBX
 * (fixtures.ts `pbx`), so adding a code and calling touches no other spec.
 */
const STYLE = process.env['TOLLGATE_PROMPT_STYLE'] ?? 'answer-first';
/**
 * The user guide's pictures come from the answer-first run. Both styles show the label: answer-first
 * in `accepted`, early media in `connected` (`accepted` is sent before the answer and lost there).
 */
const SIGNALS = STYLE === 'answer-first';

/** An 8-digit code nobody else has: long enough not to turn up by chance in a CSV of times and numbers. */
function freshCode(avoid: readonly string[]): string {
  for (;;) {
    const code = String(10_000_000 + Math.floor(Math.random() * 90_000_000));
    if (!avoid.some((other) => other.includes(code) || code.includes(other))) return code;
  }
}

/** The codes found in a text (the export): each code that appears anywhere in it, digits as typed. Callers count them, never print them. */
function codesIn(text: string, codes: readonly string[]): string[] {
  return codes.filter((code) => code !== '' && text.includes(code));
}

async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(
    results.violations.map(
      (violation) => `${violation.id}: ${violation.nodes.map((n) => n.target).join(' ')}`,
    ),
  ).toEqual([]);
}

/** A picture for the user guide: the page, or one part of it (only the tab's panel scrolls). */
async function capture(target: Page | Locator, name: string) {
  mkdirSync('test-results/screenshots', { recursive: true });
  const path = `test-results/screenshots/${name}.png`;
  if ('goto' in target) await target.screenshot({ fullPage: true, path });
  else await target.screenshot({ path });
}

// Breaks when: the code form does not reach the PBX (no label in PIN-Nutzung), the IVR's accepted
// or connected signal's codeLabel does not reach Verlauf (in early media: when the PBX or the phone
// reads the label only from accepted — seen failing with TOLLGATE_PROMPT_STYLE=early-media), PIN-Nutzung does not group by label, the
// export carries a code, or deleting the code is not recorded with the admin's name.
test(`a person's code: their call carries their label to PIN-Nutzung and Verlauf; the CSV holds no code (${STYLE})`, async ({
  openApp,
  pbx,
}) => {
  await requireCapabilities('policy', 'pin', 'admin');
  // Skipped only against a PBX for which QA gave no admin account (docs/qa.md: TOLLGATE_QA_ADMIN).
  test.skip(ADMIN === null, 'No admin credentials for this PBX (set TOLLGATE_QA_ADMIN).');
  test.setTimeout(180_000);
  const admin = ADMIN ?? { username: '', password: '' };
  const paid = requireNumber(NUMBERS.paid, 'TOLLGATE_QA_PAID_NUMBER', 'paid number');
  const person = EXTENSIONS.protected;
  // No digits in the label: the checks below look for codes (digits) in what the app shows.
  const label = `Jana Probe ${'ABCDEFGHJK'[Math.floor(Math.random() * 10)] ?? 'A'}${'LMNPQRSTUV'[Math.floor(Math.random() * 10)] ?? 'L'}`;
  const code = freshCode([person.pin, paid.replace(/\D/g, '')]);

  // — The admin adds the code (German). —
  const desk = await openApp({ locale: 'de-DE' });
  await signIn(desk, EXTENSIONS.notEntitled, pbx.target);
  await desk.getByRole('tab', { name: 'Anrufeinstellungen' }).click();
  await desk.getByLabel('Benutzername (Administration)').fill(admin.username);
  await typeSecrets(desk, {
    fields: [{ locator: desk.getByLabel('Passwort (Administration)'), secret: admin.password }],
    submit: desk.getByRole('button', { name: 'Anmelden' }),
  });
  const codes = desk.getByTestId(`pin-codes-${person.number}`);
  await expect(codes.getByTestId('pin-code').first()).toBeVisible({ timeout: 20_000 });
  await codes.getByLabel('Name oder Rolle').fill(label);
  await typeSecrets(desk, {
    fields: [
      { locator: codes.getByLabel('Persönliche PIN', { exact: true }), secret: code },
      { locator: codes.getByLabel('Persönliche PIN wiederholen'), secret: code },
    ],
    submit: codes.getByRole('button', { name: 'PIN hinzufügen' }),
  });
  await expect(codes.getByRole('status')).toHaveText('PIN hinzugefügt.');
  const added = codes.getByTestId('pin-code').filter({ hasText: label });
  await expect(added).toContainText('aktiv');
  await expect(added).toContainText('noch nie benutzt');
  await expect(codes.getByLabel('Persönliche PIN', { exact: true })).toHaveValue('');
  await expectAccessible(desk);

  // — The person calls a paid number and types their code on the keypad (English). —
  const phone = await openApp({ locale: 'en-US' });
  await signIn(phone, person, pbx.target);
  await phone.getByRole('tab', { name: 'Phone' }).click();
  await phone.getByLabel('Number').fill(paid);
  await phone.getByRole('button', { name: 'Call', exact: true }).click();
  await expect(phone.getByTestId('in-call-keypad')).toBeVisible({ timeout: 20_000 });
  await pressSecretKeys(phone, phone.getByTestId('in-call-keypad'), `${code}#`);
  await expect(phone.getByTestId('call-phase')).toContainText(/^Connected to \+?\d/, { timeout: 30_000 });
  await phone.getByRole('button', { name: 'Hang up', exact: true }).click();
  await expect(phone.getByTestId('call-outcome')).toBeVisible();
  await phone.getByRole('tab', { name: 'History' }).click();
  const entry = phone.getByTestId('history-entry').first();
  await expect(entry).toContainText(`PIN by ${label}`);
  // Secrets are compared as booleans (docs/qa.md): a failure message never prints a code.
  expect((await phone.locator('body').innerText()).includes(code)).toBe(false);
  // The user guide's pictures come from the answer-first run (docs:screenshots).
  if (SIGNALS) await capture(phone, 'verlauf-pin-label-en');

  // — The admin's PIN-Nutzung shows the call under the label. —
  const usage = desk.getByTestId('pin-usage');
  await usage.getByRole('button', { name: 'Aktualisieren' }).click();
  const row = usage.getByTestId('pin-usage-people').getByRole('row', { name: new RegExp(label) });
  // One paid call for the person (the calls column).
  await expect(row.getByRole('cell').first()).toHaveText('1', { timeout: 20_000 });
  await expect(usage.getByTestId('pin-usage-calls')).toContainText(label);
  expect((await desk.locator('body').innerText()).includes(code)).toBe(false);
  if (SIGNALS) await capture(usage, 'pin-nutzung-de');

  // — The export: the label is in it, no code — and the check can see a code where there is one. —
  const download = desk.waitForEvent('download');
  await usage.getByRole('button', { name: 'Als CSV exportieren' }).click();
  const file = await (await download).path();
  const csv = readFileSync(file, 'utf8');
  expect(csv.split('\r\n')[0]).toBe(
    'callId,extension,codeLabel,destination,startedAt,durationSeconds,outcome',
  );
  expect(csv).toContain(label);
  const secrets = [code, person.pin];
  expect(codesIn(csv, secrets).length, 'codes in the export').toBe(0);
  // The check can see: a code planted in a cell, or in a row of its own, is found.
  expect(codesIn(csv.replace(label, `${label} ${code}`), secrets).length).toBe(1);
  expect(codesIn(`${csv}${person.pin}\r\n`, secrets).length).toBe(1);

  // — Deleting the code asks first; the audit trail names the admin. —
  await codes.getByRole('button', { name: `PIN von ${label} löschen` }).click();
  const question = codes.getByRole('group', { name: `PIN von ${label} wirklich löschen?` });
  await expect(question.getByRole('button', { name: 'Abbrechen' })).toBeFocused();
  await question.getByRole('button', { name: 'Löschen' }).click();
  await expect(codes.getByRole('status')).toHaveText('PIN gelöscht.');
  await expect(codes.getByTestId('pin-code').filter({ hasText: label })).toHaveCount(0);
  await usage.getByRole('button', { name: 'Aktualisieren' }).click();
  await expect(usage.getByTestId('pin-usage-audit')).toContainText(
    new RegExp(`${person.number} · PIN gelöscht · ${label} · von ${admin.username}`),
  );

  // — The admin screen in English passes axe as well. —
  await desk.getByRole('combobox', { name: 'Sprache' }).selectOption('en');
  await expect(desk.getByTestId('pin-usage')).toContainText('PIN usage (last 30 days)');
  await expectAccessible(desk);
  if (SIGNALS) await capture(codes, 'pin-codes-en');
});
