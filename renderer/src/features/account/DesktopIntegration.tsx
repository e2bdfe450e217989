import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { DesktopCommand } from '../../../../shared/ipc/contract';
import { useHostState } from '../../app/host-context';
import { usePhone } from '../../phone/phone-context';
import { configureRinger } from '../../sip/tones';
import type { CallView } from '../../sip/softphone';
import { useDirectoryName } from '../directory/use-directory';
import { desktopStatusOf, hangUpActionOf, ringingCallOf } from './desktop-status';
import { useAppliedTheme } from './theme';

/**
 * The app's ties to the desktop, mounted once beside the tabs (renders nothing): the theme, the
 * ringer, the tray's status, raising the window on an incoming call, and the tray's and global
 * hotkeys' commands.
 */
export function DesktopIntegration() {
  const { t } = useTranslation();
  const { host, view, setView } = useHostState();
  const { snapshot, softphone } = usePhone();
  const { audio, calls, desktop, account } = view.settings;

  useAppliedTheme(desktop.theme);

  const ringerDeviceId = audio.ringerDeviceId ?? audio.outputDeviceId;
  useEffect(
    () => configureRinger({ tone: audio.ringTone, deviceId: ringerDeviceId }),
    [audio.ringTone, ringerDeviceId],
  );

  // The tray follows the phone; sent only when what it shows changes.
  const statusJson = JSON.stringify(
    desktopStatusOf(snapshot, calls.doNotDisturb, account?.extension ?? null, t),
  );
  useEffect(() => {
    void host.setDesktopStatus(JSON.parse(statusJson) as Parameters<typeof host.setDesktopStatus>[0]);
  }, [host, statusJson]);

  // An incoming call brings the window to the front (once per call) — a waiting one behind the
  // call in front too.
  const ringing = ringingCallOf(snapshot);
  const ringingId = ringing?.id ?? null;
  const raise = desktop.raiseOnIncomingCall;
  useEffect(() => {
    if (!ringingId || !raise) return;
    void host.raiseWindow().then((result) => {
      // The browser host cannot raise its tab; asking the window for focus is all a page may do.
      if (!result.ok || !result.value) window.focus();
    });
  }, [host, ringingId, raise]);

  // Global hotkeys as saved (off by default): registered at start and whenever they change.
  const hotkeysJson = JSON.stringify(desktop.hotkeys);
  useEffect(() => {
    void host.applyHotkeys();
  }, [host, hotkeysJson]);

  useEffect(() => {
    const run = (command: DesktopCommand) => {
      const current = softphone.getSnapshot();
      if (command === 'toggle-dnd') {
        // Read what is saved now, so two quick clicks in the tray toggle twice.
        void host.getSettings().then(async (current) => {
          if (!current.ok) return;
          const result = await host.updatePreferences({
            calls: { doNotDisturb: !current.value.settings.calls.doNotDisturb },
          });
          if (result.ok) setView(result.value);
        });
      } else if (command === 'answer') {
        // The ringing call, also one waiting behind the call in front (which is held then).
        const ringingCall = ringingCallOf(current);
        if (ringingCall) softphone.accept(ringingCall.id);
      } else {
        const action = hangUpActionOf(current);
        if (action?.kind === 'decline') softphone.decline(action.id);
        else if (action) softphone.hangUp(action.id);
      }
    };
    return host.onDesktopCommand?.(run);
  }, [host, softphone, setView]);

  return ringing ? <RingingNotification key={ringing.id} call={ringing} /> : null;
}

/**
 * A system notification while the window is hidden, for whichever call rings (also a waiting one);
 * closed when it stops ringing. Named as the call screen names the caller.
 */
function RingingNotification({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const directoryName = useDirectoryName(call.number);
  const name = directoryName ?? call.name;
  const who = name ? `${name} (${call.number})` : call.number;
  useEffect(() => {
    if (typeof Notification === 'undefined') return;
    if (Notification.permission === 'granted' && document.hidden) {
      const notification = new Notification(t('phone.notificationIncoming', { who }));
      notification.onclick = () => window.focus();
      return () => notification.close();
    }
  }, [who, t]);
  return null;
}
