// Refreshes the user guide's pictures: runs the screen and softphone specs (answer-first) and copies
// test-results/screenshots/ into docs/screenshots/. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';

rmSync('test-results/screenshots', { recursive: true, force: true });
execFileSync('npx', ['playwright', 'test', '--project=browser-host', 'screens', 'softphone'], {
  stdio: 'inherit',
});
mkdirSync('docs/screenshots', { recursive: true });
for (const file of readdirSync('test-results/screenshots'))
  cpSync(`test-results/screenshots/${file}`, `docs/screenshots/${file}`);
console.log(`Copied ${readdirSync('test-results/screenshots').length} screenshots to docs/screenshots/`);
