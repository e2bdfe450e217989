import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../app/Feedback';
import { useHostState } from '../../app/host-context';
import { usePhone } from '../../phone/phone-context';

/** The signed-in extension's Anrufeinstellungen, read-only, as the policy states them. */
export function OwnCallSettings() {
  const { t, i18n } = useTranslation();
  const { view } = useHostState();
  const { policy } = usePhone();
  const account = view.settings.account;
  if (!account) return <p className="empty">{t('callSettings.noAccount')}</p>;
  if (policy.kind === 'no-api') return <p className="empty">{t('callSettings.noApi')}</p>;
  if (policy.kind === 'loading') return <p className="empty">{t('callSettings.loading')}</p>;
  if (policy.kind === 'unavailable')
    return <p className="notice notice--warning">{t('callSettings.unavailable')}</p>;
  const { pinProtection } = policy.policy;
  return (
    <section aria-labelledby="own-settings" className="own-settings" data-testid="own-call-settings">
      <h3 id="own-settings">{t('callSettings.ownHeading', { extension: policy.policy.extension })}</h3>
      <dl className="facts">
        <dt>{t('callSettings.ivrAuthentication')}</dt>
        <dd data-testid="own-ivr-authentication">
          {pinProtection.ivrAuthentication ? t('callSettings.on') : t('callSettings.off')}
        </dd>
        {policy.policy.pinScope ? (
          <>
            <dt>{t('pinCodes.scope')}</dt>
            <dd data-testid="own-pin-scope">{t(`pinCodes.scopes.${policy.policy.pinScope}`)}</dd>
          </>
        ) : null}
      </dl>
      <p data-testid="own-product">
        {pinProtection.available && pinProtection.product
          ? t('callSettings.productAllows', { product: pinProtection.product.name })
          : t('callSettings.productDoesNotAllow')}
      </p>
      <p>
        {pinProtection.unlockCodeSet ? t('callSettings.unlockCodeSet') : t('callSettings.unlockCodeNotSet')}
      </p>
      {pinProtection.quarantinedSince ? (
        <p className="notice notice--warning" data-testid="own-quarantine">
          {t('callSettings.ownQuarantined', {
            time: formatDateTime(pinProtection.quarantinedSince, i18n.language),
          })}
        </p>
      ) : pinProtection.lockedUntil ? (
        <p className="notice notice--warning">
          {t('callSettings.lockedUntil', {
            time: formatDateTime(pinProtection.lockedUntil, i18n.language),
          })}
        </p>
      ) : null}
      <p className="field__hint">{t('callSettings.readOnly')}</p>
    </section>
  );
}
