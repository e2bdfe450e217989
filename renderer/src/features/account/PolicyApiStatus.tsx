import { useTranslation } from 'react-i18next';
import { usePhone } from '../../phone/phone-context';
import { policyUnreachable } from '../../policy/policy-client';

/**
 * After several failed attempts in a row the policy API is called unreachable here, with a retry
 * button; in the background the client keeps trying with a growing, jittered delay.
 */
export function PolicyApiStatus() {
  const { t } = useTranslation();
  const { policy, retryPolicy } = usePhone();
  if (!policyUnreachable(policy)) return null;
  const problem = policy.kind === 'stale' || policy.kind === 'unavailable' ? policy.problem : 'network';
  return (
    <div className="notice notice--warning" data-testid="policy-api-unreachable">
      <p role="alert">
        <strong>{t('account.policyApiUnreachable')}</strong>{' '}
        {t(problem === 'credentials' ? 'account.policyApiCredentials' : 'account.policyApiUnreachableHint')}
      </p>
      <button type="button" className="button" onClick={() => retryPolicy()}>
        {t('account.policyApiRetry')}
      </button>
    </div>
  );
}
