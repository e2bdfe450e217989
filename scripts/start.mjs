// `npm start`: the app in Electron where its binary exists; otherwise the renderer in the system
// Chromium as an app window, with the browser host. Run after `npm run build`.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { preview } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.mjs';
import { ELECTRON_MISSING_MESSAGE, electronBinaryPath } from './electron-binary.mjs';

const electron = electronBinaryPath();
if (electron) {
  console.log('Starting Tollgate in Electron.');
  const child = spawn(electron, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await startInBrowser();
}

async function startInBrowser() {
  console.log(`${ELECTRON_MISSING_MESSAGE}\nOpening Tollgate in Chromium with the browser host instead.`);
  const server = await preview({ preview: { port: 4173, strictPort: false, host: '127.0.0.1' } });
  const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:4173/';
  const link = process.argv.slice(2).find((arg) => /^(tel|sips?):/i.test(arg));
  const appUrl = link ? `${url}?link=${encodeURIComponent(link)}` : url;

  const chromium = chromiumPath();
  const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!chromium || !hasDisplay) {
    console.log(
      `${chromium ? 'No display found' : 'No Chromium found (install it: apt-get install chromium)'}; ` +
        `open ${appUrl} in Chromium or Chrome yourself. Press Ctrl+C to stop.`,
    );
    return;
  }
  // A profile of its own, so settings persist between starts and stay apart from the user's browser.
  const profile = join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'tollgate-browser-host');
  mkdirSync(profile, { recursive: true });
  const args = [
    `--app=${appUrl}`,
    `--user-data-dir=${profile}`,
    '--window-size=440,760',
    // Real microphone here: leave out the fake-media test flags; keep the quiet, offline ones.
    ...CHROMIUM_ARGS.filter(
      (flag) => !flag.includes('fake') && (flag !== '--no-sandbox' || process.getuid?.() === 0),
    ),
  ];
  console.log(`Tollgate runs at ${appUrl}`);
  const browser = spawn(chromium, args, { stdio: 'ignore' });
  browser.on('exit', async () => {
    await server.close();
    process.exit(0);
  });
}
