import { describe, expect, it } from 'vitest';
import { HotkeyRegistrar, type GlobalShortcutLike, type HotkeyCommand } from '../../../electron/main/hotkeys';

/** Electron's globalShortcut as the registrar sees it: some combinations held by other applications. */
function fakeGlobalShortcut(takenElsewhere: string[] = []) {
  const registered = new Map<string, () => void>();
  const shortcut: GlobalShortcutLike = {
    register: (accelerator, callback) => {
      if (takenElsewhere.includes(accelerator) || registered.has(accelerator)) return false;
      registered.set(accelerator, callback);
      return true;
    },
    unregister: (accelerator) => void registered.delete(accelerator),
  };
  return { shortcut, registered, press: (accelerator: string) => registered.get(accelerator)?.() };
}

const defaults = { enabled: true, answer: 'CommandOrControl+Shift+A', hangUp: 'CommandOrControl+Shift+H' };

describe('global hotkeys', () => {
  it('registers nothing while off (the default)', () => {
    const fake = fakeGlobalShortcut();
    const registrar = new HotkeyRegistrar(fake.shortcut, () => {});
    expect(registrar.apply({ ...defaults, enabled: false })).toEqual({ answer: 'off', hangUp: 'off' });
    expect(fake.registered.size).toBe(0);
  });

  it('registers both and sends their commands', () => {
    const fake = fakeGlobalShortcut();
    const commands: HotkeyCommand[] = [];
    const registrar = new HotkeyRegistrar(fake.shortcut, (command) => commands.push(command));
    expect(registrar.apply(defaults)).toEqual({ answer: 'registered', hangUp: 'registered' });
    fake.press('CommandOrControl+Shift+H');
    fake.press('CommandOrControl+Shift+A');
    expect(commands).toEqual(['hang-up', 'answer']);
  });

  it('says which combination another application holds, and keeps the other', () => {
    const fake = fakeGlobalShortcut(['CommandOrControl+Shift+A']);
    const registrar = new HotkeyRegistrar(fake.shortcut, () => {});
    expect(registrar.apply(defaults)).toEqual({ answer: 'taken', hangUp: 'registered' });
    expect([...fake.registered.keys()]).toEqual(['CommandOrControl+Shift+H']);
  });

  it('refuses combinations without a modifier, malformed ones and the same one twice', () => {
    const fake = fakeGlobalShortcut();
    const registrar = new HotkeyRegistrar(fake.shortcut, () => {});
    expect(registrar.apply({ enabled: true, answer: 'A', hangUp: 'Shift+H' })).toEqual({
      answer: 'invalid',
      hangUp: 'invalid',
    });
    expect(registrar.apply({ enabled: true, answer: 'Alt+F9', hangUp: 'alt+f9' })).toEqual({
      answer: 'registered',
      hangUp: 'duplicate',
    });
    expect(fake.registered.size).toBe(1);
  });

  it('reports what Electron refuses as invalid instead of throwing', () => {
    const shortcut: GlobalShortcutLike = {
      register: () => {
        throw new TypeError('Error processing argument at index 0, conversion failure');
      },
      unregister: () => {},
    };
    const registrar = new HotkeyRegistrar(shortcut, () => {});
    expect(registrar.apply(defaults)).toEqual({ answer: 'invalid', hangUp: 'invalid' });
  });

  it('replaces the previous combinations and unregisters only its own', () => {
    const fake = fakeGlobalShortcut();
    fake.shortcut.register('Alt+F1', () => {}); // someone else's in this process
    const registrar = new HotkeyRegistrar(fake.shortcut, () => {});
    registrar.apply(defaults);
    registrar.apply({ enabled: true, answer: 'Alt+F7', hangUp: 'Alt+F8' });
    expect([...fake.registered.keys()].sort()).toEqual(['Alt+F1', 'Alt+F7', 'Alt+F8']);
    registrar.apply({ ...defaults, enabled: false });
    expect([...fake.registered.keys()]).toEqual(['Alt+F1']);
  });
});
