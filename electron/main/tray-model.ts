import type { DesktopStatus } from '../../shared/ipc/contract';

/** The tray's menu and icon as data (tray.ts turns it into Electron objects; tests read it directly). */
export type TrayItem =
  | { kind: 'status'; text: string }
  | { kind: 'separator' }
  | { kind: 'checkbox'; id: 'toggle-dnd'; text: string; checked: boolean }
  | { kind: 'action'; id: 'show' | 'quit'; text: string };

/** Before the renderer has said anything (start-up), in both languages: the tray is never empty. */
export const STARTING_STATUS: DesktopStatus = {
  state: 'offline',
  doNotDisturb: false,
  text: {
    status: 'Tollgate',
    doNotDisturb: 'Nicht stören / Do not disturb',
    show: 'Tollgate anzeigen / Show Tollgate',
    quit: 'Beenden / Quit',
  },
};

export function trayMenuModel(status: DesktopStatus): TrayItem[] {
  return [
    { kind: 'status', text: status.text.status },
    { kind: 'separator' },
    { kind: 'checkbox', id: 'toggle-dnd', text: status.text.doNotDisturb, checked: status.doNotDisturb },
    { kind: 'action', id: 'show', text: status.text.show },
    { kind: 'separator' },
    { kind: 'action', id: 'quit', text: status.text.quit },
  ];
}

export type TrayColour = readonly [red: number, green: number, blue: number];

/**
 * The icon's colour says the state at a glance (the tooltip says it in words): DND red over
 * everything, a call blue, registered green, offline grey.
 */
export function trayColour(status: Pick<DesktopStatus, 'state' | 'doNotDisturb'>): TrayColour {
  if (status.state === 'ringing' || status.state === 'in-call') return [0x1d, 0x5f, 0xd1];
  if (status.doNotDisturb) return [0xc6, 0x28, 0x28];
  if (status.state === 'registered') return [0x2e, 0x7d, 0x32];
  return [0x75, 0x75, 0x75];
}

/** A filled circle in `colour`, `size`×`size` pixels, BGRA (what nativeImage.createFromBitmap takes). */
export function trayIconBitmap(colour: TrayColour, size: number): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const centre = (size - 1) / 2;
  const radius = size / 2 - 0.5;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const distance = Math.hypot(x - centre, y - centre);
      // One pixel of soft edge.
      const alpha = Math.max(0, Math.min(1, radius - distance + 0.5));
      const at = (y * size + x) * 4;
      pixels[at] = colour[2];
      pixels[at + 1] = colour[1];
      pixels[at + 2] = colour[0];
      pixels[at + 3] = Math.round(alpha * 255);
    }
  }
  return pixels;
}
