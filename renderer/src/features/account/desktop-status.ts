import type { TFunction } from 'i18next';
import type { DesktopStatus } from '../../../../shared/ipc/contract';
import type { SoftphoneSnapshot } from '../../sip/softphone';

/** What the tray shows for the phone's state: a call over registration; DND said beside it. */
export function desktopStateOf(
  snapshot: Pick<SoftphoneSnapshot, 'registration' | 'call'>,
): DesktopStatus['state'] {
  if (snapshot.call) return snapshot.call.state.phase === 'incoming' ? 'ringing' : 'in-call';
  return snapshot.registration.kind === 'registered' ? 'registered' : 'offline';
}

export function desktopStatusOf(
  snapshot: Pick<SoftphoneSnapshot, 'registration' | 'call'>,
  doNotDisturb: boolean,
  extension: string | null,
  t: TFunction,
): DesktopStatus {
  const state = desktopStateOf(snapshot);
  const line =
    state === 'registered'
      ? t('desktop.trayRegistered', { extension: extension ?? '' })
      : state === 'ringing'
        ? t('desktop.trayRinging')
        : state === 'in-call'
          ? t('desktop.trayInCall')
          : t('desktop.trayOffline');
  return {
    state,
    doNotDisturb,
    text: {
      status: (doNotDisturb ? `${line} – ${t('desktop.dndOn')}` : line).slice(0, 160),
      doNotDisturb: t('desktop.dnd'),
      show: t('desktop.trayShow'),
      quit: t('desktop.trayQuit'),
    },
  };
}
