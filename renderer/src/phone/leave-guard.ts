/**
 * Unregisters when Tollgate goes away, so the PBX does not keep a dead contact (callers would get
 * an error instead of "unreachable" until the registration expires):
 * - `pagehide` (window closed, reload): BYE and un-REGISTER leave at once, no answer awaited;
 * - the host's quit hook (Electron `before-quit`): a full, bounded stop the host waits for.
 * Sign-out and account changes stop the softphone through the phone provider's effect cleanup.
 */
export interface LeavingSoftphone {
  unregisterNow(): void;
  stop(): Promise<void>;
}

export interface LeaveEvents {
  addEventListener(type: 'pagehide', listener: () => void): void;
  removeEventListener(type: 'pagehide', listener: () => void): void;
}

/** The host's quit hook: `prepare` runs before the app quits; the host bounds the wait. */
export type OnPrepareQuit = (prepare: () => Promise<void>) => () => void;

export function unregisterOnLeave(
  target: LeaveEvents,
  softphone: LeavingSoftphone,
  onPrepareQuit?: OnPrepareQuit,
): () => void {
  const onPageHide = () => softphone.unregisterNow();
  target.addEventListener('pagehide', onPageHide);
  const stopQuitHook = onPrepareQuit?.(() => softphone.stop());
  return () => {
    target.removeEventListener('pagehide', onPageHide);
    stopQuitHook?.();
  };
}
