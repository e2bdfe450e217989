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

/** What the tray shows (Electron); the renderer knows the language, so it sends the words too. */
export const DesktopStatusSchema = z
  .object({
    state: z.enum(['registered', 'offline', 'ringing', 'in-call']),
    doNotDisturb: z.boolean(),
    text: z
      .object({
        /** The status line, e.g. "Registered as 201 — do not disturb". */
        status: z.string().max(160),
        doNotDisturb: z.string().max(80),
        show: z.string().max(80),
        quit: z.string().max(80),
      })
      .strict(),
  })
  .strict();
export type DesktopStatus = z.output<typeof DesktopStatusSchema>;

/**
 * One global hotkey's fate: `registered`; `taken` (another application or the system holds the
 * combination); `invalid` (not a combination with a modifier and one key, or Electron refused it);
 * `duplicate`; `off` (hotkeys disabled);
 * `unsupported` (the browser host has no global hotkeys).
 */
export const HotkeyOutcomeSchema = z.enum([
  'registered',
  'taken',
  'invalid',
  /** The same combination as the other hotkey (only the first of the two gets it). */
  'duplicate',
  'off',
  'unsupported',
]);
export type HotkeyOutcome = z.output<typeof HotkeyOutcomeSchema>;
export const HotkeyRegistrationSchema = z.object({
  answer: HotkeyOutcomeSchema,
  hangUp: HotkeyOutcomeSchema,
});
export type HotkeyRegistration = z.output<typeof HotkeyRegistrationSchema>;

/** What the tray or a hotkey asks the renderer to do. */
export const DesktopCommandSchema = z.enum(['answer', 'hang-up', 'toggle-dnd']);
export type DesktopCommand = z.output<typeof DesktopCommandSchema>;

const noInput = z.undefined();

export const hostMethods = {
  getAppInfo: { input: noInput, output: AppInfoSchema },
  getSettings: { input: noInput, output: SettingsViewSchema },
  updatePreferences: { input: PreferencesPatchSchema, output: SettingsViewSchema },
  saveAccount: { input: SaveAccountInputSchema, output: SettingsViewSchema },
  clearAccount: { input: noInput, output: SettingsViewSchema },
  getSipPassword: { input: noInput, output: z.string().nullable() },
  takePendingDialLink: { input: noInput, output: DialTargetSchema.nullable() },
  /** Tray icon, tooltip and menu (Electron); the browser host has no tray (its header shows DND). */
  setDesktopStatus: { input: DesktopStatusSchema, output: z.null() },
  /** Brings the window to the front (incoming call); false where the host cannot (browser). */
  raiseWindow: { input: noInput, output: z.boolean() },
  /** (Re-)registers the global hotkeys from the saved settings (no input: only what is saved counts). */
  applyHotkeys: { input: noInput, output: HotkeyRegistrationSchema },
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
  /** Tray menu and global hotkeys (Electron only). Returns an unsubscribe function. */
  onDesktopCommand?(listener: (command: DesktopCommand) => void): () => void;
};

/** What a host implements: plain async functions on validated input; they throw HostFailure. */
export type HostHandlers = {
  readonly [K in HostMethodName]: (input: z.output<Methods[K]['input']>) => Promise<HostOutput<K>>;
};
