import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './scripts/chromium.mjs';
import type { TollgateOptions } from './test/e2e/fixtures';

const RENDERER_PORT = Number(process.env['TOLLGATE_RENDERER_PORT'] ?? 4174);
const PBX_PORT = Number(process.env['TOLLGATE_E2E_PBX_PORT'] ?? 5199);
const executablePath = chromiumPath() ?? undefined;
/** The embedded PBX's prompting style for this run (docs/qa.md); each style keeps its own artifacts. */
const PROMPT_STYLE = process.env['TOLLGATE_PROMPT_STYLE'] ?? 'answer-first';

export default defineConfig<TollgateOptions>({
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
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: [
    {
      // The built renderer (npm run build), served as the browser host loads it.
      command: `npx vite preview --port ${RENDERER_PORT} --strictPort`,
      url: `http://127.0.0.1:${RENDERER_PORT}/`,
      reuseExistingServer: !process.env['CI'],
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
      name: 'browser-host',
      use: {
        tollgateHost: 'browser',
        browserName: 'chromium',
        launchOptions: { ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS },
      },
    },
    {
      // The real Electron app; skipped with a message where its binary is not installed.
      name: 'electron',
      use: { tollgateHost: 'electron' },
    },
  ],
});
