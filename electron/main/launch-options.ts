/**
 * The environment switches of the main process. They exist for development and tests only: a
 * packaged build (`app.isPackaged`) ignores every one of them, so an installed Tollgate can neither be
 * pointed at another renderer, another settings folder or a provisioned account, nor be told to
 * accept media prompts by itself.
 */
export interface LaunchOptions {
  /** TOLLGATE_DEV_SERVER_URL: load the renderer from Vite's dev server (npm run dev). */
  devServerUrl: string | null;
  /** TOLLGATE_USER_DATA: another settings folder (end-to-end tests, npm run demo:two). */
  userDataDirectory: string | null;
  /** TOLLGATE_PROVISION: an account to set up when none is (npm start's demo). */
  provisioning: string | null;
  /** Chromium switches for TOLLGATE_E2E=1: fake microphone, media prompts accepted, autoplay. */
  chromiumSwitches: readonly (readonly [name: string, value?: string])[];
  /** TOLLGATE_E2E=1: the main process's test hooks (test-hooks.ts) for the end-to-end tests. */
  testHooks: boolean;
}

export const E2E_CHROMIUM_SWITCHES = [
  ['use-fake-ui-for-media-stream'],
  ['use-fake-device-for-media-stream'],
  ['autoplay-policy', 'no-user-gesture-required'],
] as const;

export function readLaunchOptions(
  environment: Readonly<Record<string, string | undefined>>,
  isPackaged: boolean,
): LaunchOptions {
  if (isPackaged)
    return {
      devServerUrl: null,
      userDataDirectory: null,
      provisioning: null,
      chromiumSwitches: [],
      testHooks: false,
    };
  const value = (name: string) => environment[name] || null;
  return {
    devServerUrl: value('TOLLGATE_DEV_SERVER_URL'),
    userDataDirectory: value('TOLLGATE_USER_DATA'),
    provisioning: value('TOLLGATE_PROVISION'),
    chromiumSwitches: environment['TOLLGATE_E2E'] === '1' ? E2E_CHROMIUM_SWITCHES : [],
    testHooks: environment['TOLLGATE_E2E'] === '1',
  };
}
