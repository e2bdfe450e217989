import { useTranslation } from 'react-i18next';
import { useHostState } from './host-context';

/** Registration and PIN-protection state, announced politely to screen readers when it changes. */
export function StatusBar() {
  const { t } = useTranslation();
  const { view } = useHostState();
  const registration = view.settings.account
    ? t('status.registrationOffline')
    : t('status.registrationNoAccount');
  return (
    <div className="status" role="status" aria-label={t('status.label')}>
      <span className="status__item" data-testid="registration-state">
        {registration}
      </span>
      <span className="status__item" data-testid="pin-protection-state">
        {t('status.pinUnknown')}
      </span>
    </div>
  );
}
