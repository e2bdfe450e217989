// @ts-check
/**
 * Mutation testing (issue #10): `npm run test:mutation`. Mutates the modules the PIN gate's promise
 * rests on and runs only their unit tests (vitest.mutation.config.ts). CPU-heavy: one test process,
 * meant to be run by hand or nightly, not in `npm test`. `node scripts/gen-security-figures.mjs`
 * then writes the score into docs/security.md.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: [
    'test/pbx/ivr/pin-entry.ts',
    'test/pbx/ivr/lockout.ts',
    'shared/dial-plan/dial-plan.ts',
    'test/pbx/sip/digest.ts',
  ],
  // Copy only what those tests need into the sandbox (not build output, traces or the renderer).
  ignorePatterns: [
    '/**',
    '!/package.json',
    '!/tsconfig*.json',
    '!/vitest.mutation.config.ts',
    '!/shared/**',
    '!/test/pbx/**',
    '!/test/support/**',
    '!/test/unit/pbx/**',
    '!/test/unit/shared/**',
    '!/resources/**',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 1,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  // Reruns test only the mutants whose code or tests changed since the last run.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
};
