import { z } from 'zod';

/**
 * The settings document: the single source of truth for both the electron-store JSON schema
 * (generated from these zod schemas) and the renderer's validation.
 *
 * Error messages are i18n keys (`errors.*`), translated by the renderer.
 */
export const SETTINGS_SCHEMA_VERSION = 3;

/**
 * RFC 3261 §25.1 `user`: 1*( unreserved / escaped / user-unreserved ) — `alice`, `201`,
 * `493012345`, `+4930123`. No `@` or `:` (they end the user part), no spaces.
 */
export const SIP_USER_PART = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;

/**
 * A digest user name (RFC 3261 §22.4 / RFC 7616 `username` quoted-string): printable characters
 * without space, quote or backslash, so it never needs escaping — e.g. `alice`, `201`,
 * `alice@example.com`.
 */
export const AUTH_USER_NAME = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

const wsUrl = z
  .string()
  .trim()
  .min(1, 'errors.required')
  .refine((value) => isUrlWithProtocol(value, ['ws:', 'wss:']), 'errors.wsUrl');

const httpUrlOrEmpty = z
  .string()
  .trim()
  .refine((value) => value === '' || isUrlWithProtocol(value, ['http:', 'https:']), 'errors.httpUrl');

export const AccountSchema = z.object({
  /** SIP over WebSocket endpoint of the PBX, e.g. wss://pbx.example.com:8089/ws */
  sipWebSocketUrl: wsUrl,
  /** SIP domain of the account; empty means the host of the WebSocket URL. */
  sipDomain: z
    .string()
    .trim()
    .refine((value) => value === '' || /^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(value), 'errors.sipDomain')
    .default(''),
  /** Base URL of the PBX's policy/admin API; empty when the PBX has none. */
  policyApiUrl: httpUrlOrEmpty.default(''),
  /**
   * The account's SIP user (the extension, Durchwahl): any SIP user part, e.g. `201` or `alice`.
   * It is the user of the address the phone registers (sip:<extension>@<domain>).
   */
  extension: z
    .string()
    .trim()
    .min(1, 'errors.required')
    .max(64, 'errors.extension')
    .regex(SIP_USER_PART, 'errors.extension'),
  /** Digest user name for authentication (when the PBX's differs from the SIP user); empty means the SIP user. */
  authUsername: z
    .string()
    .trim()
    .refine(
      (value) => value === '' || (value.length <= 128 && AUTH_USER_NAME.test(value)),
      'errors.authUsername',
    )
    .default(''),
  displayName: z.string().trim().max(64, 'errors.displayName').default(''),
});
export type Account = z.output<typeof AccountSchema>;
export type AccountInput = z.input<typeof AccountSchema>;

export const LanguageSchema = z.enum(['system', 'de', 'en']);
export type LanguagePreference = z.output<typeof LanguageSchema>;

/** Ring tones the app ships (resources/tones); `classic` is the default. */
export const RING_TONES = ['classic', 'soft', 'digital'] as const;
export const RingToneSchema = z.enum(RING_TONES);
export type RingTone = z.output<typeof RingToneSchema>;

// Version 3 brings the ringer device back, now used: the ring tone plays there (issue #13). A
// `ringerDeviceId` from a version 1 or 2 file did nothing then and is dropped by the 2 -> 3 migration.
export const AudioSettingsSchema = z.object({
  inputDeviceId: z.string().nullable().default(null),
  outputDeviceId: z.string().nullable().default(null),
  /** Where the ring tone plays; null = the output device. */
  ringerDeviceId: z.string().nullable().default(null),
  /** Call audio volume, 0 to 1. */
  outputVolume: z.number().min(0).max(1).default(1),
  ringTone: RingToneSchema.default('classic'),
});
export type AudioSettings = z.output<typeof AudioSettingsSchema>;

/** How the phone treats incoming calls (issue #13). */
export const CallHandlingSchema = z.object({
  /** A second incoming call during a call rings softly (call waiting); off = refused with 486, logged. */
  callWaiting: z.boolean().default(true),
  /** Do not disturb: incoming calls are refused (486) and logged as such. */
  doNotDisturb: z.boolean().default(false),
  /** Answer calls from other extensions of the PBX by themselves (never external callers). */
  autoAnswerInternal: z.boolean().default(false),
});
export type CallHandling = z.output<typeof CallHandlingSchema>;

export const ThemeSchema = z.enum(['system', 'light', 'dark']);
export type ThemePreference = z.output<typeof ThemeSchema>;

/** An Electron accelerator such as `CommandOrControl+Shift+A` (validated loosely; Electron decides). */
const AcceleratorSchema = z
  .string()
  .trim()
  .min(1, 'errors.hotkey')
  .max(64, 'errors.hotkey')
  .regex(/^[\w+]+$/, 'errors.hotkey');

export const DesktopSettingsSchema = z.object({
  theme: ThemeSchema.default('system'),
  /** Global hotkeys to answer and hang up; off by default (they act while another app has focus). */
  hotkeys: z
    .object({
      enabled: z.boolean().default(false),
      answer: AcceleratorSchema.default('CommandOrControl+Shift+A'),
      hangUp: AcceleratorSchema.default('CommandOrControl+Shift+H'),
    })
    .prefault({}),
  /** Bring the window to the front when a call comes in. */
  raiseOnIncomingCall: z.boolean().default(true),
});
export type DesktopSettings = z.output<typeof DesktopSettingsSchema>;

/** A local favourite in the directory: a number (or SIP URI) and an optional name. */
export const FavouriteSchema = z.object({
  target: z.string().trim().min(1).max(256),
  name: z.string().trim().max(64).default(''),
});
export type Favourite = z.output<typeof FavouriteSchema>;

export const IceSettingsSchema = z.object({
  /** STUN/TURN URLs. Empty by default: no public STUN server is ever contacted unless configured. */
  servers: z
    .array(z.string().regex(/^(stun|stuns|turn|turns):[^\s]+$/, 'errors.iceServer'))
    .max(8)
    .default([]),
});

export const WindowStateSchema = z.object({
  width: z.number().int().min(320).max(10000).default(420),
  height: z.number().int().min(480).max(10000).default(720),
  x: z.number().int().nullable().default(null),
  y: z.number().int().nullable().default(null),
  maximized: z.boolean().default(false),
});
export type WindowState = z.output<typeof WindowStateSchema>;

/** What the renderer sees. Secrets are never part of it. */
export const SettingsSchema = z.object({
  schemaVersion: z.literal(SETTINGS_SCHEMA_VERSION),
  account: AccountSchema.nullable().default(null),
  language: LanguageSchema.default('system'),
  audio: AudioSettingsSchema.prefault({}),
  ice: IceSettingsSchema.prefault({}),
  window: WindowStateSchema.prefault({}),
  calls: CallHandlingSchema.prefault({}),
  desktop: DesktopSettingsSchema.prefault({}),
  favourites: z.array(FavouriteSchema).max(200).default([]),
});
export type Settings = z.output<typeof SettingsSchema>;

/** An encrypted secret as stored on disk: base64 ciphertext plus how it was made. */
export const SealedSecretSchema = z.object({
  scheme: z.enum(['electron-safe-storage', 'webcrypto-aes-gcm']),
  data: z.string().min(1),
});
export type SealedSecret = z.output<typeof SealedSecretSchema>;

/** What is on disk: the settings plus sealed secrets. */
export const StoredSettingsSchema = SettingsSchema.extend({
  secrets: z
    .object({
      sipPassword: SealedSecretSchema.nullable().default(null),
    })
    .prefault({}),
});
export type StoredSettings = z.output<typeof StoredSettingsSchema>;

/** The parts of the settings the renderer may change without going through account setup. */
// No defaults in a patch: zod applies defaults even inside .partial(), which would reset every field
// the patch does not name.
export const PreferencesPatchSchema = z
  .object({
    language: LanguageSchema,
    audio: z
      .object({
        inputDeviceId: z.string().nullable(),
        outputDeviceId: z.string().nullable(),
        ringerDeviceId: z.string().nullable(),
        outputVolume: z.number().min(0).max(1),
        ringTone: RingToneSchema,
      })
      .partial()
      .strict(),
    ice: z.object({ servers: IceSettingsSchema.shape.servers.removeDefault() }).strict(),
    calls: z
      .object({ callWaiting: z.boolean(), doNotDisturb: z.boolean(), autoAnswerInternal: z.boolean() })
      .partial()
      .strict(),
    desktop: z
      .object({
        theme: ThemeSchema,
        hotkeys: z
          .object({ enabled: z.boolean(), answer: AcceleratorSchema, hangUp: AcceleratorSchema })
          .partial()
          .strict(),
        raiseOnIncomingCall: z.boolean(),
      })
      .partial()
      .strict(),
    favourites: z
      .array(z.object({ target: FavouriteSchema.shape.target, name: z.string().trim().max(64) }).strict())
      .max(200),
  })
  .partial()
  .strict();
export type PreferencesPatch = z.input<typeof PreferencesPatchSchema>;

export function defaultStoredSettings(): StoredSettings {
  return StoredSettingsSchema.parse({ schemaVersion: SETTINGS_SCHEMA_VERSION });
}

export function publicSettings(stored: StoredSettings): Settings {
  const { secrets: _secrets, ...settings } = stored;
  return settings;
}

/** The origins the renderer must be allowed to connect to (for the CSP's connect-src). */
export function accountOrigins(account: Account | null): string[] {
  if (!account) return [];
  const origins = [new URL(account.sipWebSocketUrl).origin];
  if (account.policyApiUrl) origins.push(new URL(account.policyApiUrl).origin);
  return origins;
}

function isUrlWithProtocol(value: string, protocols: string[]): boolean {
  try {
    const url = new URL(value);
    return (
      protocols.includes(url.protocol) && url.hostname !== '' && url.username === '' && url.password === ''
    );
  } catch {
    return false;
  }
}
