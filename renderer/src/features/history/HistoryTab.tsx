import { useTranslation } from 'react-i18next';

export function HistoryTab() {
  const { t } = useTranslation();
  return (
    <div className="history">
      <h2>{t('history.heading')}</h2>
      <p className="empty">{t('history.empty')}</p>
    </div>
  );
}
