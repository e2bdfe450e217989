import { describe, expect, it } from 'vitest';
import { createDesktopShell, type RaisableWindow } from '../../../electron/main/desktop-shell';
import { HotkeyRegistrar } from '../../../electron/main/hotkeys';
import { trayColour, trayIconBitmap, trayMenuModel } from '../../../electron/main/tray-model';
import type { DesktopStatus } from '../../../shared/ipc/contract';

const text = {
  status: 'Angemeldet als 201',
  doNotDisturb: 'Nicht stören',
  show: 'Anzeigen',
  quit: 'Beenden',
};

describe('tray model', () => {
  it('shows the status, a DND switch in its state, show and quit', () => {
    expect(trayMenuModel({ state: 'registered', doNotDisturb: true, text })).toEqual([
      { kind: 'status', text: 'Angemeldet als 201' },
      { kind: 'separator' },
      { kind: 'checkbox', id: 'toggle-dnd', text: 'Nicht stören', checked: true },
      { kind: 'action', id: 'show', text: 'Anzeigen' },
      { kind: 'separator' },
      { kind: 'action', id: 'quit', text: 'Beenden' },
    ]);
    expect(trayMenuModel({ state: 'offline', doNotDisturb: false, text })[2]).toMatchObject({
      checked: false,
    });
  });

  it('gives each state its own icon colour, a call over DND over registered', () => {
    const colours = new Set(
      (
        [
          { state: 'registered', doNotDisturb: false },
          { state: 'offline', doNotDisturb: false },
          { state: 'registered', doNotDisturb: true },
          { state: 'in-call', doNotDisturb: false },
        ] as const
      ).map((status) => trayColour(status).join()),
    );
    expect(colours.size).toBe(4);
    expect(trayColour({ state: 'in-call', doNotDisturb: true })).toEqual(
      trayColour({ state: 'in-call', doNotDisturb: false }),
    );
    expect(trayColour({ state: 'offline', doNotDisturb: true })).toEqual(
      trayColour({ state: 'registered', doNotDisturb: true }),
    );
  });

  it('draws an opaque circle in BGRA with transparent corners', () => {
    const bitmap = trayIconBitmap([0x10, 0x20, 0x30], 16);
    expect(bitmap.length).toBe(16 * 16 * 4);
    const centre = (8 * 16 + 8) * 4;
    expect([...bitmap.slice(centre, centre + 4)]).toEqual([0x30, 0x20, 0x10, 255]);
    expect(bitmap[3]).toBe(0);
  });
});

describe('desktop shell', () => {
  const fakeWindow = (minimized: boolean, focusGranted = true) => {
    const calls: string[] = [];
    const window: RaisableWindow = {
      isDestroyed: () => false,
      isMinimized: () => minimized,
      restore: () => calls.push('restore'),
      show: () => calls.push('show'),
      focus: () => calls.push('focus'),
      isFocused: () => focusGranted,
      flashFrame: (flag) => calls.push(`flash:${flag}`),
    };
    return { window, calls };
  };
  const hotkeys = new HotkeyRegistrar({ register: () => true, unregister: () => {} }, () => {});

  const ringingStatus: DesktopStatus = { state: 'ringing', doNotDisturb: false, text };

  it('raises a minimised window: restore, show, focus', () => {
    const { window, calls } = fakeWindow(true);
    const shell = createDesktopShell({ window: () => window, tray: () => null, hotkeys });
    shell.setStatus(ringingStatus);
    expect(shell.raiseWindow()).toBe(true);
    expect(calls).toEqual(['restore', 'show', 'focus']);
  });

  it('asks the app for the focus where needed, and flashes the taskbar when the system refuses it', () => {
    const { window, calls } = fakeWindow(false, false);
    const shell = createDesktopShell({
      window: () => window,
      tray: () => null,
      hotkeys,
      focusApp: () => calls.push('app-focus'),
    });
    shell.setStatus(ringingStatus);
    expect(shell.raiseWindow()).toBe(true);
    expect(calls).toEqual(['show', 'app-focus', 'focus', 'flash:true']);
  });

  it('cannot raise before the window exists, and passes the status to the tray', () => {
    const shown: DesktopStatus[] = [];
    const shell = createDesktopShell({
      window: () => null,
      tray: () => ({ show: (status) => shown.push(status) }),
      hotkeys,
    });
    shell.setStatus({ state: 'ringing', doNotDisturb: false, text });
    expect(shell.raiseWindow()).toBe(false);
    expect(shown).toEqual([{ state: 'ringing', doNotDisturb: false, text }]);
  });

  // Breaks when main raises the window whenever the renderer asks, not only while a call rings.
  it('raises only while the last reported status says a call rings', () => {
    const { window, calls } = fakeWindow(false);
    const shell = createDesktopShell({ window: () => window, tray: () => null, hotkeys });
    expect(shell.raiseWindow()).toBe(false);
    for (const state of ['registered', 'offline', 'in-call'] as const) {
      shell.setStatus({ state, doNotDisturb: false, text });
      expect(shell.raiseWindow()).toBe(false);
    }
    expect(calls).toEqual([]);
    shell.setStatus(ringingStatus);
    expect(shell.raiseWindow()).toBe(true);
    shell.setStatus({ state: 'in-call', doNotDisturb: false, text });
    expect(shell.raiseWindow()).toBe(false);
    expect(calls).toEqual(['show', 'focus']);
  });
});
