import type { Page } from '@playwright/test';
import { PbxApiClient } from '../support/pbx-api-client';
import { expect } from '@playwright/test';

/**
 * Which PBX the end-to-end specs talk to. By default a fresh test PBX that playwright.config.ts starts
 * for the run; with TOLLGATE_PBX_URL the specs run against any PBX (staging, say). docs/qa.md lists
 * every variable.
 */
const env = process.env;
const embeddedPort = Number(env['TOLLGATE_E2E_PBX_PORT'] ?? 5199);
export const USING_EMBEDDED_PBX = !env['TOLLGATE_PBX_URL'];

const sipWebSocketUrl = env['TOLLGATE_PBX_URL'] ?? `ws://127.0.0.1:${embeddedPort}/ws`;
export const PBX = {
  sipWebSocketUrl,
  apiUrl:
    env['TOLLGATE_PBX_API_URL'] ?? `${sipWebSocketUrl.replace(/^ws/, 'http').replace(/\/ws$/, '')}/api/v1`,
  domain: env['TOLLGATE_PBX_DOMAIN'] ?? '',
};

interface Extension {
  number: string;
  password: string;
  pin: string;
}

/** `number:password[:pin]` from the environment, or the demo company's value. */
function extension(variable: string, fallback: Extension): Extension {
  const value = env[variable];
  if (!value) return fallback;
  const [number = '', password = '', pin = ''] = value.split(':');
  return { number, password, pin };
}

function account(variable: string, fallback: { username: string; password: string } | null) {
  const value = env[variable];
  if (!value) return fallback;
  const [username = '', password = ''] = value.split(':');
  return { username, password };
}

export const EXTENSIONS = {
  /** PIN protection available and IVR authentication active. */
  protected: extension('TOLLGATE_QA_PROTECTED', { number: '201', password: 'demo-pass-201', pin: '471108' }),
  /** PIN protection available, IVR authentication off; the admin test switches it on and off again. */
  available: extension('TOLLGATE_QA_AVAILABLE', { number: '202', password: 'demo-pass-202', pin: '' }),
  /** Product without PIN protection. */
  notEntitled: extension('TOLLGATE_QA_NOT_ENTITLED', { number: '203', password: 'demo-pass-203', pin: '' }),
  /** Another protected extension, for the wrong-PIN test (keeps the first one unlocked). */
  addOn: extension('TOLLGATE_QA_PROTECTED_2', { number: '204', password: 'demo-pass-204', pin: '258025' }),
};
export const ADMIN = account(
  'TOLLGATE_QA_ADMIN',
  USING_EMBEDDED_PBX ? { username: 'admin', password: 'admin-demo-pass' } : null,
);
/** The test PBX's provider account reads what the simulated far end received; other PBXes have none. */
export const PROVIDER = account(
  'TOLLGATE_QA_PROVIDER',
  USING_EMBEDDED_PBX ? { username: 'provider', password: 'provider-demo-pass' } : null,
);
export const PAID_NUMBER = env['TOLLGATE_QA_PAID_NUMBER'] ?? '030 1234567';
export const VOICEMAIL = env['TOLLGATE_QA_VOICEMAIL'] ?? '*98';

/** Sets up the account in the Konto tab and waits until the phone is registered. */
export async function signIn(page: Page, who: { number: string; password: string }): Promise<void> {
  await page.getByRole('tab', { name: /Konto|Account/ }).click();
  await page.getByLabel(/SIP-WebSocket-Adresse|SIP WebSocket address/).fill(PBX.sipWebSocketUrl);
  await page.getByLabel(/^(Durchwahl|Extension)$/).fill(who.number);
  await page.getByLabel(/^(Passwort|Password)$/).fill(who.password);
  await page.getByText(/^(Erweitert|Advanced)$/).click();
  if (PBX.domain) await page.getByLabel(/SIP-Domain|SIP domain/).fill(PBX.domain);
  await page.getByLabel(/Richtlinien-API|Policy API/).fill(PBX.apiUrl);
  await page.getByRole('button', { name: /^(Speichern|Save)$/ }).click();
  await expect(page.getByTestId('registration-state')).toHaveText(
    new RegExp(`(Angemeldet als|Registered as) ${who.number}`),
  );
}

export interface FarEndCall {
  caller: string;
  destination: string;
  answeredAt: number | null;
  dtmfReceived: string;
}

/** What the PSTN far end received (test PBX only); null where the PBX offers no such view. */
export async function farEndCalls(caller: string): Promise<FarEndCall[] | null> {
  if (!PROVIDER) return null;
  const provider = await PbxApiClient.signIn(PBX.apiUrl, 'provider', PROVIDER.username, PROVIDER.password);
  const calls = (await provider.request('GET', '/provider/pstn-calls')).body as unknown as FarEndCall[];
  return calls.filter((call) => call.caller === caller);
}
