import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PbxServer } from './server';
import { loadSeed } from './store/seed';

/** `npm run pbx`: the test PBX on loopback with the demo company. */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env['TOLLGATE_PBX_PORT'] ?? '5070' },
    host: { type: 'string', default: '127.0.0.1' },
    data: { type: 'string', default: process.env['TOLLGATE_PBX_DATA'] ?? '.tollgate/pbx' },
    seed: { type: 'string' },
    'prompt-style': { type: 'string', default: process.env['TOLLGATE_PROMPT_STYLE'] ?? 'answer-first' },
    'lock-minutes': { type: 'string', default: '60' },
    'ring-ms': { type: 'string', default: '1000' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});

const promptStyle = values['prompt-style'];
if (promptStyle !== 'answer-first' && promptStyle !== 'early-media') {
  console.error(`--prompt-style must be answer-first or early-media, not ${promptStyle}`);
  process.exit(2);
}
const dataDirectory = resolve(values.data);
mkdirSync(dataDirectory, { recursive: true });
const seedPath = values.seed ? resolve(values.seed) : undefined;
const pbx = new PbxServer({
  host: values.host,
  port: Number(values.port),
  databasePath: join(dataDirectory, 'pbx.sqlite'),
  logFile: join(dataDirectory, 'pbx.log'),
  logToConsole: !values.quiet,
  promptStyle,
  lockoutRules: { lockMs: Number(values['lock-minutes']) * 60_000 },
  farEndRingMs: Number(values['ring-ms']),
  ...(seedPath ? { seedPath } : {}),
  ...(values['tls-cert'] && values['tls-key']
    ? { tls: { certFile: values['tls-cert'], keyFile: values['tls-key'] } }
    : {}),
});

try {
  const addresses = await pbx.start();
  const seed = loadSeed(seedPath);
  const extensions = seed.company.extensions
    .map((extension) => {
      const protection = extension.ivrAuthentication
        ? `IVR authentication on, PIN ${extension.unlockCode ?? '-'}`
        : 'no PIN';
      return `  ${extension.number}  ${extension.displayName.padEnd(12)} password ${extension.password}  (${protection})`;
    })
    .join('\n');
  console.log(`
Tollgate test PBX — ${seed.company.name}
  SIP over WebSocket  ${addresses.sipWebSocketUrl}   (SIP domain ${addresses.realm})
  Policy/admin API    ${addresses.apiUrl}
  Data                ${dataDirectory}${addresses.databaseCreated ? '  (new database, demo company seeded)' : '  (existing database: admin changes kept)'}
  Prompting style     ${promptStyle}

Extensions (demo credentials):
${extensions}
Admin: ${seed.company.admins.map((admin) => `${admin.username} / ${admin.password}`).join(', ')}
Try: another extension (201–204), voicemail *98, echo test *43, 112, 0800 1234567, 030 1234567 (paid)
Press Ctrl+C to stop.`);
} catch (error) {
  console.error(`The test PBX could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void pbx.stop().then(() => process.exit(0));
  });
}
