import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The pepper mixed into every unlock-code and password hash, kept outside the database:
 * - `TOLLGATE_PBX_PEPPER` (hex or base64, at least 16 bytes), else
 * - `pepper.key` next to the database (the PBX's data folder), made on first start with mode 0600;
 * - a `:memory:` database gets a fresh pepper per process (nothing outlives it anyway).
 * Losing the pepper makes every peppered hash unusable: codes and passwords must be set again.
 */
export const PEPPER_ENV = 'TOLLGATE_PBX_PEPPER';
export const PEPPER_FILE = 'pepper.key';
const MIN_BYTES = 16;

export function parsePepper(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^(?:[0-9a-fA-F]{2})+$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (bytes.length < MIN_BYTES)
    throw new Error(`The pepper in ${where} is too short: give at least ${MIN_BYTES} bytes (hex or base64).`);
  return bytes;
}

export function resolvePepper(databasePath: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env[PEPPER_ENV];
  if (fromEnv) return parsePepper(fromEnv, PEPPER_ENV);
  if (databasePath === ':memory:') return randomBytes(32);
  const file = join(dirname(databasePath), PEPPER_FILE);
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new Error(
      `${file} can be read by other users: make it private (chmod 600 ${file}) and start again.`,
    );
  }
  return parsePepper(readFileSync(file, 'utf8'), file);
}
