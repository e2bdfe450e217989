import { describe, expect, it } from 'vitest';
import {
  acceleratorFromKeyPress,
  normaliseAccelerator,
  sameAccelerator,
} from '../../../shared/host/accelerator';

const press = (
  key: string,
  code: string,
  modifiers: Partial<Record<'ctrl' | 'alt' | 'shift' | 'meta', boolean>>,
) => ({
  key,
  code,
  ctrlKey: modifiers.ctrl ?? false,
  altKey: modifiers.alt ?? false,
  shiftKey: modifiers.shift ?? false,
  metaKey: modifiers.meta ?? false,
});

describe('accelerators', () => {
  it('accepts a modifier and one key, in one spelling', () => {
    expect(normaliseAccelerator('shift+cmdorctrl+a')).toBe('CommandOrControl+Shift+A');
    expect(normaliseAccelerator('Alt+F12')).toBe('Alt+F12');
    expect(normaliseAccelerator('Ctrl+Alt+Space')).toBe('Control+Alt+Space');
  });

  it('refuses a bare key, Shift alone, unknown parts and repeats', () => {
    for (const bad of ['A', 'Shift+A', 'Hyper+A', 'Alt+Alt+A', 'Alt+', 'Alt+F25', 'Alt+ä', ''])
      expect(normaliseAccelerator(bad), bad).toBeNull();
  });

  it('compares by the keys pressed', () => {
    expect(sameAccelerator('Alt+Shift+x', 'shift+alt+X')).toBe(true);
    expect(sameAccelerator('Alt+X', 'Alt+Y')).toBe(false);
    expect(sameAccelerator('X', 'X')).toBe(false);
  });

  it('turns a key press into an accelerator by the physical key', () => {
    expect(acceleratorFromKeyPress(press('!', 'Digit1', { ctrl: true, shift: true }))).toBe(
      'CommandOrControl+Shift+1',
    );
    expect(acceleratorFromKeyPress(press('F9', 'F9', { alt: true }))).toBe('Alt+F9');
    expect(acceleratorFromKeyPress(press('a', 'KeyA', {}))).toBeNull();
    expect(acceleratorFromKeyPress(press('Control', 'ControlLeft', { ctrl: true }))).toBeNull();
  });
});
