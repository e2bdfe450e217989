import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { usePhone } from '../../phone/phone-context';
import type { CallOutcome } from '../../sip/call-machine';
import { CallPanel } from './CallPanel';
import { OtherCall } from './OtherCall';
import { CallOptions } from './CallOptions';
import type { PaidCallLock } from './call-screen';
import { usePaidCallLock } from './use-paid-call-lock';
import { Dialer } from './Dialer';

const FAILURE_OUTCOMES = new Set<CallOutcome>([
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

/**
 * How the last call ended, in one sentence with what to do next. After wrong PINs the policy may
 * already say the extension is locked: then "call again with the right PIN" would be wrong.
 */
export function outcomeMessage(outcome: CallOutcome, lock: PaidCallLock): { key: string; time?: string } {
  if (outcome === 'pin-failed' || outcome === 'locked') {
    if (lock.kind === 'quarantined') return { key: 'phone.outcome.quarantined' };
    if (lock.kind === 'locked')
      return {
        key: outcome === 'pin-failed' ? 'phone.outcome.pinFailedLocked' : 'phone.outcome.lockedUntil',
        time: lock.until,
      };
  }
  return { key: `phone.outcome.${outcome}` };
}

export function PhoneTab(props: {
  number: string;
  onNumberChange(number: string): void;
  linkNumber: string | null;
  callbackNumber?: string | null;
}) {
  const { t, i18n } = useTranslation();
  const { snapshot, policy } = usePhone();
  const numberRef = useRef<HTMLInputElement>(null);
  const hadCall = useRef(false);
  const call = snapshot.call;
  const lock = usePaidCallLock(policy);

  // After a call, focus returns to the number field (the call panel and its buttons are gone).
  useEffect(() => {
    if (call) hadCall.current = true;
    else if (hadCall.current) {
      hadCall.current = false;
      numberRef.current?.focus();
    }
  }, [call]);

  if (call) {
    // The second line beside the call in front: waiting (call waiting) or held.
    const others = snapshot.calls.filter((other) => other.id !== call.id);
    const consulted = call.consultFor ? (others.find((other) => other.id === call.consultFor) ?? null) : null;
    return (
      <>
        {others.map((other) => (
          <OtherCall key={other.id} call={other} front={call} />
        ))}
        <CallPanel key={call.id} call={call} consultedCall={consulted} />
      </>
    );
  }
  const outcome = snapshot.lastEnded?.state.outcome ?? null;
  const message = outcome ? outcomeMessage(outcome, lock) : null;
  return (
    <>
      {outcome && message ? (
        <p
          role={FAILURE_OUTCOMES.has(outcome) ? 'alert' : 'status'}
          className={FAILURE_OUTCOMES.has(outcome) ? 'notice notice--warning' : 'notice'}
          data-testid="call-outcome"
        >
          {t(message.key, {
            time: message.time
              ? new Date(message.time).toLocaleTimeString(i18n.language, {
                  hour: '2-digit',
                  minute: '2-digit',
                })
              : '',
          })}
        </p>
      ) : null}
      <Dialer {...props} numberRef={numberRef} />
      <CallOptions />
    </>
  );
}
