import { describe, expect, it, vi } from 'vitest';
import type { HostHandlers } from '../../../shared/ipc/contract';
import { dispatchHostCall, HostFailure } from '../../../shared/ipc/dispatch';
import { defaultStoredSettings } from '../../../shared/settings/schema';

function handlers(overrides: Partial<HostHandlers> = {}): HostHandlers {
  const unexpected = async (): Promise<never> => {
    throw new Error('not expected in this test');
  };
  return {
    getAppInfo: unexpected,
    getSettings: unexpected,
    updatePreferences: unexpected,
    saveAccount: unexpected,
    clearAccount: unexpected,
    getSipPassword: unexpected,
    takePendingDialLink: unexpected,
    setDesktopStatus: unexpected,
    raiseWindow: unexpected,
    applyHotkeys: unexpected,
    ...overrides,
  };
}

describe('dispatchHostCall', () => {
  it('refuses an unknown method, including inherited names', async () => {
    expect(await dispatchHostCall(handlers(), 'deleteEverything', undefined)).toMatchObject({
      ok: false,
      error: { code: 'unknown-method' },
    });
    expect(await dispatchHostCall(handlers(), 'constructor', undefined)).toMatchObject({
      ok: false,
      error: { code: 'unknown-method' },
    });
  });

  it('strips fields the output schema does not name, so secrets cannot leak through a handler', async () => {
    const stored = defaultStoredSettings();
    const leaky = handlers({
      // A buggy handler that returns the stored document, secrets and all.
      getSettings: async () => ({ settings: stored, passwordState: 'saved', secret: 'x' }) as never,
    });
    const result = await dispatchHostCall(leaky, 'getSettings', undefined);
    expect(result.ok).toBe(true);
    expect(JSON.stringify(result)).not.toContain('secrets');
    expect(JSON.stringify(result)).not.toContain('"secret"');
  });

  it('passes expected failures through and hides unexpected ones', async () => {
    const report = vi.fn();
    const failing = handlers({
      getSipPassword: async () => {
        throw new HostFailure('secret-unreadable', 'cannot decrypt');
      },
      clearAccount: async () => {
        throw new Error('disk exploded at /home/user');
      },
    });
    expect(await dispatchHostCall(failing, 'getSipPassword', undefined, report)).toEqual({
      ok: false,
      error: { code: 'secret-unreadable', message: 'cannot decrypt' },
    });
    const hidden = await dispatchHostCall(failing, 'clearAccount', undefined, report);
    expect(hidden).toEqual({
      ok: false,
      error: { code: 'internal', message: 'clearAccount failed unexpectedly' },
    });
    expect(report).toHaveBeenCalledOnce();
  });

  it('maps validation issues to fields with translatable messages', async () => {
    const result = await dispatchHostCall(handlers(), 'saveAccount', {
      // Any SIP user part is a valid extension (settings v2); a space is not.
      account: { sipWebSocketUrl: '', extension: '20 1' },
      password: '',
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-input',
        fields: {
          'account.sipWebSocketUrl': 'errors.required',
          'account.extension': 'errors.extension',
          password: 'errors.passwordRequired',
        },
      },
    });
  });
});
