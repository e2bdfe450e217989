// Refreshes the user guide's pictures: runs the screen, softphone, PIN-phase, personal-code and history specs (answer-first, and
// the PIN phases again in early-media style) and copies
// test-results/screenshots/ into docs/screenshots/. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';

rmSync('test-results/screenshots', { recursive: true, force: true });
execFileSync(
  'npx',
  [
    'playwright',
    'test',
    '--project=browser-host',
    'screens',
    'softphone',
    'pin-phases',
    'pin-codes',
    'history',
  ],
  {
    stdio: 'inherit',
    env: { ...process.env, TOLLGATE_PROMPT_STYLE: 'answer-first' },
  },
);
// The PIN call screen without PBX signals ("PIN gesendet"): the early-media style's pictures.
execFileSync(
  'npx',
  ['playwright', 'test', '--project=browser-host', 'pin-phases', '--grep', 'phase by phase'],
  {
    stdio: 'inherit',
    env: { ...process.env, TOLLGATE_PROMPT_STYLE: 'early-media' },
  },
);
mkdirSync('docs/screenshots', { recursive: true });
for (const file of readdirSync('test-results/screenshots'))
  cpSync(`test-results/screenshots/${file}`, `docs/screenshots/${file}`);
console.log(`Copied ${readdirSync('test-results/screenshots').length} screenshots to docs/screenshots/`);
