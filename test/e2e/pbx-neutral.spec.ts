import { mkdirSync } from 'node:fs';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test, type PbxUnderTest } from './fixtures';
import { audioPackets, recordPeerConnections } from './media-stats';
import { NAMED_USER } from '../kamailio/kamailio-process';
import { NUMBERS, PHONES, signIn, type Account } from './pbx';
import {
  decodedTones,
  toneDecoderState,
  recordSipWire,
  requests,
  responses,
  startToneDecoder,
  type SipWire,
} from './phone-probes';

/**
 * What every PBX must do with Tollgate, run against the test PBX and against Debian's Kamailio
 * (playwright.config.ts: projects browser-host and kamailio). Each worker has a PBX of its own
 * (fixtures.ts `pbx`), so the restart tests can restart it and no other test's phone rings. Phone A
 * is English, phone B German; the messages are the app's own (renderer/src/i18n).
 */
interface Phone {
  page: Page;
  wire: SipWire;
}

async function phone(
  openApp: (options?: { locale?: 'de-DE' | 'en-US' }) => Promise<Page>,
  pbx: PbxUnderTest,
  who: Account,
  locale: 'de-DE' | 'en-US',
): Promise<Phone> {
  const page = await openApp({ locale });
  const wire = recordSipWire(page);
  await recordPeerConnections(page);
  await page.reload();
  await signIn(page, who, pbx.target);
  return { page, wire };
}

async function dial(caller: Phone, number: string) {
  await caller.page.getByRole('tab', { name: /Telefon|Phone/ }).click();
  await caller.page.getByLabel(/^(Rufnummer|Number)$/).fill(number);
  await caller.page.getByRole('button', { name: /^(Anrufen|Call)$/ }).click();
}

/** Calls and answers; both sides show the call as connected. */
async function connect(caller: Phone, callee: Phone, number: string) {
  await dial(caller, number);
  await expect(callee.page.getByTestId('call-phase')).toHaveText(/Eingehender Anruf|Incoming call/);
  await callee.page.getByRole('button', { name: /^(Annehmen|Accept)$/ }).click();
  // The caller's screen may say "Connected to the PBX" (a call not known to be free, without a
  // policy API) or "Connected to 203"; the callee's says "Verbunden".
  await expect(caller.page.getByTestId('call-phase')).toContainText(/verbunden|connected/i);
  await expect(callee.page.getByTestId('call-phase')).toContainText(/verbunden|connected/i);
}

/** Audio flows both ways: each side received (and sent) more than `atLeast` RTP packets since `since`. */
async function expectAudioBothWays(first: Phone, second: Phone, atLeast = 25) {
  for (const side of [first, second]) {
    const before = await audioPackets(side.page);
    await expect
      .poll(
        async () => {
          const now = await audioPackets(side.page);
          return Math.min(now.sent - before.sent, now.received - before.received);
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThan(atLeast);
  }
}

/** Attached to the report and kept in test-results/screenshots/. */
async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  mkdirSync('test-results/screenshots', { recursive: true });
  const body = await page.screenshot({ fullPage: true, path: `test-results/screenshots/${name}.png` });
  await testInfo.attach(name, { body, contentType: 'image/png' });
}

const ENDED = /Das Gespräch ist beendet\.|The call has ended\./;
const CONNECTION_LOST = /Verbindung verloren|Connection lost/;

test.describe('any PBX', () => {
  test('both phones register with a Tollgate User-Agent; a closed app unregisters, so its caller hears "unreachable"', async ({
    openApp,
    pbx,
  }) => {
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    const b = await phone(openApp, pbx, PHONES.b, 'de-DE');
    const register = requests(a.wire.sent, 'REGISTER')[0] ?? '';
    expect(register).toMatch(/^User-Agent: Tollgate\/\d+\.\d+\.\d+.*SIP\.js/im);

    // Closing B's app sends an un-REGISTER; without it the PBX keeps a dead contact (fails on
    // Kamailio before the phone unregistered on pagehide: the caller then gets a server error).
    await b.page.context().close();
    await dial(a, PHONES.b.number);
    await expect(a.page.getByTestId('call-outcome')).toHaveText(
      'The other party cannot be reached. Try again later.',
    );
  });

  test('A calls B: audio both ways, hold shown on both sides, resume; B hangs up and A answers the BYE with 200 OK', async ({
    openApp,
    pbx,
  }, testInfo) => {
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    const b = await phone(openApp, pbx, PHONES.b, 'de-DE');
    await dial(a, PHONES.b.number);
    await expect(b.page.getByTestId('call-phase')).toHaveText('Eingehender Anruf');
    // The user guides' pictures (docs/user-guide.*.md) come from the test PBX's run.
    if (pbx.kind === 'test-pbx') await screenshot(b.page, testInfo, 'eingehender-anruf-de');
    await b.page.getByRole('button', { name: 'Annehmen' }).click();
    await expect(a.page.getByTestId('call-phase')).toContainText(/connected/i);
    await expectAudioBothWays(a, b);
    if (pbx.kind === 'test-pbx') await screenshot(a.page, testInfo, 'call-active-en');

    await a.page.getByRole('button', { name: 'Hold' }).click();
    // A's own screen may keep its PBX headline; the button says what A can do now.
    await expect(a.page.getByRole('button', { name: 'Resume' })).toBeVisible();
    // Fails while the phone ignores the far end's sendonly/inactive (it kept saying "Verbunden").
    await expect(b.page.getByTestId('call-phase')).toContainText('Vom Gesprächspartner gehalten');
    await a.page.getByRole('button', { name: 'Resume' }).click();
    await expect(a.page.getByRole('button', { name: 'Hold' })).toBeVisible();
    await expect(b.page.getByTestId('call-phase')).toContainText('Verbunden');
    await expectAudioBothWays(a, b);

    await b.page.getByRole('button', { name: 'Auflegen' }).click();
    await expect(b.page.getByTestId('call-outcome')).toHaveText('Das Gespräch ist beendet.');
    await expect(a.page.getByTestId('call-outcome')).toHaveText('The call has ended.');
    // The phone that placed the call answers the far end's BYE (it never did: sip.js's onBye
    // delegate replaced the default and nobody accepted; Kamailio then answered B with 408).
    await expect.poll(() => responses(a.wire.sent, 'BYE', '200').length).toBe(1);
    await expect.poll(() => responses(b.wire.received, 'BYE', '2\\d\\d').length).toBe(1);
  });

  test('B calls A: audio both ways; the keys B types arrive at A as RFC 4733 tones; A hangs up', async ({
    openApp,
    pbx,
  }, testInfo) => {
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    const b = await phone(openApp, pbx, PHONES.b, 'de-DE');
    await connect(b, a, PHONES.a.number);
    await expectAudioBothWays(a, b);

    await startToneDecoder(a.page);
    const keypad = b.page.getByTestId('in-call-keypad');
    // Open unless the call screen opened it already (a call not known to be free asks for keys).
    if (!(await keypad.isVisible())) await b.page.getByRole('button', { name: 'Tastatur' }).click();
    // Each key heard at the far end before the next is pressed: a key that was lost, or sent as SIP
    // INFO instead of RFC 4733, never decodes (and the sequence would stop growing).
    let heard = '';
    for (const key of ['1', '5', '9', '#']) {
      await keypad.getByRole('button', key === '#' ? { name: /\(#\)/ } : { name: key, exact: true }).click();
      heard += key;
      await expect
        .poll(() => decodedTones(a.page), { timeout: 15_000, message: `far end heard ${heard}?` })
        .toBe(heard)
        .catch(async (error: unknown) => {
          const state = await toneDecoderState(a.page);
          testInfo.annotations.push({ type: 'tone decoder', description: state });
          console.log(`tone decoder: ${state}`);
          throw error;
        });
    }

    await a.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(a.page.getByTestId('call-outcome')).toHaveText('The call has ended.');
    await expect(b.page.getByTestId('call-outcome')).toHaveText('Das Gespräch ist beendet.');
    await expect.poll(() => responses(b.wire.sent, 'BYE', '200').length).toBe(1);
  });

  test('a declined call is "declined" for the caller (603), not "busy"', async ({ openApp, pbx }) => {
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    const b = await phone(openApp, pbx, PHONES.b, 'de-DE');
    await dial(a, PHONES.b.number);
    await expect(b.page.getByTestId('call-phase')).toHaveText('Eingehender Anruf');
    await b.page.getByRole('button', { name: 'Ablehnen' }).click();
    // 486 Busy Here made the caller hear "busy".
    await expect(a.page.getByTestId('call-outcome')).toHaveText('The call was declined.');
    expect(responses(b.wire.sent, 'INVITE', '603')).toHaveLength(1);
  });

  test('B on two devices: one answers, the other says "answered on another device", not missed', async ({
    openApp,
    pbx,
  }) => {
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    const desk = await phone(openApp, pbx, PHONES.b, 'de-DE');
    const laptop = await phone(openApp, pbx, PHONES.b, 'de-DE');
    await dial(a, PHONES.b.number);
    await expect(desk.page.getByTestId('call-phase')).toHaveText('Eingehender Anruf');
    await expect(laptop.page.getByTestId('call-phase')).toHaveText('Eingehender Anruf');
    await desk.page.getByRole('button', { name: 'Annehmen' }).click();
    await expect(a.page.getByTestId('call-phase')).toContainText(/connected/i);
    // The PBX CANCELs the other device with "Reason: SIP;cause=200" (RFC 3326).
    await expect(laptop.page.getByTestId('call-outcome')).toHaveText('An anderem Gerät angenommen.');
    await laptop.page.getByRole('tab', { name: 'Verlauf' }).click();
    await expect(laptop.page.getByTestId('history-list')).toContainText('an anderem Gerät angenommen');
    await expect(laptop.page.getByTestId('history-list')).not.toContainText('verpasst');
    await a.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(desk.page.getByTestId('call-outcome')).toHaveText('Das Gespräch ist beendet.');
  });

  test('a SIP user that is a name, with a digest user of its own, registers and calls', async ({
    openApp,
    pbx,
  }) => {
    // Runs on the suite's Kamailio only: the test PBX's users are numbers whose digest user is the same.
    test.skip(
      pbx.kind !== 'kamailio',
      'Only the suite’s Kamailio has a user (alice) whose digest user name differs from it.',
    );
    // Fails if the app ignores the auth user (Kamailio has no digest user "alice") or accepts only digits.
    const alice = await phone(
      openApp,
      pbx,
      { number: NAMED_USER.sipUser, authUser: NAMED_USER.authUser, password: NAMED_USER.password, pin: '' },
      'en-US',
    );
    const b = await phone(openApp, pbx, PHONES.b, 'de-DE');
    await connect(alice, b, PHONES.b.number);
    await expect(b.page.getByTestId('call-panel')).toContainText(NAMED_USER.sipUser);
    await alice.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(b.page.getByTestId('call-outcome')).toHaveText('Das Gespräch ist beendet.');
  });

  test('after a PBX restart both phones register again and can call each other', async ({ openApp, pbx }) => {
    // Skipped against a PBX the suite did not start (QA's own PBX): it cannot be restarted from here.
    test.skip(pbx.restart === null, 'The suite did not start this PBX, so it cannot restart it.');
    test.setTimeout(120_000);
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    const b = await phone(openApp, pbx, PHONES.b, 'de-DE');
    const registrations = requests(a.wire.sent, 'REGISTER').length;
    await pbx.restart?.();
    // A new REGISTER after the restart, and the app says so.
    await expect
      .poll(() => responses(a.wire.received, 'REGISTER', '200').length, { timeout: 60_000 })
      .toBeGreaterThan(registrations > 0 ? 1 : 0);
    await expect(a.page.getByTestId('registration-state')).toHaveText(`Registered as ${PHONES.a.number}`, {
      timeout: 60_000,
    });
    await expect(b.page.getByTestId('registration-state')).toHaveText(`Angemeldet als ${PHONES.b.number}`, {
      timeout: 60_000,
    });
    await connect(a, b, PHONES.b.number);
    await a.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(b.page.getByTestId('call-outcome')).toHaveText('Das Gespräch ist beendet.');
  });

  test('PBX restart mid-call: the call goes on peer to peer; after A hangs up B does not stay "connected" but ends with a message', async ({
    openApp,
    pbx,
  }) => {
    // Skipped against a PBX the suite did not start (QA's own PBX): it cannot be restarted from here.
    test.skip(pbx.restart === null, 'The suite did not start this PBX, so it cannot restart it.');
    test.setTimeout(180_000);
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    const b = await phone(openApp, pbx, PHONES.b, 'de-DE');
    await connect(a, b, PHONES.b.number);
    await pbx.restart?.();
    // Media never went through the PBX: it still flows, and the phones come back.
    await expectAudioBothWays(a, b);
    await expect(a.page.getByTestId('registration-state')).toHaveText(`Registered as ${PHONES.a.number}`, {
      timeout: 60_000,
    });
    await a.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(a.page.getByTestId('call-outcome')).toHaveText(ENDED);
    // The restarted PBX knows no dialog and cannot pass A's BYE on; B's media stops. B used to stay
    // "Verbunden" for good (and busy for the next caller); now its media check ends the call.
    await expect(b.page.getByTestId('call-outcome')).toHaveText(
      new RegExp(`${ENDED.source}|${CONNECTION_LOST.source}`),
      {
        timeout: 120_000,
      },
    );
  });

  test('PBX restart during a call whose media the PBX carries (echo test): "connection lost"', async ({
    openApp,
    pbx,
  }) => {
    // Skipped against a PBX the suite did not start, or one that carries no media itself (see the message).
    test.skip(pbx.restart === null, 'The suite did not start this PBX, so it cannot restart it.');
    test.skip(
      pbx.kind !== 'test-pbx' || NUMBERS.echo === null,
      'This PBX carries no media of its own (no echo test): its calls are peer to peer.',
    );
    test.setTimeout(180_000);
    const a = await phone(openApp, pbx, PHONES.a, 'en-US');
    await dial(a, NUMBERS.echo ?? '');
    await expect(a.page.getByTestId('call-phase')).toContainText(/connected/i);
    await expect
      .poll(async () => (await audioPackets(a.page)).received, { timeout: 15_000 })
      .toBeGreaterThan(25);
    await pbx.restart?.();
    // Fails while the media watch is missing: the call stayed "Connected" for good.
    await expect(a.page.getByTestId('call-outcome')).toHaveText(CONNECTION_LOST, { timeout: 120_000 });
  });
});
