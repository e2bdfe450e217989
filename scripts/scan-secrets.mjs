// After the end-to-end suite: searches everything it left behind — logs, PBX databases (and WAL
// files), traces (unzipped), the HTML report (its embedded zip of step titles and results unpacked),
// settings — for the demo PINs and passwords and for every secret the QA run was given in the
// environment (TOLLGATE_QA_*, docs/qa.md). None may be found. Screenshots and videos are pictures;
// the specs check what they show (dots, never digits).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';

/** The demo company's secrets: unlock codes and every password. */
export function demoSecrets(seedPath = 'test/pbx/seed/demo-company.json') {
  const seed = JSON.parse(readFileSync(seedPath, 'utf8'));
  return [
    seed.provider.password,
    ...seed.company.admins.map((admin) => admin.password),
    ...seed.company.extensions.flatMap((extension) =>
      [extension.password, extension.unlockCode, ...(extension.codes ?? []).map((c) => c.code)].filter(
        Boolean,
      ),
    ),
  ];
}

/** Variables of the form `user:password[:PIN]` (test/e2e/pbx.ts): the password and the PIN are secret. */
const ACCOUNT_VARIABLES = [
  'TOLLGATE_QA_PROTECTED',
  'TOLLGATE_QA_PROTECTED_2',
  'TOLLGATE_QA_AVAILABLE',
  'TOLLGATE_QA_NOT_ENTITLED',
  'TOLLGATE_QA_PHONE_A',
  'TOLLGATE_QA_PHONE_B',
  'TOLLGATE_QA_ADMIN',
  'TOLLGATE_QA_PROVIDER',
];

/** The secrets a QA run against a real PBX was given: passwords, PINs, the new unlock code. */
export function environmentSecrets(env = process.env) {
  const secrets = [];
  for (const variable of ACCOUNT_VARIABLES) {
    const [, password, pin] = (env[variable] ?? '').split(':');
    secrets.push(password, pin);
  }
  secrets.push(env.TOLLGATE_QA_NEW_UNLOCK_CODE);
  return secrets.filter((secret) => typeof secret === 'string' && secret.length > 0);
}

function* files(root) {
  if (!existsSync(root)) return;
  if (!statSync(root).isDirectory()) {
    yield root;
    return;
  }
  for (const name of readdirSync(root)) yield* files(join(root, name));
}

const PICTURES = /\.(png|jpe?g|webm|webp)$/i;
const EMBEDDED_ZIP = /data:application\/zip;base64,([A-Za-z0-9+/=]+)/g;

/** The texts to search in one file: itself, and whatever zips it holds or embeds, unpacked. */
function texts(name, bytes, depth = 0) {
  const found = [[name, Buffer.from(bytes).toString('latin1')]];
  if (depth > 3) return found;
  const isZip = bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03;
  if (isZip) {
    for (const [entry, content] of Object.entries(unzipSync(bytes))) {
      if (!PICTURES.test(entry)) found.push(...texts(`${name}!${entry}`, content, depth + 1));
    }
    return found.slice(1);
  }
  const text = found[0][1];
  for (const match of text.matchAll(EMBEDDED_ZIP)) {
    found.push(...texts(`${name} (embedded zip)`, Buffer.from(match[1], 'base64'), depth + 1));
  }
  return found;
}

/** How a secret may be written down: as is, JSON-escaped, URL-encoded. */
function spellings(secret) {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])];
}

/** Returns `where: se…` for every secret found under the roots (files or folders). */
export function scanForSecrets(roots, secrets) {
  const wanted = [...new Set(secrets)].filter((secret) => secret.length >= 4);
  const findings = [];
  for (const root of roots) {
    for (const path of files(root)) {
      if (PICTURES.test(path)) continue;
      for (const [where, text] of texts(path, readFileSync(path))) {
        for (const secret of wanted) {
          if (spellings(secret).some((spelling) => text.includes(spelling)))
            findings.push(`${where}: ${secret.slice(0, 2)}…`);
        }
      }
    }
  }
  return findings;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const roots =
    process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['test-results', 'playwright-report'];
  const secrets = [...demoSecrets(), ...environmentSecrets()];
  const findings = scanForSecrets(roots, secrets);
  if (findings.length > 0) {
    console.error(
      `Secrets found after the test run:\n${findings.map((finding) => `- ${finding}`).join('\n')}`,
    );
    process.exit(1);
  }
  console.log(
    `None of ${secrets.length} secrets (demo PINs and passwords, TOLLGATE_QA_* from the environment) in ${roots.join(', ')} (logs, databases, traces, HTML reports and their embedded data, settings).`,
  );
}
