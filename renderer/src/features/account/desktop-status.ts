import type { TFunction } from 'i18next';
import type { DesktopStatus } from '../../../../shared/ipc/contract';
import type { CallView, SoftphoneSnapshot } from '../../sip/softphone';

type PhoneState = Pick<SoftphoneSnapshot, 'registration' | 'call' | 'calls'>;

/**
 * The call that rings: the first incoming call of all calls, so a waiting (second) call behind the
 * call in front rings on the desktop too (tray, raised window, notification, answer hotkey).
 */
export function ringingCallOf(snapshot: Pick<SoftphoneSnapshot, 'calls'>): CallView | null {
  return snapshot.calls.find((call) => call.state.phase === 'incoming') ?? null;
}

/**
 * What the desktop's hang-up command does: declines the call in front while it rings, else ends the
 * call in front — as desk phones do, a waiting call keeps ringing (answer takes it), it is not ended.
 */
export function hangUpActionOf(
  snapshot: Pick<SoftphoneSnapshot, 'call'>,
): { kind: 'decline' | 'hang-up'; id: string } | null {
  const front = snapshot.call;
  if (!front) return null;
  return { kind: front.state.phase === 'incoming' ? 'decline' : 'hang-up', id: front.id };
}

/** What the tray shows for the phone's state: a ringing call, then a call, over registration. */
export function desktopStateOf(snapshot: PhoneState): DesktopStatus['state'] {
  if (ringingCallOf(snapshot)) return 'ringing';
  if (snapshot.call || snapshot.calls.length > 0) return 'in-call';
  return snapshot.registration.kind === 'registered' ? 'registered' : 'offline';
}

export function desktopStatusOf(
  snapshot: PhoneState,
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
