import { z } from 'zod';
import { DialTargetSchema, type DialTarget } from '../links/dial-link';
import type { Result } from '../result';
import { AccountSchema, PreferencesPatchSchema, SettingsSchema } from '../settings/schema';
import type { HostMethodName } from './channels';

/**
 * The one API the renderer may use, as data: every method's input and output schema.
 * The Electron preload and the browser host both implement exactly this; the main process and
 * the browser host both validate inputs and outputs against it (outputs are parsed too, so a
 * field that is not in the schema — a secret, say — can never cross the boundary).
 */
export const SecretStorageLevelSchema = z.enum(['os', 'weak', 'unavailable']);
export type SecretStorageLevel = z.output<typeof SecretStorageLevelSchema>;

export const StartupNoticeSchema = z.object({
  kind: z.enum(['settings-corrupt', 'settings-from-newer-version', 'settings-unwritable']),
  /** Where the unreadable file was moved, so nothing is lost. */
  movedTo: z.string().nullable(),
});
export type StartupNotice = z.output<typeof StartupNoticeSchema>;

export const AppInfoSchema = z.object({
  productName: z.string(),
  version: z.string(),
  host: z.enum(['electron', 'browser']),
  platform: z.string(),
  /** Preferred system languages, best first (BCP 47). */
  systemLocales: z.array(z.string()),
  secretStorage: SecretStorageLevelSchema,
  notices: z.array(StartupNoticeSchema),
});
export type AppInfo = z.output<typeof AppInfoSchema>;

export const PasswordStateSchema = z.enum(['none', 'saved', 'session-only']);
export type PasswordState = z.output<typeof PasswordStateSchema>;

export const SettingsViewSchema = z.object({
  settings: SettingsSchema,
  passwordState: PasswordStateSchema,
});
export type SettingsView = z.output<typeof SettingsViewSchema>;

export const SaveAccountInputSchema = z.object({
  account: AccountSchema,
  /** Omitted: keep the saved password. */
  password: z.string().min(1, 'errors.passwordRequired').max(128, 'errors.passwordTooLong').optional(),
});
export type SaveAccountInput = z.input<typeof SaveAccountInputSchema>;

const noInput = z.undefined();

export const hostMethods = {
  getAppInfo: { input: noInput, output: AppInfoSchema },
  getSettings: { input: noInput, output: SettingsViewSchema },
  updatePreferences: { input: PreferencesPatchSchema, output: SettingsViewSchema },
  saveAccount: { input: SaveAccountInputSchema, output: SettingsViewSchema },
  clearAccount: { input: noInput, output: SettingsViewSchema },
  getSipPassword: { input: noInput, output: z.string().nullable() },
  takePendingDialLink: { input: noInput, output: DialTargetSchema.nullable() },
} as const satisfies Record<HostMethodName, { input: z.ZodType; output: z.ZodType }>;

type Methods = typeof hostMethods;
type InputOf<K extends HostMethodName> = z.input<Methods[K]['input']>;
export type HostOutput<K extends HostMethodName> = z.output<Methods[K]['output']>;
type ArgsOf<K extends HostMethodName> = InputOf<K> extends undefined ? [] : [input: InputOf<K>];

/** What the renderer holds: one async function per method, plus event subscriptions. */
export type HostApi = {
  readonly [K in HostMethodName]: (...args: ArgsOf<K>) => Promise<Result<HostOutput<K>>>;
} & {
  /** Called when a `tel:`/`sip:` link is opened while the app runs. Returns an unsubscribe function. */
  onDialLinkOpened(listener: (target: DialTarget) => void): () => void;
  /**
   * Runs `prepare` (hang up, unregister) when the host is about to quit; the host waits for it a
   * bounded time. Only hosts that quit have it (Electron); the browser has pagehide.
   */
  onPrepareQuit?(prepare: () => Promise<void>): () => void;
};

/** What a host implements: plain async functions on validated input; they throw HostFailure. */
export type HostHandlers = {
  readonly [K in HostMethodName]: (input: z.output<Methods[K]['input']>) => Promise<HostOutput<K>>;
};
