/**
 * Electron accelerators (`CommandOrControl+Shift+A`) for the global hotkeys: what counts as one, and
 * how a key press in the Konto tab becomes one. A global hotkey acts while any application has the
 * focus, so it needs a modifier other than Shift: a bare `A` or `Shift+A` would swallow typing.
 */
const MODIFIERS = new Map<string, string>([
  ['command', 'Command'],
  ['cmd', 'Command'],
  ['control', 'Control'],
  ['ctrl', 'Control'],
  ['commandorcontrol', 'CommandOrControl'],
  ['cmdorctrl', 'CommandOrControl'],
  ['alt', 'Alt'],
  ['option', 'Alt'],
  ['altgr', 'AltGr'],
  ['shift', 'Shift'],
  ['super', 'Super'],
  ['meta', 'Super'],
]);

const NAMED_KEYS = [
  'Space',
  'Tab',
  'Backspace',
  'Delete',
  'Insert',
  'Return',
  'Enter',
  'Up',
  'Down',
  'Left',
  'Right',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'Escape',
  'Plus',
  'num0',
  'num1',
  'num2',
  'num3',
  'num4',
  'num5',
  'num6',
  'num7',
  'num8',
  'num9',
];

function normaliseKey(key: string): string | null {
  if (/^[A-Za-z0-9]$/.test(key)) return key.toUpperCase();
  const fn = /^[Ff]([1-9]|1\d|2[0-4])$/.exec(key);
  if (fn) return `F${fn[1]}`;
  return NAMED_KEYS.find((name) => name.toLowerCase() === key.toLowerCase()) ?? null;
}

/** The accelerator in one spelling (modifiers in a fixed order), or null when it is not a usable hotkey. */
export function normaliseAccelerator(accelerator: string): string | null {
  const parts = accelerator.trim().split('+');
  const key = normaliseKey(parts.pop() ?? '');
  if (!key) return null;
  const modifiers = new Set<string>();
  for (const part of parts) {
    const modifier = MODIFIERS.get(part.toLowerCase());
    if (!modifier || modifiers.has(modifier)) return null;
    modifiers.add(modifier);
  }
  if (![...modifiers].some((modifier) => modifier !== 'Shift')) return null;
  const order = ['CommandOrControl', 'Command', 'Control', 'Super', 'Alt', 'AltGr', 'Shift'];
  return [...order.filter((modifier) => modifiers.has(modifier)), key].join('+');
}

/** Two accelerators that press the same keys. */
export function sameAccelerator(a: string, b: string): boolean {
  const left = normaliseAccelerator(a);
  return left !== null && left === normaliseAccelerator(b);
}

export interface KeyPress {
  key: string;
  code: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

/**
 * The accelerator a key press in the hotkey field stands for (Ctrl is written CommandOrControl, so
 * the setting works on macOS too), or null while only modifiers are held or the key has no name.
 */
export function acceleratorFromKeyPress(press: KeyPress): string | null {
  // `code` names the physical key whatever the layout and the modifiers (Shift+1 is `!` in `key`).
  const fromCode = /^Key([A-Z])$/.exec(press.code)?.[1] ?? /^Digit(\d)$/.exec(press.code)?.[1];
  const named: Record<string, string> = {
    ' ': 'Space',
    ArrowUp: 'Up',
    ArrowDown: 'Down',
    ArrowLeft: 'Left',
    ArrowRight: 'Right',
    Enter: 'Return',
  };
  const key = normaliseKey(fromCode ?? named[press.key] ?? press.key);
  if (!key) return null;
  const parts = [
    press.ctrlKey ? 'CommandOrControl' : null,
    press.metaKey ? 'Super' : null,
    press.altKey ? 'Alt' : null,
    press.shiftKey ? 'Shift' : null,
  ].filter((part): part is string => part !== null);
  return normaliseAccelerator([...parts, key].join('+'));
}
