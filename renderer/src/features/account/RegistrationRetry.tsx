import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { secondsUntil } from './registration-problem';

/**
 * The live countdown to the phone's next attempt and "Retry now". The ticking number is not a live
 * region (a screen reader would read it every second); the problem itself is announced once.
 * Give it `key={retryAt}` so each new attempt starts from a fresh clock.
 */
export function RegistrationRetry(props: { retryAt: number; onRetryNow(): void }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  const seconds = secondsUntil(props.retryAt, now);
  return (
    <div className="registration-retry" data-testid="registration-retry">
      <span className="registration-retry__countdown">
        {seconds > 0 ? t('account.retryIn', { seconds }) : t('account.retrying')}
      </span>{' '}
      <button type="button" className="button" onClick={props.onRetryNow}>
        {t('account.retryNow')}
      </button>
    </div>
  );
}
