import { describe, expect, it } from 'vitest';
import { E2E_CHROMIUM_SWITCHES, readLaunchOptions } from '../../../electron/main/launch-options';

const everySwitch = {
  TOLLGATE_DEV_SERVER_URL: 'http://127.0.0.1:5173/',
  TOLLGATE_USER_DATA: '/tmp/elsewhere',
  TOLLGATE_PROVISION: '{"account":{}}',
  TOLLGATE_E2E: '1',
};

describe('launch options', () => {
  it('honours the test and development switches in an unpackaged build', () => {
    expect(readLaunchOptions(everySwitch, false)).toEqual({
      devServerUrl: 'http://127.0.0.1:5173/',
      userDataDirectory: '/tmp/elsewhere',
      provisioning: '{"account":{}}',
      chromiumSwitches: E2E_CHROMIUM_SWITCHES,
      testHooks: true,
    });
    expect(E2E_CHROMIUM_SWITCHES.map(([name]) => name)).toContain('use-fake-ui-for-media-stream');
  });

  // Breaks when any switch is read before the isPackaged check (e.g. E2E granting the microphone).
  it('ignores every one of them in a packaged build', () => {
    expect(readLaunchOptions(everySwitch, true)).toEqual({
      devServerUrl: null,
      userDataDirectory: null,
      provisioning: null,
      chromiumSwitches: [],
      testHooks: false,
    });
  });

  it('has nothing switched on by default', () => {
    expect(readLaunchOptions({ TOLLGATE_E2E: '0', TOLLGATE_USER_DATA: '' }, false)).toEqual({
      devServerUrl: null,
      userDataDirectory: null,
      provisioning: null,
      chromiumSwitches: [],
      testHooks: false,
    });
  });
});
