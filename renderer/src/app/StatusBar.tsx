import { useTranslation } from 'react-i18next';
import { usePhone } from '../phone/phone-context';
import type { PolicyProblem } from '../policy/policy-client';
import { usePaidCallLock } from '../features/phone/use-paid-call-lock';
import { useHostState } from './host-context';

/** Why the policy shown is an older one: each problem says what is wrong and what to do. */
const STALE_TEXT = {
  network: 'status.policyStale',
  server: 'status.policyStaleServer',
  'invalid-response': 'status.policyStaleServer',
  credentials: 'status.policyStaleCredentials',
} as const satisfies Record<PolicyProblem, string>;

/** Registration and PIN-protection state in plain words, announced politely when they change. */
export function StatusBar() {
  const { t, i18n } = useTranslation();
  const { view } = useHostState();
  const { snapshot, policy, entitlement } = usePhone();
  const registration = snapshot.registration;
  const account = view.settings.account;

  const registrationText = (() => {
    if (!account) return t('status.registrationNoAccount');
    switch (registration.kind) {
      case 'registered':
        return t('status.registrationRegistered', { extension: account.extension });
      case 'connecting':
        return t('status.registrationConnecting');
      case 'failed':
        return t(
          registration.problem === 'credentials'
            ? 'status.registrationCredentials'
            : registration.problem === 'throttled'
              ? 'status.registrationThrottled'
              : 'status.registrationServer',
        );
      case 'offline':
        return t('status.registrationRetrying', {
          seconds: Math.max(1, Math.round(registration.retryInMs / 1000)),
        });
      default:
        return t('status.registrationOffline');
    }
  })();

  const time = (iso: string | number) =>
    new Date(iso).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit' });
  // The same lock the dialler and the history show: locked until a time, or quarantined.
  const lock = usePaidCallLock(policy);
  const entitlementText =
    lock.kind === 'quarantined'
      ? t('status.pinQuarantined')
      : lock.kind === 'locked'
        ? t('status.pinLocked', { time: time(lock.until) })
        : entitlement === 'active'
          ? t('status.pinActive')
          : entitlement === 'available'
            ? t('status.pinAvailable')
            : entitlement === 'not-available'
              ? t('status.pinNotAvailable')
              : t('status.pinUnknown');

  return (
    <div className="status" role="status" aria-label={t('status.label')}>
      <span
        className={`status__item status__item--${account ? registration.kind : 'idle'}`}
        data-testid="registration-state"
      >
        {registrationText}
      </span>
      <span
        className={`status__item status__item--pin-${lock.kind === 'none' ? entitlement : 'locked'}`}
        data-testid="pin-protection-state"
      >
        {entitlementText}
        {policy.kind === 'stale' ? ` ${t(STALE_TEXT[policy.problem], { time: time(policy.fetchedAt) })}` : ''}
      </span>
      {view.settings.calls.doNotDisturb ? (
        <span className="status__item status__item--dnd" data-testid="dnd-state">
          {t('desktop.dndStatus')}
        </span>
      ) : null}
    </div>
  );
}
