import { useTranslation } from 'react-i18next';
import { useHostState } from '../../app/host-context';

export function CallSettingsTab() {
  const { t } = useTranslation();
  const { view } = useHostState();
  return (
    <div className="call-settings">
      <h2>{t('callSettings.heading')}</h2>
      <p className="empty">
        {view.settings.account ? t('callSettings.noPolicy') : t('callSettings.noAccount')}
      </p>
    </div>
  );
}
