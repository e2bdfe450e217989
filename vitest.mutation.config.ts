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
      'test/unit/pbx/code-limits.test.ts',
      'test/unit/pbx/digest*.test.ts',
      'test/unit/shared/dial-plan*.test.ts',
    ],
    testTimeout: 30_000,
    // Timing ratios do not survive instrumented code on a loaded machine; they are not what kills
    // mutants here (the digest parser's linear-time test measured 31x against its 30x limit).
    testNamePattern: /^(?!.*takes linear time).*$/,
  },
});
