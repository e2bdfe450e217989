import { useTranslation } from 'react-i18next';
import { usePhone } from '../../phone/phone-context';

/** The entitlement state in plain words: not available, available but off, active, or unknown. */
export function EntitlementText() {
  const { t } = useTranslation();
  const { entitlement } = usePhone();
  const key =
    entitlement === 'active'
      ? 'status.pinActive'
      : entitlement === 'available'
        ? 'status.pinAvailable'
        : entitlement === 'not-available'
          ? 'status.pinNotAvailable'
          : 'status.pinUnknown';
  return <p data-testid="account-entitlement">{t(key)}</p>;
}
