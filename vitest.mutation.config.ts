import { defineConfig } from 'vitest/config';

/**
 * The unit tests of the modules Stryker mutates (stryker.config.mjs), and nothing else, so each
 * mutant is judged in seconds. Not used by `npm test`.
 */
export default defineConfig({
  test: {
    environment: 'node',
    include: [
      'test/unit/pbx/pin-entry*.test.ts',
      'test/unit/pbx/lockout*.test.ts',
      'test/unit/pbx/digest*.test.ts',
      'test/unit/shared/dial-plan*.test.ts',
    ],
    testTimeout: 30_000,
  },
});
