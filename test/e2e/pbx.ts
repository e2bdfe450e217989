import type { Page } from '@playwright/test';
import { expect } from './fixtures';

/** Where the end-to-end PBX runs (started by playwright.config.ts). */
export const PBX_PORT = Number(process.env['TOLLGATE_E2E_PBX_PORT'] ?? 5199);
export const PBX = {
  sipWebSocketUrl: `ws://127.0.0.1:${PBX_PORT}/ws`,
  apiUrl: `http://127.0.0.1:${PBX_PORT}/api/v1`,
};

export const EXTENSIONS = {
  protected: { number: '201', password: 'demo-pass-201', pin: '471108' },
  available: { number: '202', password: 'demo-pass-202' },
  notEntitled: { number: '203', password: 'demo-pass-203' },
  addOn: { number: '204', password: 'demo-pass-204', pin: '258025' },
} as const;
export const ADMIN = { username: 'admin', password: 'admin-demo-pass' };
export const PROVIDER = { username: 'provider', password: 'provider-demo-pass' };

/** Sets up the account in the Konto tab (German UI) and waits until the phone is registered. */
export async function signIn(page: Page, extension: { number: string; password: string }): Promise<void> {
  await page.getByRole('tab', { name: /Konto|Account/ }).click();
  await page.getByLabel(/SIP-WebSocket-Adresse|SIP WebSocket address/).fill(PBX.sipWebSocketUrl);
  await page.getByLabel(/^(Durchwahl|Extension)$/).fill(extension.number);
  await page.getByLabel(/^(Passwort|Password)$/).fill(extension.password);
  await page.getByText(/^(Erweitert|Advanced)$/).click();
  await page.getByLabel(/Richtlinien-API|Policy API/).fill(PBX.apiUrl);
  await page.getByRole('button', { name: /^(Speichern|Save)$/ }).click();
  await expect(page.getByTestId('registration-state')).toHaveText(
    new RegExp(`(Angemeldet als|Registered as) ${extension.number}`),
  );
}
