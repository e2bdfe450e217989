import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePhone } from '../../phone/phone-context';
import { echoServiceNumber } from './audio-devices';

/**
 * A test call to the PBX's echo service through the phone's normal call API: the call screen opens
 * on the Telefon tab, and the user hears themselves with a short delay.
 */
export function EchoTest() {
  const { t } = useTranslation();
  const { dial, snapshot, policy } = usePhone();
  const [refused, setRefused] = useState(false);
  const number = echoServiceNumber(policy.kind === 'fresh' || policy.kind === 'stale' ? policy.policy : null);
  const registered = snapshot.registration.kind === 'registered';
  return (
    <div className="field echo-test">
      <button
        type="button"
        className="button"
        data-testid="echo-test"
        disabled={!registered || snapshot.call !== null}
        aria-describedby="echo-test-hint"
        onClick={() => setRefused(!dial(number))}
      >
        {t('audio.echoTest')}
      </button>
      <p id="echo-test-hint" className="field__hint">
        {registered ? t('audio.echoTestHint', { number }) : t('audio.echoTestNeedsRegistration')}
      </p>
      {refused ? (
        <p role="alert" className="notice notice--warning">
          {t('audio.echoTestRefused')}
        </p>
      ) : null}
    </div>
  );
}
