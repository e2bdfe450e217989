import { describe, expect, it } from 'vitest';
import type { HostApi } from '../../shared/ipc/contract';

/**
 * One suite, two hosts: the Electron preload (over IPC to the main process) and the browser host
 * must behave identically for every method of the contract.
 */
export interface HostUnderTest {
  host: HostApi;
  /** The same storage opened again, as after quitting and restarting the app. */
  restart(): Promise<HostApi>;
  /** Everything persisted, as text, to prove that no secret is stored in plain text. */
  persistedText(): string;
}

export type HostFactory = (options: { dialLinkAtStart?: string }) => Promise<HostUnderTest>;

const account = {
  sipWebSocketUrl: 'wss://pbx.example.test:8089/ws',
  extension: '201',
  displayName: 'Empfang',
};
const PASSWORD = 'correct-horse-battery-staple-7';

export function describeHostContract(name: string, makeHost: HostFactory): void {
  describe(`host contract: ${name}`, () => {
    it('describes the app', async () => {
      const { host } = await makeHost({});
      const info = await host.getAppInfo();
      expect(info.ok).toBe(true);
      if (!info.ok) return;
      expect(info.value.productName).toBe('Tollgate');
      expect(['electron', 'browser']).toContain(info.value.host);
      expect(['os', 'weak', 'unavailable']).toContain(info.value.secretStorage);
      expect(info.value.notices).toEqual([]);
      // The demo banner's data (with the demo PIN) is not part of the contract.
      expect(Object.keys(info.value).sort()).toEqual(
        ['host', 'notices', 'platform', 'productName', 'secretStorage', 'systemLocales', 'version'].sort(),
      );
    });

    it('starts with defaults and no account', async () => {
      const { host } = await makeHost({});
      const view = await host.getSettings();
      expect(view).toMatchObject({
        ok: true,
        value: {
          passwordState: 'none',
          settings: { account: null, language: 'system', ice: { servers: [] } },
        },
      });
    });

    it('refuses an account without a password and says which field', async () => {
      const { host } = await makeHost({});
      const result = await host.saveAccount({ account });
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'invalid-input', fields: { password: 'errors.passwordRequired' } },
      });
    });

    it('refuses invalid fields with translatable messages', async () => {
      const { host } = await makeHost({});
      const result = await host.saveAccount({
        account: { ...account, sipWebSocketUrl: 'https://pbx.example.test', extension: '20 1' },
        password: PASSWORD,
      });
      expect(result).toMatchObject({
        ok: false,
        error: {
          code: 'invalid-input',
          fields: { 'account.sipWebSocketUrl': 'errors.wsUrl', 'account.extension': 'errors.extension' },
        },
      });
    });

    it('refuses input of the wrong shape', async () => {
      const { host } = await makeHost({});
      // Deliberately wrong types, as a compromised renderer might send.
      const save = host.saveAccount as unknown as (input: unknown) => ReturnType<HostApi['saveAccount']>;
      expect(await save(42)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      const update = host.updatePreferences as unknown as (
        input: unknown,
      ) => ReturnType<HostApi['updatePreferences']>;
      expect(await update({ secrets: { sipPassword: null } })).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
    });

    it('saves an account, keeps the password sealed and never hands secrets out with the settings', async () => {
      const under = await makeHost({});
      const saved = await under.host.saveAccount({ account, password: PASSWORD });
      expect(saved).toMatchObject({
        ok: true,
        value: { passwordState: 'saved', settings: { account: { extension: '201' } } },
      });
      expect(JSON.stringify(saved)).not.toContain(PASSWORD);
      expect(JSON.stringify(saved)).not.toContain('secrets');
      expect(await under.host.getSipPassword()).toEqual({ ok: true, value: PASSWORD });
      expect(under.persistedText()).toContain('201');
      expect(under.persistedText()).not.toContain(PASSWORD);
    });

    it('keeps everything across a restart', async () => {
      const under = await makeHost({});
      await under.host.saveAccount({ account, password: PASSWORD });
      await under.host.updatePreferences({ language: 'en', audio: { inputDeviceId: 'mic-2' } });
      const again = await under.restart();
      expect(await again.getSettings()).toMatchObject({
        ok: true,
        value: {
          passwordState: 'saved',
          settings: { language: 'en', audio: { inputDeviceId: 'mic-2' }, account },
        },
      });
      expect(await again.getSipPassword()).toEqual({ ok: true, value: PASSWORD });
    });

    // Breaks when updatePreferences drops a section of the patch (it once merged only language, audio, ice).
    it('patches call handling, desktop and favourites, keeping every field the patch does not name', async () => {
      const under = await makeHost({});
      await under.host.updatePreferences({ calls: { doNotDisturb: true } });
      await under.host.updatePreferences({ desktop: { hotkeys: { enabled: true }, theme: 'dark' } });
      await under.host.updatePreferences({ desktop: { hotkeys: { answer: 'Alt+F9' } } });
      await under.host.updatePreferences({
        audio: { outputVolume: 0.4, ringTone: 'soft', ringerDeviceId: 'spk-2' },
        favourites: [{ target: '202', name: 'Lager' }],
      });
      const again = await under.restart();
      expect(await again.getSettings()).toMatchObject({
        ok: true,
        value: {
          settings: {
            calls: { doNotDisturb: true, callWaiting: true, autoAnswerInternal: false },
            desktop: {
              theme: 'dark',
              raiseOnIncomingCall: true,
              hotkeys: { enabled: true, answer: 'Alt+F9', hangUp: 'CommandOrControl+Shift+H' },
            },
            audio: { outputVolume: 0.4, ringTone: 'soft', ringerDeviceId: 'spk-2', outputDeviceId: null },
            favourites: [{ target: '202', name: 'Lager' }],
          },
        },
      });
    });

    it('keeps the saved password when the account is saved without one', async () => {
      const { host } = await makeHost({});
      await host.saveAccount({ account, password: PASSWORD });
      const result = await host.saveAccount({ account: { ...account, displayName: 'Lager' } });
      expect(result).toMatchObject({
        ok: true,
        value: { passwordState: 'saved', settings: { account: { displayName: 'Lager' } } },
      });
      expect(await host.getSipPassword()).toEqual({ ok: true, value: PASSWORD });
    });

    it('removes account and password from the workstation', async () => {
      const under = await makeHost({});
      await under.host.saveAccount({ account, password: PASSWORD });
      expect(await under.host.clearAccount()).toMatchObject({
        ok: true,
        value: { passwordState: 'none', settings: { account: null } },
      });
      expect(await under.host.getSipPassword()).toEqual({ ok: true, value: null });
      const again = await under.restart();
      expect(await again.getSettings()).toMatchObject({ ok: true, value: { settings: { account: null } } });
    });

    it('hands a dial link from the start over once, as a number to fill in', async () => {
      const { host } = await makeHost({ dialLinkAtStart: 'tel:+49-30-1234567' });
      expect(await host.takePendingDialLink()).toEqual({
        ok: true,
        value: { number: '+49301234567', scheme: 'tel' },
      });
      expect(await host.takePendingDialLink()).toEqual({ ok: true, value: null });
    });

    const status = {
      state: 'registered',
      doNotDisturb: true,
      text: { status: 'Registered as 201', doNotDisturb: 'Do not disturb', show: 'Show', quit: 'Quit' },
    } as const;

    it('takes the desktop status for the tray and refuses one of the wrong shape', async () => {
      const { host } = await makeHost({});
      expect(await host.setDesktopStatus(status)).toEqual({ ok: true, value: null });
      const set = host.setDesktopStatus as unknown as (
        input: unknown,
      ) => ReturnType<HostApi['setDesktopStatus']>;
      expect(await set({ ...status, state: 'hacked' })).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
      expect(await set({ ...status, text: { ...status.text, status: 'x'.repeat(161) } })).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
      expect(await set({ ...status, icon: 'file:///etc/passwd' })).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
    });

    it('says whether it could raise the window', async () => {
      const { host } = await makeHost({});
      const raised = await host.raiseWindow();
      expect(raised.ok && typeof raised.value).toBe('boolean');
    });

    // Breaks when hotkeys are registered while off (the default) or from input instead of the settings.
    it('registers global hotkeys only from the saved settings, off by default', async () => {
      const { host } = await makeHost({});
      expect(await host.applyHotkeys()).toEqual({ ok: true, value: { answer: 'off', hangUp: 'off' } });
      const apply = host.applyHotkeys as unknown as (input: unknown) => ReturnType<HostApi['applyHotkeys']>;
      expect(await apply({ enabled: true, answer: 'Alt+A', hangUp: 'Alt+H' })).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
      await host.updatePreferences({ desktop: { hotkeys: { enabled: true } } });
      const applied = await host.applyHotkeys();
      expect(applied.ok).toBe(true);
      if (!applied.ok) return;
      // Electron registers them; the browser host has no global hotkeys and says so.
      expect(['registered', 'unsupported']).toContain(applied.value.answer);
      expect(applied.value.hangUp).toBe(applied.value.answer);
    });

    it('ignores a link without a dialable number', async () => {
      const { host } = await makeHost({ dialLinkAtStart: 'tel:call-me-maybe' });
      expect(await host.takePendingDialLink()).toEqual({ ok: true, value: null });
    });
  });
}
