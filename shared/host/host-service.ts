import type {
  AppInfo,
  DesktopStatus,
  HostHandlers,
  HotkeyRegistration,
  PasswordState,
  SecretStorageLevel,
  SettingsView,
} from '../ipc/contract';
import { HostFailure } from '../ipc/dispatch';
import type { DialTarget } from '../links/dial-link';
import type { DesktopSettings, SealedSecret, StoredSettings } from '../settings/schema';
import { publicSettings } from '../settings/schema';

/**
 * The host's behaviour, written once over injected storage so the Electron main process and the
 * browser host are the same program with different edges (electron-store + safeStorage there,
 * localStorage + WebCrypto here).
 */
export interface SettingsRepository {
  read(): StoredSettings;
  /** Throws when the settings cannot be written (disk full, read-only); nothing is half-written. */
  write(next: StoredSettings): void;
}

export interface SecretSealer {
  level(): Promise<SecretStorageLevel>;
  seal(plainText: string): Promise<SealedSecret>;
  /** `shouldReseal`: the key was rotated; seal the plain text again. Throws when it cannot decrypt. */
  unseal(sealed: SealedSecret): Promise<{ plainText: string; shouldReseal: boolean }>;
}

/** The desktop around the window: tray, raising the window, global hotkeys (Electron; the browser has none). */
export interface DesktopShell {
  setStatus(status: DesktopStatus): void;
  /** True when the window was brought to the front. */
  raiseWindow(): boolean;
  applyHotkeys(hotkeys: DesktopSettings['hotkeys']): HotkeyRegistration;
}

/** A host without a desktop around it: no tray, no raising, no global hotkeys (the browser host). */
export const NO_DESKTOP_SHELL: DesktopShell = {
  setStatus: () => {},
  raiseWindow: () => false,
  applyHotkeys: (hotkeys) =>
    hotkeys.enabled ? { answer: 'unsupported', hangUp: 'unsupported' } : { answer: 'off', hangUp: 'off' },
};

export interface HostEnvironment {
  appInfo(secretStorage: SecretStorageLevel): AppInfo;
  takePendingDialLink(): DialTarget | null;
  desktop?: DesktopShell;
}

export function createHostHandlers(
  repository: SettingsRepository,
  sealer: SecretSealer,
  environment: HostEnvironment,
): HostHandlers {
  const desktop = environment.desktop ?? NO_DESKTOP_SHELL;
  /** Where no secret storage exists the password lives only in memory, for this run. */
  let sessionOnlyPassword: string | null = null;

  const passwordState = (stored: StoredSettings): PasswordState => {
    if (stored.secrets.sipPassword) return 'saved';
    return sessionOnlyPassword === null ? 'none' : 'session-only';
  };
  const view = (stored: StoredSettings): SettingsView => ({
    settings: publicSettings(stored),
    passwordState: passwordState(stored),
  });
  const write = (next: StoredSettings): void => {
    try {
      repository.write(next);
    } catch (error) {
      throw new HostFailure(
        'settings-unwritable',
        `Settings could not be saved: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };

  return {
    getAppInfo: async () => environment.appInfo(await sealer.level()),

    getSettings: async () => view(repository.read()),

    updatePreferences: async (patch) => {
      const current = repository.read();
      const next: StoredSettings = {
        ...current,
        language: patch.language ?? current.language,
        audio: { ...current.audio, ...patch.audio },
        ice: patch.ice ?? current.ice,
        calls: { ...current.calls, ...patch.calls },
        desktop: {
          ...current.desktop,
          ...patch.desktop,
          hotkeys: { ...current.desktop.hotkeys, ...patch.desktop?.hotkeys },
        },
        favourites: patch.favourites ?? current.favourites,
      };
      write(next);
      return view(next);
    },

    saveAccount: async ({ account, password }) => {
      const current = repository.read();
      if (password === undefined && passwordState(current) === 'none') {
        throw new HostFailure('invalid-input', 'A password is required', {
          password: 'errors.passwordRequired',
        });
      }
      let secrets = current.secrets;
      if (password !== undefined) {
        if ((await sealer.level()) === 'unavailable') {
          sessionOnlyPassword = password;
          secrets = { ...secrets, sipPassword: null };
        } else {
          secrets = { ...secrets, sipPassword: await sealer.seal(password) };
          sessionOnlyPassword = null;
        }
      }
      const next: StoredSettings = { ...current, account, secrets };
      write(next);
      return view(next);
    },

    clearAccount: async () => {
      const current = repository.read();
      sessionOnlyPassword = null;
      const next: StoredSettings = {
        ...current,
        account: null,
        secrets: { ...current.secrets, sipPassword: null },
      };
      write(next);
      return view(next);
    },

    getSipPassword: async () => {
      const current = repository.read();
      const sealed = current.secrets.sipPassword;
      if (!sealed) return sessionOnlyPassword;
      let unsealed: { plainText: string; shouldReseal: boolean };
      try {
        unsealed = await sealer.unseal(sealed);
      } catch {
        throw new HostFailure(
          'secret-unreadable',
          'The saved SIP password could not be decrypted (the system key store changed)',
        );
      }
      if (unsealed.shouldReseal) {
        write({
          ...current,
          secrets: { ...current.secrets, sipPassword: await sealer.seal(unsealed.plainText) },
        });
      }
      return unsealed.plainText;
    },

    takePendingDialLink: async () => environment.takePendingDialLink(),

    setDesktopStatus: async (status) => {
      desktop.setStatus(status);
      return null;
    },

    raiseWindow: async () => desktop.raiseWindow(),

    applyHotkeys: async () => desktop.applyHotkeys(repository.read().desktop.hotkeys),
  };
}
