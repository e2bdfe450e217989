import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, test as base, type Browser, type Page } from '@playwright/test';
import { ELECTRON_MISSING_MESSAGE, electronBinaryPath } from '../../scripts/electron-binary.mjs';
import { playwrightFfmpegPath } from '../../scripts/link-ffmpeg.mjs';
import { PbxApiClient } from '../support/pbx-api-client';
import { ADMIN, farEndCalls, PBX, USING_EMBEDDED_PBX, type FarEndCall, type PbxTarget } from './pbx';
import { startPbxInstance, type PbxKind } from './pbx-instance';

/** Videos need Playwright's ffmpeg (scripts/link-ffmpeg.mjs links Debian's); without it, traces and screenshots only. */
const CAN_RECORD_VIDEO = existsSync(playwrightFfmpegPath());

export interface TollgateOptions {
  /** Which host runs the renderer: the browser host in Chromium, or the real Electron app. */
  tollgateHost: 'browser' | 'electron';
}

export interface TollgateWorkerOptions {
  /** Which PBX the PBX-neutral specs start for each worker (pbx-instance.ts). */
  pbxKind: PbxKind;
}

/** The PBX of a worker (or, with TOLLGATE_PBX_URL, the PBX under test, which the suite cannot restart). */
export interface PbxUnderTest {
  kind: PbxKind | 'external';
  target: PbxTarget;
  /** Kills the PBX and starts it again on the same port; null where the suite did not start it. */
  restart: (() => Promise<void>) | null;
}

interface TollgateWorkerFixtures {
  pbx: PbxUnderTest;
}

export interface OpenAppOptions {
  /** The system language the app sees. */
  locale?: 'de-DE' | 'en-US';
  /** A tel:/sip: link the app is opened with. */
  link?: string;
}

interface TollgateFixtures {
  /** Opens a fresh Tollgate with its own settings; every call is another, independent app. */
  openApp(options?: OpenAppOptions): Promise<Page>;
  /** The PBX's admin API, signed in (skips the test where no admin account is configured). */
  adminApi: PbxApiClient;
  /** What the PSTN far end received (null where the PBX has no such view, i.e. not the test PBX). */
  farEnd: { calls(caller: string): Promise<FarEndCall[] | null> };
}

export const test = base.extend<
  TollgateOptions & TollgateFixtures,
  TollgateWorkerOptions & TollgateWorkerFixtures
>({
  tollgateHost: ['browser', { option: true }],
  pbxKind: ['test-pbx', { option: true, scope: 'worker' }],

  pbx: [
    async ({ pbxKind }, use, workerInfo) => {
      if (!USING_EMBEDDED_PBX) {
        await use({ kind: 'external', target: PBX, restart: null });
        return;
      }
      const instance = await startPbxInstance(pbxKind, `w${workerInfo.workerIndex}`);
      await use({
        kind: instance.kind,
        target: { sipWebSocketUrl: instance.sipWebSocketUrl, apiUrl: instance.apiUrl, domain: '' },
        restart: () => instance.restart(),
      });
      await instance.stop();
    },
    { scope: 'worker', timeout: 90_000 },
  ],

  openApp: async ({ tollgateHost, playwright, launchOptions, baseURL }, use, testInfo) => {
    const cleanups: (() => Promise<void>)[] = [];
    // Every app records video; only a failed test keeps it (retain-on-failure).
    const videoDir = testInfo.outputPath('videos');
    const recordVideo = CAN_RECORD_VIDEO ? { recordVideo: { dir: videoDir } } : {};
    if (tollgateHost === 'electron') {
      const binary = electronBinaryPath();
      // Skipped where Electron's binary is not installed (it cannot be downloaded on the build machines).
      testInfo.skip(
        binary === null,
        `${ELECTRON_MISSING_MESSAGE} The browser-host project runs these specs instead.`,
      );
      await use(async ({ locale = 'de-DE', link } = {}) => {
        const app = await _electron.launch({
          ...recordVideo,
          executablePath: binary ?? undefined,
          args: ['.', `--lang=${locale}`, ...(link ? [link] : [])],
          env: {
            ...process.env,
            TOLLGATE_E2E: '1',
            TOLLGATE_USER_DATA: mkdtempSync(join(tmpdir(), 'tollgate-e2e-')),
            LANG: `${locale.replace('-', '_')}.UTF-8`,
          },
        });
        cleanups.push(() => app.close());
        return app.firstWindow();
      });
    } else {
      // Launched here rather than through the `browser` fixture so the Electron project never starts Chromium.
      let browser: Browser | null = null;
      await use(async ({ locale = 'de-DE', link } = {}) => {
        if (!browser) {
          const launched = await playwright.chromium.launch(launchOptions);
          browser = launched;
          cleanups.unshift(() => launched.close());
        }
        const context = await browser.newContext({ locale, ...(baseURL ? { baseURL } : {}), ...recordVideo });
        cleanups.push(() => context.close());
        const page = await context.newPage();
        await page.goto(link ? `/?link=${encodeURIComponent(link)}` : '/');
        return page;
      });
    }
    for (const cleanup of cleanups.reverse()) await cleanup();
    if (!existsSync(videoDir)) return;
    if (testInfo.status !== testInfo.expectedStatus) {
      for (const file of readdirSync(videoDir)) {
        await testInfo.attach(`video-${file}`, { path: `${videoDir}/${file}`, contentType: 'video/webm' });
      }
    } else {
      rmSync(videoDir, { recursive: true, force: true });
    }
  },

  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures name their dependencies by destructuring.
  adminApi: async ({}, use) => {
    // Skipped only against a PBX for which QA gave no admin account (docs/qa.md: TOLLGATE_QA_ADMIN).
    test.skip(ADMIN === null, 'No admin credentials for this PBX (set TOLLGATE_QA_ADMIN).');
    await use(await PbxApiClient.signIn(PBX.apiUrl, 'admin', ADMIN?.username ?? '', ADMIN?.password ?? ''));
  },

  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures name their dependencies by destructuring.
  farEnd: async ({}, use) => {
    await use({ calls: farEndCalls });
  },
});

export { expect } from '@playwright/test';
