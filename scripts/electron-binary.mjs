// Finds the Electron binary without triggering npm's electron package's download-on-require
// (which fails offline). Returns null when no binary is installed.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** @returns {string | null} */
export function electronBinaryPath() {
  const require = createRequire(import.meta.url);
  let packageDirectory;
  try {
    packageDirectory = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(packageDirectory, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override
    ? join(override, relative ?? 'electron')
    : relative
      ? join(packageDirectory, 'dist', relative)
      : null;
  return candidate && existsSync(candidate) ? candidate : null;
}

export const ELECTRON_MISSING_MESSAGE =
  "Electron's binary is not installed: npm's electron package ships only a launcher and downloads the " +
  'binary from the internet (`npx install-electron`), which this machine cannot reach.';
