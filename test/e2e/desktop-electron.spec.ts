import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from '@playwright/test';
import type { DesktopCommand, DesktopStatus } from '../../shared/ipc/contract';
import { ELECTRON_MISSING_MESSAGE, electronBinaryPath } from '../../scripts/electron-binary.mjs';
import { expect, test } from './fixtures';
import { PHONES, signIn, type Account } from './pbx';

/**
 * The Electron desktop around a call, in the real app (the `electron` project; skipped with a message
 * where Electron's binary is not installed — the browser-host project has no tray or window to raise):
 * an incoming call raises the minimised window, the tray follows registration, DND and the call, and
 * the tray's/hotkeys' answer and hang-up commands, sent by the main process, work the call.
 * The tray is read through the main process's test hooks (electron/main/test-hooks.ts, TOLLGATE_E2E=1).
 */

interface ElectronPhone {
  app: ElectronApplication;
  page: Page;
}

type HookGlobal = {
  __tollgateTestHooks?: {
    trayStatus(): DesktopStatus | null;
    sendDesktopCommand(command: DesktopCommand): void;
  };
};

test.beforeEach(({ tollgateHost }) => {
  // Tray, hotkeys and window raising exist in the Electron app only; skipped in the browser host and where Electron's binary is missing.
  test.skip(tollgateHost !== 'electron', 'Tray and window raising exist in the Electron app only.');
  test.skip(electronBinaryPath() === null, ELECTRON_MISSING_MESSAGE);
});

const apps: ElectronApplication[] = [];
test.afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

/** A fresh Electron Tollgate (own settings folder), launched as the fixtures launch it, signed in. */
async function electronPhone(pbx: Parameters<typeof signIn>[2], who: Account): Promise<ElectronPhone> {
  const app = await _electron.launch({
    executablePath: electronBinaryPath() ?? undefined,
    args: ['.', '--lang=de-DE'],
    env: {
      ...process.env,
      TOLLGATE_E2E: '1',
      TOLLGATE_USER_DATA: mkdtempSync(join(tmpdir(), 'tollgate-e2e-')),
      LANG: 'de_DE.UTF-8',
    },
  });
  apps.push(app);
  const page = await app.firstWindow();
  await signIn(page, who, pbx);
  return { app, page };
}

function trayStatus(phone: ElectronPhone): Promise<DesktopStatus | null> {
  return phone.app.evaluate(() => (globalThis as HookGlobal).__tollgateTestHooks?.trayStatus() ?? null);
}

async function sendCommand(phone: ElectronPhone, command: DesktopCommand): Promise<void> {
  await phone.app.evaluate((_electron, sent) => {
    (globalThis as HookGlobal).__tollgateTestHooks?.sendDesktopCommand(sent);
  }, command);
}

function windowState(phone: ElectronPhone) {
  return phone.app.evaluate(({ BrowserWindow }) => {
    const window = BrowserWindow.getAllWindows()[0];
    return window
      ? { minimized: window.isMinimized(), visible: window.isVisible(), focused: window.isFocused() }
      : null;
  });
}

// Breaks when the tray stops following the renderer's status (registration, DND, ringing, call),
// when an incoming call does not raise the window (or main refuses the raise while it rings), or
// when the main process's answer/hang-up commands do not reach the call.
test('incoming call raises the window; the tray follows; answer and hang-up from the main process', async ({
  pbx,
}) => {
  test.setTimeout(180_000);
  const a = await electronPhone(pbx.target, PHONES.a);
  await expect.poll(async () => (await trayStatus(a))?.text.status).toBe(`Angemeldet als ${PHONES.a.number}`);
  expect((await trayStatus(a))?.state).toBe('registered');

  // DND from the header: the tray says it beside the registration; off again before the call.
  await a.page.getByTestId('dnd-toggle').click();
  await expect.poll(async () => (await trayStatus(a))?.doNotDisturb).toBe(true);
  expect((await trayStatus(a))?.text.status).toBe(`Angemeldet als ${PHONES.a.number} – Nicht stören`);
  // The tray's DND entry sends toggle-dnd through main, as the menu does.
  await sendCommand(a, 'toggle-dnd');
  await expect(a.page.getByTestId('dnd-toggle')).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(async () => (await trayStatus(a))?.doNotDisturb).toBe(false);

  await a.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.minimize());
  await expect.poll(async () => (await windowState(a))?.minimized).toBe(true);

  const b = await electronPhone(pbx.target, PHONES.b);
  await b.page.getByRole('tab', { name: 'Telefon' }).click();
  await b.page.getByLabel(/^Rufnummer$/).fill(PHONES.a.number);
  await b.page.getByRole('button', { name: /^Anrufen$/ }).click();

  await expect.poll(async () => (await trayStatus(a))?.state, { timeout: 30_000 }).toBe('ringing');
  expect((await trayStatus(a))?.text.status).toBe('Eingehender Anruf');
  await expect
    .poll(async () => windowState(a), { timeout: 20_000 })
    .toMatchObject({ minimized: false, visible: true });

  await sendCommand(a, 'answer');
  await expect(a.page.getByTestId('call-phase')).toContainText(/verbunden/i, { timeout: 20_000 });
  await expect.poll(async () => (await trayStatus(a))?.state).toBe('in-call');

  await sendCommand(a, 'hang-up');
  await expect(b.page.getByTestId('call-outcome')).toBeVisible({ timeout: 20_000 });
  await expect.poll(async () => (await trayStatus(a))?.state, { timeout: 20_000 }).toBe('registered');
});
