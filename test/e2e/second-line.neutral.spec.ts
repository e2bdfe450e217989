import { expect, test } from './fixtures';
import { PHONES } from './pbx';
import { responses } from './phone-probes';
import {
  connect,
  dial,
  ENDED,
  expectAudioBothWays,
  expectConnected,
  historyList,
  phone,
} from './three-phones';

/**
 * Call waiting with three phones, against the test PBX and Kamailio (a proxy: the phones' own SIP
 * does all of it). A (202, English) talks to B (203, German); C (204, English) calls A.
 */
test.describe('second line', () => {
  test('C calls A during a call: waiting shown, A accepts (B held), swaps, hangs up one', async ({
    openApp,
    pbx,
  }) => {
    test.setTimeout(150_000);
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    const b = await phone(openApp, pbx, PHONES.b, 'de-DE');
    const c = await phone(openApp, pbx, PHONES.c, 'en-US');
    await connect(a, b);

    await dial(c, PHONES.a.number);
    // Fails while a second call is refused with 486 (before #13): C would hear "busy".
    const waiting = a.page.getByTestId('waiting-call');
    await expect(waiting).toContainText(`Call waiting: `, { timeout: 20_000 });
    await expect(waiting).toContainText(PHONES.c.number);
    await expect(a.page.getByTestId('call-panel')).toContainText(PHONES.b.number);

    await waiting.getByRole('button', { name: 'Accept and hold' }).click();
    // B hears the hold (A's re-INVITE sendonly); A talks to C.
    await expect(b.page.getByTestId('call-phase')).toContainText('Vom Gesprächspartner gehalten', {
      timeout: 20_000,
    });
    await expect(a.page.getByTestId('held-call')).toContainText(`On hold: `);
    await expect(a.page.getByTestId('held-call')).toContainText(PHONES.b.number);
    await expectConnected(c);
    await expectAudioBothWays({ phone: a, connection: 1 }, { phone: c });

    await a.page.getByRole('button', { name: 'Swap' }).click();
    await expect(c.page.getByTestId('call-phase')).toContainText('Held by the other party', {
      timeout: 20_000,
    });
    await expect(b.page.getByTestId('call-phase')).toContainText('Verbunden', { timeout: 20_000 });
    await expect(a.page.getByTestId('held-call')).toContainText(PHONES.c.number);
    await expectAudioBothWays({ phone: a, connection: 0 }, { phone: b });

    // Hang up the held one (C): A goes on with B.
    await a.page.getByRole('button', { name: `Hang up ${PHONES.c.number}` }).click();
    await expect(c.page.getByTestId('call-outcome')).toHaveText(ENDED);
    await expect(a.page.getByTestId('held-call')).toHaveCount(0);
    await expect(a.page.getByTestId('call-panel')).toContainText(PHONES.b.number);
    await a.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(b.page.getByTestId('call-outcome')).toHaveText(ENDED);
  });

  test('a waiting call C gives up on is missed in A’s Verlauf; A’s call goes on', async ({
    openApp,
    pbx,
  }) => {
    test.setTimeout(120_000);
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    const b = await phone(openApp, pbx, PHONES.b, 'de-DE');
    const c = await phone(openApp, pbx, PHONES.c, 'en-US');
    await connect(a, b);
    await dial(c, PHONES.a.number);
    await expect(a.page.getByTestId('waiting-call')).toBeVisible({ timeout: 20_000 });
    await c.page.getByRole('button', { name: 'Hang up' }).click();
    // The caller's CANCEL ends the waiting call only.
    await expect(a.page.getByTestId('waiting-call')).toHaveCount(0, { timeout: 20_000 });
    await expect(a.page.getByTestId('call-phase')).toContainText(/connected/i);
    await a.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(b.page.getByTestId('call-outcome')).toHaveText(ENDED);
    // Fails while the waiting call leaves no trace.
    const list = await historyList(a);
    await expect(list.getByRole('listitem').filter({ hasText: PHONES.c.number })).toContainText(/missed/i);
  });

  test('call waiting off: C hears busy (486) and A’s Verlauf lists the refused call', async ({
    openApp,
    pbx,
  }) => {
    test.setTimeout(120_000);
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    const b = await phone(openApp, pbx, PHONES.b, 'de-DE');
    const c = await phone(openApp, pbx, PHONES.c, 'en-US');
    await a.page.getByRole('tab', { name: 'Phone' }).click();
    await a.page.getByText('Call options').click();
    await a.page.getByRole('checkbox', { name: /Call waiting/ }).uncheck();
    await expect(a.page.getByRole('checkbox', { name: /Call waiting/ })).not.toBeChecked();
    await connect(a, b);
    await dial(c, PHONES.a.number);
    await expect(c.page.getByTestId('call-outcome')).toHaveText('Busy. Try again later.', {
      timeout: 20_000,
    });
    await expect.poll(() => responses(a.wire.sent, 'INVITE', '486').length).toBe(1);
    await expect(a.page.getByTestId('waiting-call')).toHaveCount(0);
    await a.page.getByRole('button', { name: 'Hang up' }).click();
    const list = await historyList(a);
    await expect(list.getByRole('listitem').filter({ hasText: PHONES.c.number })).toContainText(
      'refused: second line off',
    );
  });
});
