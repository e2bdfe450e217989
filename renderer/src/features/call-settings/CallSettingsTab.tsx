import { useTranslation } from 'react-i18next';
import { AdminPanel } from './AdminPanel';
import { OwnCallSettings } from './OwnCallSettings';

export function CallSettingsTab() {
  const { t } = useTranslation();
  return (
    <div className="call-settings">
      <h2>{t('callSettings.heading')}</h2>
      <OwnCallSettings />
      <AdminPanel />
    </div>
  );
}
