import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLog } from '../../../test/pbx/log';

const directory = () => mkdtempSync(join(tmpdir(), 'tollgate-log-'));

describe('PBX log', () => {
  // Breaks if `redact` is dropped from createLog.
  it('writes JSON lines with time and event, and blanks secret-named fields', async () => {
    const file = join(directory(), 'pbx.log');
    const events: string[] = [];
    const log = createLog({ file, onEvent: (event) => events.push(event) });
    log('registered', { extension: '201', contacts: 1 });
    log('mistake', { extension: '201', pin: '471108', password: 'demo-pass-201' });
    await log.close();
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ event: 'registered', extension: '201', contacts: 1 });
    expect(typeof lines[0]?.['time']).toBe('string');
    expect(lines[1]).toMatchObject({ event: 'mistake', pin: '[redacted]', password: '[redacted]' });
    expect(readFileSync(file, 'utf8')).not.toContain('471108');
    expect(events).toEqual(['registered', 'mistake']);
  });

  // Breaks if RotatingFile stops renaming past maxBytes (the file grows without bound).
  it('rotates past its size cap, keeping one previous file', async () => {
    const file = join(directory(), 'pbx.log');
    const log = createLog({ file, maxBytes: 2_000 });
    log('pbx-started', {});
    await expect.poll(() => existsSync(file) && statSync(file).size > 0).toBe(true);
    let written = 0;
    for (let i = 0; i < 400; i++) {
      const fields = { callId: `call-${i}`, result: 'completed' };
      log('call-ended', fields);
      written += JSON.stringify(fields).length;
      // Let pino's asynchronous writes happen, as they do between a PBX's events, and let it open
      // the new file after a rotation.
      await new Promise((resolve) => setImmediate(resolve));
      await expect.poll(() => existsSync(file)).toBe(true);
    }
    await log.close();
    expect(existsSync(`${file}.1`)).toBe(true);
    // Bounded: the two files together hold a fraction of what was logged (generous for a busy box).
    expect(statSync(file).size + statSync(`${file}.1`).size).toBeLessThan(written / 2);
    expect(readFileSync(file, 'utf8')).toContain('call-399');
  });

  it('ignores events after it was closed', async () => {
    const log = createLog({ file: join(directory(), 'pbx.log') });
    await log.close();
    expect(() => log('late', {})).not.toThrow();
    await log.close();
  });
});
