import { expect, test } from './fixtures';
import { PHONES } from './pbx';
import { responses } from './phone-probes';
import { dial, ENDED, historyList, phone } from './three-phones';

/** Do not disturb and auto-answer, against the test PBX and Kamailio. */
test.describe('do not disturb', () => {
  // Fails when DND lets the call ring, or refuses it without a Verlauf entry.
  test('A on DND: B hears busy (486), A’s Verlauf says refused: do not disturb', async ({ openApp, pbx }) => {
    test.setTimeout(120_000);
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    const b = await phone(openApp, pbx, PHONES.b, 'de-DE');
    await a.page.getByTestId('dnd-toggle').click();
    await expect(a.page.getByTestId('dnd-toggle')).toHaveAttribute('aria-pressed', 'true');
    await dial(b, PHONES.a.number);
    await expect(b.page.getByTestId('call-outcome')).toHaveText('Besetzt. Versuchen Sie es später erneut.', {
      timeout: 20_000,
    });
    await expect.poll(() => responses(a.wire.sent, 'INVITE', '486').length).toBe(1);
    await expect(a.page.getByTestId('call-panel')).toHaveCount(0);
    const list = await historyList(a);
    await expect(list.getByRole('listitem').filter({ hasText: PHONES.b.number })).toContainText(
      'refused: do not disturb',
    );
  });

  // Fails when auto-answer is ignored, or not said on the screen.
  test('auto-answer: a call from another extension is answered by itself and says so', async ({
    openApp,
    pbx,
  }) => {
    test.setTimeout(120_000);
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    const b = await phone(openApp, pbx, PHONES.b, 'de-DE');
    await a.page.getByRole('tab', { name: 'Phone' }).click();
    await a.page.getByText('Call options').click();
    await a.page.getByRole('checkbox', { name: /Answer calls from extensions/ }).check();
    await dial(b, PHONES.a.number);
    await expect(a.page.getByTestId('auto-answered')).toHaveText(
      'Answered automatically (call from an extension).',
      { timeout: 20_000 },
    );
    await expect(b.page.getByTestId('call-phase')).toContainText(/verbunden/i, { timeout: 20_000 });
    await b.page.getByRole('button', { name: 'Auflegen' }).click();
    await expect(a.page.getByTestId('call-outcome')).toHaveText(ENDED);
  });
});
