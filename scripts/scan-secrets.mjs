// After the end-to-end suite: searches everything it left behind — logs, PBX databases (and WAL
// files), traces (unzipped), reports, settings — for the demo PINs and passwords. None may be found.
// Screenshots are pictures; the specs check what they show (dots, never digits).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The demo company's secrets: unlock codes and every password. */
export function demoSecrets(seedPath = 'test/pbx/seed/demo-company.json') {
  const seed = JSON.parse(readFileSync(seedPath, 'utf8'));
  return [
    seed.provider.password,
    ...seed.company.admins.map((admin) => admin.password),
    ...seed.company.extensions.flatMap((extension) =>
      [extension.password, extension.unlockCode].filter(Boolean),
    ),
  ];
}

function* files(root) {
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

/** The text of a zip's entries (Playwright traces), via Python's zipfile (no unzip on the machine). */
function zipText(path) {
  const script =
    'import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nfor n in z.namelist(): sys.stdout.buffer.write(z.read(n))';
  return execFileSync('python3', ['-c', script, path], { maxBuffer: 512 * 1024 * 1024 }).toString('latin1');
}

/** Returns `path: secret` for every secret found under the roots. */
export function scanForSecrets(roots, secrets) {
  const findings = [];
  for (const root of roots) {
    for (const path of files(root)) {
      if (path.endsWith('.png') || path.endsWith('.webm') || path.endsWith('.jpeg')) continue;
      const text = path.endsWith('.zip') ? zipText(path) : readFileSync(path).toString('latin1');
      for (const secret of secrets)
        if (text.includes(secret)) findings.push(`${path}: ${secret.slice(0, 2)}…`);
    }
  }
  return findings;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const roots =
    process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['test-results', 'playwright-report'];
  const findings = scanForSecrets(roots, demoSecrets());
  if (findings.length > 0) {
    console.error(
      `Secrets found after the test run:\n${findings.map((finding) => `- ${finding}`).join('\n')}`,
    );
    process.exit(1);
  }
  console.log(`No demo PIN or password in ${roots.join(', ')} (logs, databases, traces, reports, settings).`);
}
