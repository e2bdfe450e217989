import { normaliseAccelerator, sameAccelerator } from '../../shared/host/accelerator';
import type { HotkeyOutcome, HotkeyRegistration } from '../../shared/ipc/contract';
import type { DesktopSettings } from '../../shared/settings/schema';

/** The part of Electron's globalShortcut the hotkeys need (a fake implements it in tests). */
export interface GlobalShortcutLike {
  /** False when the combination is taken (another application, the system); throws when malformed. */
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

export type HotkeyCommand = 'answer' | 'hang-up';

/**
 * Registers the two global hotkeys (answer, hang up) from the saved settings, replacing the ones
 * registered before; only ever Tollgate's own combinations are unregistered.
 */
export class HotkeyRegistrar {
  private registered: string[] = [];

  constructor(
    private readonly shortcut: GlobalShortcutLike,
    private readonly onCommand: (command: HotkeyCommand) => void,
  ) {}

  apply(hotkeys: DesktopSettings['hotkeys']): HotkeyRegistration {
    this.dispose();
    if (!hotkeys.enabled) return { answer: 'off', hangUp: 'off' };
    const answer = this.register(hotkeys.answer, 'answer');
    const hangUp = sameAccelerator(hotkeys.answer, hotkeys.hangUp)
      ? 'duplicate'
      : this.register(hotkeys.hangUp, 'hang-up');
    return { answer, hangUp };
  }

  dispose(): void {
    for (const accelerator of this.registered) this.shortcut.unregister(accelerator);
    this.registered = [];
  }

  private register(accelerator: string, command: HotkeyCommand): HotkeyOutcome {
    const normalised = normaliseAccelerator(accelerator);
    if (!normalised) return 'invalid';
    let ok: boolean;
    try {
      ok = this.shortcut.register(normalised, () => this.onCommand(command));
    } catch {
      return 'invalid';
    }
    if (!ok) return 'taken';
    this.registered.push(normalised);
    return 'registered';
  }
}
