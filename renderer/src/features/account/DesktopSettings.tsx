import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { THEMES_IN_ORDER } from './theme';
import type { ThemePreference } from '../../../../shared/settings/schema';
import { useHostState } from '../../app/host-context';
import { HotkeysForm } from './HotkeysForm';
import {
  askForNotifications,
  notificationPermission,
  type NotificationPermissionState,
} from './notifications';
import { useSavePreferences } from './use-preferences';

/** Konto → Darstellung und Desktop: theme, raising the window, notifications, global hotkeys. */
export function DesktopSettings() {
  const { t } = useTranslation();
  const { view } = useHostState();
  const { save, error } = useSavePreferences();
  const themeId = useId();
  const raiseId = useId();
  const [permission, setPermission] = useState<NotificationPermissionState>(notificationPermission);
  const desktop = view.settings.desktop;
  return (
    <section aria-labelledby="desktop-heading" className="desktop-settings">
      <h3 id="desktop-heading">{t('desktop.heading')}</h3>
      <div className="field">
        <label htmlFor={themeId}>{t('desktop.theme')}</label>
        <select
          id={themeId}
          value={desktop.theme}
          data-testid="theme-select"
          onChange={(event) => void save({ desktop: { theme: event.target.value as ThemePreference } })}
        >
          {THEMES_IN_ORDER.map((theme) => (
            <option key={theme} value={theme}>
              {t(`desktop.themes.${theme}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--check">
        <input
          id={raiseId}
          type="checkbox"
          checked={desktop.raiseOnIncomingCall}
          onChange={(event) => void save({ desktop: { raiseOnIncomingCall: event.target.checked } })}
        />
        <label htmlFor={raiseId}>{t('desktop.raiseOnIncomingCall')}</label>
      </div>
      <div className="field">
        <p className="field__hint" data-testid="notification-permission">
          {t(`desktop.notifications.${permission}`)}
        </p>
        {permission === 'default' ? (
          <button
            type="button"
            className="button"
            onClick={() => void askForNotifications().then(setPermission)}
          >
            {t('desktop.notificationsAllow')}
          </button>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="field__error">
          {t(error)}
        </p>
      ) : null}
      <HotkeysForm />
    </section>
  );
}
