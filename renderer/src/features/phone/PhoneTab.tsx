import { useTranslation } from 'react-i18next';
import { usePhone } from '../../phone/phone-context';
import { CallPanel } from './CallPanel';
import { Dialer } from './Dialer';

const FAILURE_OUTCOMES = new Set([
  'busy',
  'unavailable',
  'not-found',
  'incomplete-number',
  'forbidden',
  'pin-failed',
  'locked',
  'no-media',
  'microphone-missing',
  'microphone-denied',
  'pbx-error',
  'network',
]);

export function PhoneTab(props: {
  number: string;
  onNumberChange(number: string): void;
  linkNumber: string | null;
}) {
  const { t } = useTranslation();
  const { snapshot } = usePhone();
  if (snapshot.call) return <CallPanel call={snapshot.call} />;
  const outcome = snapshot.lastEnded?.state.outcome ?? null;
  return (
    <>
      {outcome ? (
        <p
          role={FAILURE_OUTCOMES.has(outcome) ? 'alert' : 'status'}
          className={FAILURE_OUTCOMES.has(outcome) ? 'notice notice--warning' : 'notice'}
          data-testid="call-outcome"
        >
          {t(`phone.outcome.${outcome}`)}
        </p>
      ) : null}
      <Dialer {...props} />
    </>
  );
}
