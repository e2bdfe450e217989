import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test } from './fixtures';
import { EXTENSIONS } from './pbx';

/**
 * `npm start` on a machine without a display: it starts the embedded demo PBX, serves Tollgate and
 * prints the address to open; opened, the app is signed in as the demo's protected extension.
 */
let demo: ChildProcess | null = null;
const DEMO_PIN = EXTENSIONS.protected.pin;
const DEMO_PASSWORD = EXTENSIONS.protected.password;
test.afterEach(() => {
  demo?.kill('SIGTERM');
  demo = null;
});

test('npm start brings up the demo: PBX, app signed in as 201, a banner with the demo PIN and numbers to try', async ({
  playwright,
  launchOptions,
  tollgateHost,
}) => {
  // Skipped only in the Electron project: there the demo opens its own window, and this test reads the
  // browser address npm start prints.
  test.skip(
    tollgateHost === 'electron',
    'The demo in Electron opens its own window; this checks the printed browser address.',
  );
  test.setTimeout(90_000);
  const env: NodeJS.ProcessEnv = { ...process.env, TOLLGATE_PBX_PORT: '5171' };
  delete env['DISPLAY'];
  delete env['WAYLAND_DISPLAY'];
  const child = spawn(process.execPath, ['scripts/start.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  demo = child;
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no address:\n${output}`)), 60_000);
    const read = (data: Buffer) => {
      output += data.toString();
      const match = /^\s+(http:\/\/127\.0\.0\.1:\d+\/#provision=\S+)$/m.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
  });
  expect(output).toContain('Demo: signed in as 201');

  const browser = await playwright.chromium.launch(launchOptions);
  try {
    const page = await (await browser.newContext({ locale: 'de-DE' })).newPage();
    await page.goto(url);
    await expect(page.getByTestId('registration-state')).toHaveText('Angemeldet als 201');
    // The address kept no secret: the fragment is gone from the address bar and from the history
    // (issue #12). Breaks when browser-main.tsx stops removing it, or start.mjs puts it in the query.
    const provision = new URLSearchParams(new URL(url).hash.slice(1)).get('provision') ?? '';
    expect(url.includes('?provision='), 'no provisioning in the query').toBe(false);
    expect(page.url().includes(provision), 'the provisioning is gone from the address').toBe(false);
    expect(page.url().includes('#'), 'no fragment left').toBe(false);
    const kept = await page.evaluate(() => `${window.location.href} ${JSON.stringify(window.history.state)}`);
    expect(kept.includes(DEMO_PASSWORD), 'no password in the address or the history state').toBe(false);
    expect(kept.includes(provision), 'no provisioning in the address or the history state').toBe(false);
    // Secrets are compared as booleans: an expect's expected value is recorded in traces (docs/qa.md).
    const banner = page.getByTestId('demo-banner');
    await expect(banner).toContainText(/Demo-PIN für kostenpflichtige Anrufe: \d+/);
    expect((await banner.textContent())?.includes(`: ${DEMO_PIN}`), 'the banner shows the demo PIN').toBe(
      true,
    );
    await expect(page.getByTestId('demo-banner')).toContainText('*98 (Mailbox)');
    await expect(page.getByTestId('pin-protection-state')).toHaveText(
      'PIN-Schutz: aktiv – kostenpflichtige Anrufe verlangen Ihre PIN',
    );
    // Nothing of the demo's secrets is kept: the PIN is not in the settings, the password is sealed.
    const stored = await page.evaluate(() => window.localStorage.getItem('tollgate.settings') ?? '');
    expect(stored).toContain('"extension":"201"');
    expect(stored.includes(DEMO_PIN), 'the PIN is not stored').toBe(false);
    expect(stored.includes(DEMO_PASSWORD), 'the password is not stored in clear').toBe(false);
  } finally {
    await browser.close();
  }
});

test('npm run demo:two prepares two phones, 201 and 202, each with its own settings', async ({
  tollgateHost,
}) => {
  // Skipped only in the Electron project, for the same reason as above.
  test.skip(tollgateHost === 'electron', 'Checks the printed browser addresses.');
  const env: NodeJS.ProcessEnv = { ...process.env, TOLLGATE_PBX_PORT: '5172' };
  delete env['DISPLAY'];
  delete env['WAYLAND_DISPLAY'];
  const child = spawn(process.execPath, ['scripts/start.mjs', '--two'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  demo = child;
  let output = '';
  const urls = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No addresses printed:\n${output}`)), 60_000);
    child.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
      const found = [...output.matchAll(/^\s+(http:\/\/127\.0\.0\.1:\d+\/#provision=\S+)$/gm)].map(
        (match) => match[1] ?? '',
      );
      if (found.length === 2) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
  const extensions = urls.map((url) => {
    const provision = new URLSearchParams(new URL(url).hash.slice(1)).get('provision') ?? '';
    return (
      JSON.parse(Buffer.from(provision, 'base64url').toString('utf8')) as { account: { extension: string } }
    ).account.extension;
  });
  expect(extensions).toEqual(['201', '202']);
});
