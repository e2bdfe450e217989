import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSeed } from '../pbx/store/seed';

/**
 * Many PIN-protected extensions for load (the PBX allows one PIN session per extension, so every
 * concurrent PIN call needs its own): the demo company with `count` copies of its protected
 * extension, numbered 10000 upwards. Used by the load test (test/protocol/load-pin-calls.test.ts)
 * and the capacity benchmark (bench/dtmf.ts).
 */
export interface PinLoadAccount {
  extension: string;
  password: string;
  pin: string;
}

export function pinLoadAccount(index: number): PinLoadAccount {
  const extension = String(10_000 + index);
  // Six digits that differ from call to call (the PBX does not care which).
  const pin = String(100_000 + ((index * 7_919 + 4_711) % 900_000));
  return { extension, password: `demo-pass-${extension}`, pin };
}

/** Writes the seed file into `directory` and returns its path; `label` starts each display name. */
export function writePinLoadSeed(directory: string, count: number, label: string): string {
  const seed = loadSeed();
  const template = seed.company.extensions.find((extension) => extension.ivrAuthentication);
  if (!template) throw new Error('The demo company has no PIN-protected extension to copy');
  const path = join(directory, 'pin-load-seed.json');
  writeFileSync(
    path,
    JSON.stringify({
      ...seed,
      company: {
        ...seed.company,
        dialPlan: { ...seed.company.dialPlan, internalRanges: [{ from: '10000', to: '19999' }] },
        extensions: Array.from({ length: count }, (_, index) => pinLoadAccount(index)).map((account) => ({
          ...template,
          number: account.extension,
          displayName: `${label} ${account.extension}`,
          language: 'de' as const,
          password: account.password,
          unlockCode: account.pin,
        })),
      },
    }),
  );
  return path;
}
