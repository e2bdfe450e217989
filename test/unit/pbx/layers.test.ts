import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The test PBX's layer rule (eslint.config.js, PBX_LAYERS; docs/test-pbx.md, "Layers"), checked on
 * probe files that do not exist: ESLint lints the text as if it were at that path. Breaks when a
 * zone is dropped or a layer's allowed list grows past the diagram.
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function layerErrors(path: string, from: string): Promise<string[]> {
  const code = `import type * as Probe from '${from}';\nexport type P = typeof Probe;\n`;
  const [result] = await eslint.lintText(code, { filePath: `test/pbx/${path}` });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'import-x/no-restricted-paths')
    .map((message) => message.message);
}

describe('test PBX layers import only downward', () => {
  it.each([
    ['sip/probe.ts', '../calls/internal-call', 'sip above the applications'],
    ['sip/probe.ts', '../routing/route', 'sip above routing'],
    ['sip/probe.ts', '../store/ports', 'sip knows no store'],
    ['transport/probe.ts', '../sip/message', 'transport above sip'],
    ['media/probe.ts', '../sip/message', 'media beside sip'],
    ['calls/probe.ts', '../routing/route', 'applications above routing'],
    ['calls/probe.ts', '../store/database', 'applications know only the ports'],
    ['routing/probe.ts', '../api/http-api', 'routing beside the API'],
    ['api/probe.ts', '../store/database', 'the API knows only the ports'],
    ['store/probe.ts', '../sip/digest', 'the store knows no SIP'],
    ['store/probe.ts', '../ivr/pin-gate', 'the store knows no application'],
    // The exception the store once had: its rules now come in as a value (store/ports.ts, StoreGateRules).
    ['store/probe.ts', '../ivr/lockout', 'the store is handed the gate rules'],
    ['store/probe.ts', '../ivr/pin-gate-port', 'the gate port is above the store'],
    ['store/probe.ts', '../calls/media-call', 'the store knows no calls'],
    ['crypto/probe.ts', '../sip/digest', 'the base imports nothing above it'],
  ])('%s may not import %s (%s)', { timeout: 60_000 }, async (path, from) => {
    expect(await layerErrors(path, from)).toHaveLength(1);
  });

  it.each([
    ['server.ts', './store/database'],
    ['routing/probe.ts', '../calls/media-call'],
    ['routing/probe.ts', '../store/ports'],
    ['calls/probe.ts', '../sip/legs'],
    ['calls/probe.ts', '../media/sdp'],
    ['sip/probe.ts', '../transport/websocket'],
    ['store/probe.ts', './ports'],
    ['ivr/probe.ts', '../store/ports'],
    ['store/probe.ts', '../crypto/ha1'],
  ])('%s may import %s', { timeout: 60_000 }, async (path, from) => {
    expect(await layerErrors(path, from)).toEqual([]);
  });
});
