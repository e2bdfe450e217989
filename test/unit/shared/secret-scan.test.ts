import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoSecrets, scanForSecrets } from '../../../scripts/scan-secrets.mjs';

describe('secret scan after the end-to-end suite', () => {
  it('knows every demo PIN and password', () => {
    expect(demoSecrets()).toEqual(
      expect.arrayContaining(['471108', '258025', 'demo-pass-201', 'admin-demo-pass', 'provider-demo-pass']),
    );
  });

  it('finds a secret in a log, inside a zipped trace and in a database file, and nothing in clean files', () => {
    const root = mkdtempSync(join(tmpdir(), 'tollgate-scan-'));
    mkdirSync(join(root, 'pbx'));
    writeFileSync(join(root, 'pbx', 'pbx.log'), '{"event":"call-ended"}\n');
    writeFileSync(join(root, 'clean.txt'), 'nothing to see');
    expect(scanForSecrets([root], ['471108'])).toEqual([]);

    writeFileSync(join(root, 'pbx', 'leak.log'), 'digits=471108');
    writeFileSync(join(root, 'trace.txt'), 'fill("demo-pass-201")');
    execFileSync('python3', [
      '-c',
      `import zipfile; z=zipfile.ZipFile(r'${join(root, 'trace.zip')}','w',zipfile.ZIP_DEFLATED); z.write(r'${join(root, 'trace.txt')}','trace.trace'); z.close()`,
    ]);
    writeFileSync(
      join(root, 'db.sqlite-wal'),
      Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from('admin-demo-pass')]),
    );
    const findings = scanForSecrets([root], ['471108', 'demo-pass-201', 'admin-demo-pass']);
    expect(findings.some((finding) => finding.includes('leak.log'))).toBe(true);
    expect(findings.some((finding) => finding.includes('trace.zip'))).toBe(true);
    expect(findings.some((finding) => finding.includes('db.sqlite-wal'))).toBe(true);
    expect(findings.join()).not.toContain('471108');
  });
});
