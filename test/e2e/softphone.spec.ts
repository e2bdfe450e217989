import { PbxApiClient } from '../support/pbx-api-client';
import { expect, test } from './fixtures';
import { EXTENSIONS, PBX, PROVIDER, signIn } from './pbx';

test('a protected extension hears the prompt, types the PIN on the keypad and reaches the far end', async ({
  openApp,
}) => {
  const page = await openApp({ locale: 'de-DE' });
  await signIn(page, EXTENSIONS.protected);
  await expect(page.getByTestId('pin-protection-state')).toContainText('PIN-Schutz: aktiv');
  await page.getByRole('tab', { name: 'Telefon' }).click();
  await page.getByLabel('Rufnummer').fill('030 1234567');
  await expect(page.getByTestId('pin-required')).toBeVisible();
  await page.getByRole('button', { name: 'Anrufen' }).click();
  await expect(page.getByTestId('call-panel')).toBeVisible();
  const keypad = page.getByTestId('in-call-keypad');
  await expect(keypad).toBeVisible();
  for (const key of `${EXTENSIONS.protected.pin}#`)
    await keypad.getByRole('button', { name: key === '#' ? 'Raute (#)' : key, exact: true }).click();
  await expect(page.getByTestId('keypad-echo')).toHaveText('Eingegeben: •••••••');
  const provider = await PbxApiClient.signIn(PBX.apiUrl, 'provider', PROVIDER.username, PROVIDER.password);
  await expect
    .poll(
      async () => {
        const calls = (await provider.request('GET', '/provider/pstn-calls')).body as unknown as {
          caller: string;
          answeredAt: number | null;
          dtmfReceived: string;
        }[];
        return calls
          .filter((call) => call.caller === '201' && call.answeredAt !== null)
          .map((call) => call.dtmfReceived);
      },
      { timeout: 15_000 },
    )
    .toEqual(['']);
  await page.getByRole('button', { name: 'Auflegen' }).click();
});
