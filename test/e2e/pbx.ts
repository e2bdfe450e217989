import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { PbxApiClient } from '../support/pbx-api-client';
import { typeSecrets } from './secret-typing';

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

/** Where a phone signs in: the run's PBX (above) or a PBX instance of the worker (pbx-instance.ts). */
export interface PbxTarget {
  sipWebSocketUrl: string;
  /** null: the PBX has no policy API (the field stays empty). */
  apiUrl: string | null;
  domain: string;
}

export interface Account {
  number: string;
  password: string;
  pin: string;
  /** The digest user name where it differs from the SIP user. */
  authUser?: string;
}

/** `user:password[:pin]` from the environment, or the demo company's value. */
function account(variable: string, fallback: Account): Account {
  const value = env[variable];
  if (!value) return fallback;
  const [number = '', password = '', pin = ''] = value.split(':');
  return { number, password, pin };
}

function credentials(variable: string, fallback: { username: string; password: string } | null) {
  const value = env[variable];
  if (!value) return fallback;
  const [username = '', password = ''] = value.split(':');
  return { username, password };
}

export const EXTENSIONS = {
  /** PIN protection available and IVR authentication active. */
  protected: account('TOLLGATE_QA_PROTECTED', { number: '201', password: 'demo-pass-201', pin: '471108' }),
  /** PIN protection available, IVR authentication off; the admin test switches it on and off again. */
  available: account('TOLLGATE_QA_AVAILABLE', { number: '202', password: 'demo-pass-202', pin: '' }),
  /** Product without PIN protection. */
  notEntitled: account('TOLLGATE_QA_NOT_ENTITLED', { number: '203', password: 'demo-pass-203', pin: '' }),
  /** Another protected extension, for the wrong-PIN test (keeps the first one unlocked). */
  addOn: account('TOLLGATE_QA_PROTECTED_2', { number: '204', password: 'demo-pass-204', pin: '258025' }),
};

/** The two phones of the PBX-neutral specs (pbx-neutral.spec.ts); B is also registered on two devices. */
export const PHONES = {
  a: account('TOLLGATE_QA_PHONE_A', { number: '202', password: 'demo-pass-202', pin: '' }),
  b: account('TOLLGATE_QA_PHONE_B', { number: '203', password: 'demo-pass-203', pin: '' }),
  /** The third phone of the second-line and transfer specs (a colleague who calls or is called). */
  c: account('TOLLGATE_QA_PHONE_C', { number: '204', password: 'demo-pass-204', pin: '' }),
};

export const ADMIN = credentials(
  'TOLLGATE_QA_ADMIN',
  USING_EMBEDDED_PBX ? { username: 'admin', password: 'admin-demo-pass' } : null,
);
/** The test PBX's provider account reads what the simulated far end received; other PBXes have none. */
export const PROVIDER = credentials(
  'TOLLGATE_QA_PROVIDER',
  USING_EMBEDDED_PBX ? { username: 'provider', password: 'provider-demo-pass' } : null,
);

/**
 * A number a spec dials: from the environment, or — only with the embedded test PBX — a number that
 * exists there and nowhere else matters (the test PBX has no trunk). Against any other PBX a number
 * without its variable is null and the spec that needs it skips: a default could be a real call there.
 */
function number(variable: string, testPbxDefault: string): string | null {
  return env[variable] || (USING_EMBEDDED_PBX ? testPbxDefault : null);
}

export const NUMBERS = {
  /** A paid outside number behind the PIN (the far end must answer). */
  paid: number('TOLLGATE_QA_PAID_NUMBER', '030 1234567'),
  /** A paid outside number for the wrong-PIN test; never reached (the PIN fails first). */
  wrongPin: number('TOLLGATE_QA_WRONG_PIN_NUMBER', '+44 20 7946 0000'),
  /** An outside number the not-entitled extension reaches without a PIN (it must answer). */
  direct: number('TOLLGATE_QA_DIRECT_NUMBER', '030 7654321'),
  /** An IVR application without PIN that answers and hangs up by itself (voicemail, empty box). */
  voicemail: number('TOLLGATE_QA_VOICEMAIL', '*98'),
  /** A service whose media the PBX itself carries (echo test): the restart-mid-call media test. */
  echo: number('TOLLGATE_QA_ECHO', '*43'),
};

/** A new unlock code the admin test sets on TOLLGATE_QA_AVAILABLE (a secret like any PIN). */
export const NEW_UNLOCK_CODE = env['TOLLGATE_QA_NEW_UNLOCK_CODE'] || '97531';

// — capabilities —

export type Capability = 'policy' | 'pin' | 'admin' | 'far-end';

const CAPABILITY_NEEDS: Record<Capability, string> = {
  policy:
    "Tollgate's policy API (TOLLGATE_QA_CAPABILITIES=policy, or an API that answers at TOLLGATE_PBX_API_URL)",
  pin: 'a PIN IVR guarding paid calls (TOLLGATE_QA_CAPABILITIES=pin)',
  admin: 'the admin API and an admin account (TOLLGATE_QA_CAPABILITIES=admin and TOLLGATE_QA_ADMIN)',
  'far-end': "a view of what the far end received (the test PBX's provider account, TOLLGATE_QA_PROVIDER)",
};

let discovered: Promise<Set<Capability>> | null = null;

/**
 * What the PBX under test can do: `TOLLGATE_QA_CAPABILITIES` (comma-separated), else everything with
 * the embedded test PBX, else discovered: a policy API that answers its health check means `policy`
 * and `pin`; `admin` and `far-end` also need their accounts.
 */
export function capabilities(): Promise<Set<Capability>> {
  discovered ??= (async () => {
    const listed = env['TOLLGATE_QA_CAPABILITIES'];
    if (listed !== undefined) {
      return new Set(
        listed
          .split(',')
          .map((item) => item.trim())
          .filter((item): item is Capability => item in CAPABILITY_NEEDS),
      );
    }
    if (USING_EMBEDDED_PBX) return new Set<Capability>(['policy', 'pin', 'admin', 'far-end']);
    const found = new Set<Capability>();
    try {
      const health = await fetch(`${PBX.apiUrl}/health`, { signal: AbortSignal.timeout(3_000) });
      if (health.ok) found.add('policy').add('pin');
    } catch {
      // No policy API at that address: a PBX without Tollgate's API.
    }
    if (found.has('policy') && ADMIN) found.add('admin');
    if (found.has('policy') && PROVIDER) found.add('far-end');
    return found;
  })();
  return discovered;
}

/** Skips the running test, saying which capability this PBX lacks and how to provide it. */
export async function requireCapabilities(...needed: Capability[]): Promise<void> {
  const available = await capabilities();
  for (const capability of needed) {
    // A spec needing what this PBX lacks (policy API, PIN IVR, admin API) is skipped with that reason: QA runs it against any PBX.
    test.skip(!available.has(capability), `This PBX lacks ${CAPABILITY_NEEDS[capability]}.`);
  }
}

/** Skips the running test when a number it dials is not configured for this PBX. */
export function requireNumber(value: string | null, variable: string, what: string): string {
  // Skipped when QA named no such number for this PBX (docs/qa.md lists the variables).
  test.skip(value === null, `No ${what} for this PBX: set ${variable} (docs/qa.md).`);
  return value ?? '';
}

// — signing in —

/**
 * Sets up the account in the Konto tab and waits until the phone is registered. The password is
 * typed by a page-side function that fetches it from the test process (secret-typing.ts), so it
 * never appears in a step title, a trace, the report or a log.
 */
export async function signIn(page: Page, who: Account, target: PbxTarget = PBX): Promise<void> {
  await page.getByRole('tab', { name: /Konto|Account/ }).click();
  await page.getByLabel(/SIP-WebSocket-Adresse|SIP WebSocket address/).fill(target.sipWebSocketUrl);
  await page.getByLabel(/^(Durchwahl|Extension)$/).fill(who.number);
  await page.getByText(/^(Erweitert|Advanced)$/).click();
  if (target.domain) await page.getByLabel(/SIP-Domain|SIP domain/).fill(target.domain);
  if (who.authUser) await page.getByLabel(/Anmeldename|Authentication user/).fill(who.authUser);
  await page.getByLabel(/Richtlinien-API|Policy API/).fill(target.apiUrl ?? '');
  await typeSecrets(page, {
    fields: [{ locator: page.getByLabel(/^(Passwort|Password)$/), secret: who.password }],
    submit: page.getByRole('button', { name: /^(Speichern|Save)$/ }),
  });
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
  if (!PROVIDER || !(await capabilities()).has('far-end')) return null;
  const provider = await PbxApiClient.signIn(PBX.apiUrl, 'provider', PROVIDER.username, PROVIDER.password);
  const calls = (await provider.request('GET', '/provider/pstn-calls')).body as unknown as FarEndCall[];
  return calls.filter((call) => call.caller === caller);
}
