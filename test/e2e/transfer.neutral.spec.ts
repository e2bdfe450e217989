import { expect, test } from './fixtures';
import { PHONES } from './pbx';
import { requests } from './phone-probes';
import { connect, expectAudioBothWays, expectConnected, phone } from './three-phones';

/**
 * Transfer with three phones, against the test PBX (it takes the REFER and joins the calls itself)
 * and Kamailio (a proxy passes the REFER on: B's phone calls C itself, with Replaces when attended).
 * A (202, English) talks to B (203, German) and hands B on to C (204, English).
 */
const TRANSFERRED = 'The call was transferred.';

test.describe('transfer', () => {
  // Fails when the REFER is not sent, not followed (Kamailio: B's phone must call C), or A stays in the call.
  test('blind: A transfers B to C; B and C talk, A’s call ends as transferred', async ({ openApp, pbx }) => {
    test.setTimeout(150_000);
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    const b = await phone(openApp, pbx, PHONES.b, 'de-DE');
    const c = await phone(openApp, pbx, PHONES.c, 'en-US');
    await connect(a, b);

    await a.page.getByRole('button', { name: 'Transfer', exact: true }).click();
    await a.page.getByTestId('transfer-target').fill(PHONES.c.number);
    await a.page.getByRole('button', { name: 'Transfer now' }).click();
    await expect(c.page.getByTestId('call-phase')).toHaveText('Incoming call', { timeout: 30_000 });
    await c.page.getByRole('button', { name: 'Accept' }).click();

    await expect(a.page.getByTestId('call-outcome')).toHaveText(TRANSFERRED, { timeout: 30_000 });
    await expectConnected(b);
    await expectConnected(c);
    await expectAudioBothWays({ phone: b }, { phone: c });
    await c.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(b.page.getByTestId('call-outcome')).toHaveText(
      /Das Gespräch (ist beendet|wurde weitergeleitet)\./,
      {
        timeout: 30_000,
      },
    );
  });

  // Fails when "Talk first" does not hold B, or the REFER with Replaces does not join B and C; on
  // Kamailio also without kamailio.cfg's Replaces/alias route (seen: A never reads "transferred").
  test('attended: A talks to C first (B held), then completes; B and C talk, A leaves both calls', async ({
    openApp,
    pbx,
  }) => {
    test.setTimeout(150_000);
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    const b = await phone(openApp, pbx, PHONES.b, 'de-DE');
    const c = await phone(openApp, pbx, PHONES.c, 'en-US');
    await connect(a, b);

    await a.page.getByRole('button', { name: 'Transfer', exact: true }).click();
    await a.page.getByTestId('transfer-target').fill(PHONES.c.number);
    await a.page.getByRole('button', { name: 'Talk first' }).click();
    await expect(b.page.getByTestId('call-phase')).toContainText('Vom Gesprächspartner gehalten', {
      timeout: 20_000,
    });
    await expect(c.page.getByTestId('call-phase')).toHaveText('Incoming call', { timeout: 30_000 });
    await c.page.getByRole('button', { name: 'Accept' }).click();
    await expect(a.page.getByTestId('consulting')).toContainText(`Talking first to ${PHONES.c.number}`);
    await expectConnected(c);

    await a.page.getByRole('button', { name: 'Complete transfer' }).click();
    await expect(a.page.getByTestId('call-outcome')).toHaveText(TRANSFERRED, { timeout: 30_000 });
    await expect(a.page.getByTestId('call-panel')).toHaveCount(0);
    await expectConnected(b);
    await expectConnected(c);
    await expect(b.page.getByTestId('call-phase')).not.toContainText('gehalten', { timeout: 20_000 });
    await expectAudioBothWays({ phone: b }, { phone: c });
    await b.page.getByRole('button', { name: 'Auflegen' }).click();
    await expect(c.page.getByTestId('call-outcome')).toHaveText(
      /The call has ended\.|The call was transferred\./,
      {
        timeout: 30_000,
      },
    );
  });

  // Fails when a REFER can make the transferred phone call a number it does not know to be internal
  // (seen with decideRefer following every target: B's phone called 0900…). Kamailio only: with the
  // test PBX's policy A's form refuses such a target, and the PBX itself refuses the REFER (403).
  test('a REFER to an outside number is refused by the transferred phone (603); B keeps the call and is told', async ({
    openApp,
    pbx,
  }) => {
    // Runs on Kamailio only: there the phone itself receives the REFER; the test PBX refuses it before any phone sees it (transfer-bypass.test.ts).
    test.skip(pbx.kind !== 'kamailio', 'A PBX with a policy stops such a transfer before any phone sees it.');
    test.setTimeout(120_000);
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    const b = await phone(openApp, pbx, PHONES.b, 'de-DE');
    await connect(a, b);
    await a.page.getByRole('button', { name: 'Transfer', exact: true }).click();
    await a.page.getByTestId('transfer-target').fill('09001234567');
    await a.page.getByRole('button', { name: 'Transfer now' }).click();
    await expect(b.page.getByTestId('refer-refused')).toContainText(
      'an eine Nummer außerhalb der Firma weiterleiten. Das Telefon hat sie nicht angerufen',
      { timeout: 30_000 },
    );
    await expect(a.page.getByTestId('transfer-status')).toContainText(
      'The transfer to 09001234567 was refused: The other side declined the transfer.',
      { timeout: 30_000 },
    );
    expect(requests(b.wire.sent, 'INVITE')).toHaveLength(0);
    await a.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(b.page.getByTestId('call-outcome')).toHaveText('Das Gespräch ist beendet.');
  });

  // Fails when a failed transfer drops the call or says nothing.
  test('a transfer to an extension nobody answers says so, and A keeps B', async ({ openApp, pbx }) => {
    test.setTimeout(150_000);
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    const b = await phone(openApp, pbx, PHONES.b, 'de-DE');
    await connect(a, b);
    await a.page.getByRole('button', { name: 'Transfer', exact: true }).click();
    // 299 is an extension number no phone is registered for.
    await a.page.getByTestId('transfer-target').fill('299');
    await a.page.getByRole('button', { name: 'Transfer now' }).click();
    await expect(a.page.getByTestId('transfer-status')).toHaveText(
      /transfer to 299 was refused|transfer to 299 did not go through/,
      { timeout: 60_000 },
    );
    await expect(a.page.getByTestId('call-panel')).toBeVisible();
    await expect(b.page.getByTestId('call-panel')).toBeVisible();
    await a.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(b.page.getByTestId('call-outcome')).toHaveText('Das Gespräch ist beendet.');
  });
});
