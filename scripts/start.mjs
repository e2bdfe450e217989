// `npm start` (after `npm run build`): the embedded demo PBX and Tollgate signed in as its protected
// extension — in Electron (unpackaged, dist/renderer) where its binary exists, otherwise in the system
// Chromium with the browser host (dist/browser, which `vite preview` serves at `/`). `--two`
// (npm run demo:two) opens a second phone as extension 202; `--no-demo` starts no PBX and provisions
// nothing (use your own account). A `tel:`/`sip:` argument fills the number in. The demo banner (with
// the demo PIN) is the browser host's; Electron gets the account only, and the PIN is printed here.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { preview } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.mjs';
import { ELECTRON_MISSING_MESSAGE, electronBinaryPath } from './electron-binary.mjs';

const args = process.argv.slice(2);
const demo = !args.includes('--no-demo');
const two = args.includes('--two');
const link = args.find((arg) => /^(tel|sips?):/i.test(arg));
const DEMO_PORT = Number(process.env.TOLLGATE_PBX_PORT ?? 5070);
const children = [];

process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

const phones = demo ? await startDemo() : [{ name: 'tollgate', provisioning: null }];
const electron = electronBinaryPath();
if (electron) startElectron(electron, phones);
else await startChromium(phones);

async function startDemo() {
  const seed = JSON.parse(readFileSync('test/pbx/seed/demo-company.json', 'utf8'));
  const apiUrl = `http://127.0.0.1:${DEMO_PORT}/api/v1`;
  if (!(await healthy(apiUrl))) {
    const pbx = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/pbx/main.ts',
        '--port',
        String(DEMO_PORT),
        '--data',
        '.tollgate/pbx',
        '--quiet',
      ],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    children.push(pbx);
    pbx.on('exit', (code) => {
      if (code) console.error(`The demo PBX stopped (exit code ${code}). See .tollgate/pbx/pbx.log.`);
    });
    for (let attempt = 0; attempt < 100 && !(await healthy(apiUrl)); attempt++) await sleep(100);
    if (!(await healthy(apiUrl))) {
      console.error(
        `The demo PBX did not start on port ${DEMO_PORT}. Is the port taken? Set TOLLGATE_PBX_PORT to another one.`,
      );
      stopAll();
    }
  } else {
    console.log(`Using the test PBX already running on port ${DEMO_PORT}.`);
  }
  const byNumber = Object.fromEntries(
    seed.company.extensions.map((extension) => [extension.number, extension]),
  );
  const provisioning = (number, other) => {
    const extension = byNumber[number];
    return {
      account: {
        sipWebSocketUrl: `ws://127.0.0.1:${DEMO_PORT}/ws`,
        sipDomain: 'tollgate.test',
        policyApiUrl: apiUrl,
        extension: number,
        authUsername: '',
        displayName: extension.displayName,
      },
      password: extension.password,
      demo: {
        extension: number,
        pin: extension.ivrAuthentication ? (extension.unlockCode ?? null) : null,
        tryNumbers: [
          { number: other, kind: 'extension' },
          { number: '*98', kind: 'voicemail' },
          { number: '030 1234567', kind: 'paid' },
          { number: '0800 1234567', kind: 'toll-free' },
        ],
      },
    };
  };
  // Every code of 201 opens its paid calls; the call record and the admin's PIN-Nutzung say whose.
  const codes201 = [
    `${byNumber['201'].unlockCode} (Standard)`,
    ...(byNumber['201'].codes ?? []).map((code) => `${code.code} (${code.label})`),
  ];
  console.log(`Demo: signed in as 201 (PIN ${codes201.join(' or ')}); try 202, *98, 030 1234567.`);
  const list = [{ name: 'tollgate', provisioning: provisioning('201', '202') }];
  if (two) list.push({ name: 'tollgate-202', provisioning: provisioning('202', '201') });
  return list;
}

function startElectron(binary, phones) {
  console.log('Starting Tollgate in Electron.');
  for (const phone of phones) {
    const env = { ...process.env };
    // The demo part stays out of Electron: its IPC contract has no demo data.
    if (phone.provisioning) {
      const { demo: _demo, ...account } = phone.provisioning;
      env.TOLLGATE_PROVISION = JSON.stringify(account);
    }
    if (phone.name !== 'tollgate') env.TOLLGATE_USER_DATA = resolve('.tollgate', `electron-${phone.name}`);
    const child = spawn(binary, ['.', ...(link ? [link] : [])], { stdio: 'inherit', env });
    children.push(child);
    child.on('exit', () => stopAll());
  }
}

async function startChromium(phones) {
  console.log(`${ELECTRON_MISSING_MESSAGE}\nOpening Tollgate in Chromium with the browser host instead.`);
  const server = await preview({ preview: { port: 4173, strictPort: false, host: '127.0.0.1' } });
  children.push({ kill: () => void server.close() });
  const base = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:4173/';
  // The demo account (with its password) travels in the fragment, never in the query: a fragment is
  // not sent to the server, and the page removes it from the address and the history at once.
  const urls = phones.map((phone) => {
    const query = new URLSearchParams();
    if (link) query.set('link', link);
    const search = query.toString();
    const fragment = phone.provisioning
      ? `#${new URLSearchParams({ provision: encode(phone.provisioning) })}`
      : '';
    return `${base}${search ? `?${search}` : ''}${fragment}`;
  });
  const chromium = chromiumPath();
  if (!chromium || !(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)) {
    console.log(
      `${chromium ? 'No display found' : 'No Chromium found (apt-get install chromium)'}; open Tollgate yourself in Chromium or Chrome:\n` +
        urls.map((url) => `  ${url}`).join('\n') +
        '\nPress Ctrl+C to stop.',
    );
    return;
  }
  phones.forEach((phone, index) => {
    // A profile of its own per phone, so settings persist and stay apart from the user's browser.
    const profile = join(
      process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'),
      `${phone.name}-browser-host`,
    );
    mkdirSync(profile, { recursive: true });
    const flags = CHROMIUM_ARGS.filter(
      (flag) => !flag.includes('fake') && (flag !== '--no-sandbox' || process.getuid?.() === 0),
    );
    const child = spawn(
      chromium,
      [`--app=${urls[index]}`, `--user-data-dir=${profile}`, '--window-size=460,820', ...flags],
      {
        stdio: 'ignore',
      },
    );
    children.push(child);
    child.on('exit', () => stopAll());
  });
  console.log(`Tollgate runs at ${base}. Close the window or press Ctrl+C to stop.`);
}

function encode(provisioning) {
  return Buffer.from(JSON.stringify(provisioning), 'utf8').toString('base64url');
}

async function healthy(apiUrl) {
  try {
    return (await fetch(`${apiUrl}/health`)).ok;
  } catch {
    return false;
  }
}

function sleep(ms) {
  return new Promise((done) => setTimeout(done, ms));
}

function stopAll() {
  for (const child of children) {
    try {
      child.kill();
    } catch {
      // already gone
    }
  }
  setTimeout(() => process.exit(0), 300);
}
