import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_CODES_PER_EXTENSION, PERSONAL_CODE_MIN_DIGITS } from '../../../shared/policy/unlock-code';

/** Apart from code-limits.test.ts, which Stryker runs in a sandbox without docs/. */
// Breaks when docs/test-pbx.md names other limits than the code enforces (the values are typed there,
// next to the constants' names).
describe('docs/test-pbx.md', () => {
  it('names the limits the API enforces', () => {
    const page = readFileSync('docs/test-pbx.md', 'utf8').replace(/\s+/g, ' ');
    expect(page).toContain(`fewer than ${PERSONAL_CODE_MIN_DIGITS} digits (\`PERSONAL_CODE_MIN_DIGITS\`)`);
    expect(page).toContain(`beyond ${MAX_CODES_PER_EXTENSION} per extension (\`MAX_CODES_PER_EXTENSION\``);
    expect(page).toContain(`at least ${PERSONAL_CODE_MIN_DIGITS} digits), \`code-invalid\``);
  });
});
