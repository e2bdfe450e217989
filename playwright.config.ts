import { execFileSync } from 'node:child_process';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './scripts/chromium.mjs';
import type { TollgateOptions, TollgateWorkerOptions } from './test/e2e/fixtures';

/**
 * A port nobody listens on, chosen once by the runner; the workers inherit it through the
 * environment (they load this file again). Never a server that happens to run there already.
 */
function freePortOnce(variable: string): number {
  const value = process.env[variable];
  if (value) return Number(value);
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  const port = execFileSync(process.execPath, ['-e', script]).toString();
  process.env[variable] = port;
  return Number(port);
}

const RENDERER_PORT = freePortOnce('TOLLGATE_RENDERER_PORT');
const PBX_PORT = freePortOnce('TOLLGATE_E2E_PBX_PORT');
const executablePath = chromiumPath() ?? undefined;
/** The embedded PBX's prompting style for this run (docs/qa.md); each style keeps its own artifacts. */
const PROMPT_STYLE = process.env['TOLLGATE_PROMPT_STYLE'] ?? 'answer-first';
/**
 * The PBX-neutral specs (`pbx-neutral.spec.ts` and every `*.neutral.spec.ts`) do not depend on the
 * prompting style: they run in the answer-first run only, against the test PBX and Kamailio.
 */
const NEUTRAL_SPEC = /(?:^|[\\/])(?:pbx-neutral|[\w-]+\.neutral)\.spec\.ts$/;
const RUN_NEUTRAL = PROMPT_STYLE === 'answer-first';

export default defineConfig<TollgateOptions, TollgateWorkerOptions>({
  testDir: 'test/e2e',
  outputDir: `test-results/${PROMPT_STYLE}`,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // A flaky WebRTC test is a bug to fix, not to retry.
  retries: 0,
  workers: 2,
  forbidOnly: Boolean(process.env['CI']),
  reporter: [['list'], ['html', { open: 'never', outputFolder: `playwright-report/${PROMPT_STYLE}` }]],
  use: {
    baseURL: `http://127.0.0.1:${RENDERER_PORT}`,
    // No test sources in traces (they name the demo credentials); see docs/qa.md for what else is kept out.
    trace: { mode: 'retain-on-failure', sources: false, snapshots: false },
    screenshot: 'only-on-failure',
  },
  webServer: [
    {
      // The built renderer (npm run build), served as the browser host loads it.
      command: `npx vite preview --host 127.0.0.1 --port ${RENDERER_PORT} --strictPort`,
      url: `http://127.0.0.1:${RENDERER_PORT}/`,
      // Fails instead of testing whatever else listens on the port (--strictPort, no reuse).
      reuseExistingServer: false,
    },
    // A fresh test PBX for this run (own port, own database, the demo company) — unless
    // TOLLGATE_PBX_URL points the suite at another PBX (docs/qa.md).
    ...(process.env['TOLLGATE_PBX_URL']
      ? []
      : [
          {
            command: 'node scripts/e2e-pbx.mjs',
            url: `http://127.0.0.1:${PBX_PORT}/api/v1/health`,
            env: {
              TOLLGATE_E2E_PBX_PORT: String(PBX_PORT),
              TOLLGATE_E2E_PBX_DATA: `test-results/pbx-${PROMPT_STYLE}`,
              TOLLGATE_PROMPT_STYLE: PROMPT_STYLE,
            },
            reuseExistingServer: false,
            stdout: 'pipe' as const,
          },
        ]),
  ],
  projects: [
    {
      // The PBX-neutral specs here run against a test PBX of each worker's own.
      name: 'browser-host',
      testIgnore: RUN_NEUTRAL ? [] : [NEUTRAL_SPEC],
      use: {
        tollgateHost: 'browser',
        pbxKind: 'test-pbx',
        browserName: 'chromium',
        launchOptions: { ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS },
      },
    },
    ...(RUN_NEUTRAL
      ? [
          {
            // The same PBX-neutral specs against Debian's Kamailio (test/kamailio/), one per worker.
            name: 'kamailio',
            testMatch: [NEUTRAL_SPEC],
            use: {
              tollgateHost: 'browser' as const,
              pbxKind: 'kamailio' as const,
              browserName: 'chromium' as const,
              launchOptions: { ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS },
            },
          },
        ]
      : []),
    {
      // The real Electron app; skipped with a message where its binary is not installed. The
      // PBX-neutral specs test SIP and media, which are the same code in both hosts: browser only.
      name: 'electron',
      testIgnore: [NEUTRAL_SPEC],
      use: { tollgateHost: 'electron' },
    },
  ],
});
