import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, test as base, type Browser, type Page } from '@playwright/test';
import { ELECTRON_MISSING_MESSAGE, electronBinaryPath } from '../../scripts/electron-binary.mjs';

export interface TollgateOptions {
  /** Which host runs the renderer: the browser host in Chromium, or the real Electron app. */
  tollgateHost: 'browser' | 'electron';
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
}

export const test = base.extend<TollgateOptions & TollgateFixtures>({
  tollgateHost: ['browser', { option: true }],

  openApp: async ({ tollgateHost, playwright, launchOptions, baseURL }, use, testInfo) => {
    const cleanups: (() => Promise<void>)[] = [];
    if (tollgateHost === 'electron') {
      const binary = electronBinaryPath();
      testInfo.skip(
        binary === null,
        `${ELECTRON_MISSING_MESSAGE} The browser-host project runs these specs instead.`,
      );
      await use(async ({ locale = 'de-DE', link } = {}) => {
        const app = await _electron.launch({
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
        const context = await browser.newContext({ locale, baseURL });
        cleanups.push(() => context.close());
        const page = await context.newPage();
        await page.goto(link ? `/?link=${encodeURIComponent(link)}` : '/');
        return page;
      });
    }
    for (const cleanup of cleanups.reverse()) await cleanup();
  },
});

export { expect } from '@playwright/test';
