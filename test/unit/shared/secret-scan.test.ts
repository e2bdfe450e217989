import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { demoSecrets, environmentSecrets, scanForSecrets } from '../../../scripts/scan-secrets.mjs';

/**
 * The scan after the end-to-end suite must find a planted secret in every kind of artifact the suite
 * leaves. Each case breaks when the scan stops reading that kind (e.g. without unpacking the HTML
 * report's embedded zip, the report case fails: its step titles are deflated inside base64).
 */
const PLANTED = 's3cret-QA-pass';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'tollgate-scan-'));
}

/** A report page as Playwright writes it: the results as a deflated zip, base64 in the HTML. */
function htmlReport(stepTitle: string): string {
  const zip = zipSync({
    'report.json': strToU8(JSON.stringify({ files: [] })),
    'a1b2.json': strToU8(JSON.stringify({ tests: [{ steps: [{ title: stepTitle }] }] })),
  });
  return `<!DOCTYPE html><html><body><script>window.playwrightReportBase64 = "data:application/zip;base64,${Buffer.from(zip).toString('base64')}";</script></body></html>`;
}

describe('secret scan after the end-to-end suite', () => {
  it('knows every demo PIN and password', () => {
    expect(demoSecrets()).toEqual(
      expect.arrayContaining(['471108', '258025', 'demo-pass-201', 'admin-demo-pass', 'provider-demo-pass']),
    );
  });

  it('takes the passwords and PINs of a QA run from the environment, not the user names', () => {
    const secrets = environmentSecrets({
      TOLLGATE_QA_PROTECTED: '301:pw-protected:8642',
      TOLLGATE_QA_PHONE_A: 'alice:pw-alice',
      TOLLGATE_QA_ADMIN: 'root:pw-admin',
      TOLLGATE_QA_NEW_UNLOCK_CODE: '13579',
    });
    expect(secrets.sort()).toEqual(['13579', '8642', 'pw-admin', 'pw-alice', 'pw-protected'].sort());
  });

  it('finds nothing in clean artifacts', () => {
    const root = scratch();
    writeFileSync(join(root, 'pbx.log'), '{"event":"call-ended"}\n');
    writeFileSync(join(root, 'trace.zip'), zipSync({ 'trace.trace': strToU8('{"type":"action"}') }));
    writeFileSync(join(root, 'index.html'), htmlReport('Click getByRole(button)'));
    expect(scanForSecrets([root], [PLANTED])).toEqual([]);
  });

  it.each([
    ['a log', (root: string) => writeFileSync(join(root, 'kamailio.log'), `auth ${PLANTED} failed\n`)],
    [
      'a SQLite database',
      (root: string) => {
        const database = new Database(join(root, 'pbx.sqlite'));
        database.exec('CREATE TABLE leak (value TEXT)');
        database.prepare('INSERT INTO leak VALUES (?)').run(PLANTED);
        database.close();
      },
    ],
    [
      'a trace zip',
      (root: string) =>
        writeFileSync(
          join(root, 'trace.zip'),
          zipSync({ 'trace.trace': strToU8(JSON.stringify({ method: 'fill', params: { value: PLANTED } })) }),
        ),
    ],
    [
      "the HTML report's embedded zip",
      (root: string) => {
        mkdirSync(join(root, 'playwright-report'));
        writeFileSync(join(root, 'playwright-report', 'index.html'), htmlReport(`Fill "${PLANTED}"`));
      },
    ],
  ])('finds a secret planted in %s', (_kind, plant) => {
    const root = scratch();
    plant(root);
    const findings = scanForSecrets([root], [PLANTED, '471108']);
    expect(findings).toHaveLength(1);
    // The finding names the place, never the secret.
    expect(findings[0]).not.toContain(PLANTED);
    expect(findings[0]).toMatch(/^\/.+: s3…$/);
  });
});
