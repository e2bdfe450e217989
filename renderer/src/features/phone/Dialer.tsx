import { useEffect, useId, useRef, type FormEvent, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { Classification } from '../../../../shared/dial-plan/dial-plan';
import { useHostState } from '../../app/host-context';
import { usePhone } from '../../phone/phone-context';
import { usePaidCallLock } from './use-paid-call-lock';
import { DialPad } from './DialPad';
import { isSipUri } from '../../phone/sip-target';
import { DirectoryMatches } from '../directory/DirectoryMatches';

const CLASS_TEXT: Record<Exclude<Classification['callClass'], 'invalid'>, string> = {
  internal: 'phone.classInternal',
  'ivr-app': 'phone.classIvrApp',
  emergency: 'phone.classEmergency',
  'toll-free': 'phone.classTollFree',
  external: 'phone.classExternal',
};

/** The number field, dial pad and call button, with a warning before a PIN-protected paid call. */
export function Dialer(props: {
  number: string;
  onNumberChange(number: string): void;
  linkNumber: string | null;
  /** The number field, so focus can return to it after a call. */
  numberRef?: Ref<HTMLInputElement>;
  /** A paid number to call back from Verlauf: shown with the warning, dialled only by "Anrufen". */
  callbackNumber?: string | null;
}) {
  const { numberRef } = props;
  const { t, i18n } = useTranslation();
  const { view } = useHostState();
  const { snapshot, classify, dial, policy } = usePhone();
  const inputId = useId();
  const number = props.number.trim();
  const { classification, protectedPaid } = number
    ? classify(number)
    : { classification: null, protectedPaid: false };
  const registered = snapshot.registration.kind === 'registered';
  const invalid = classification?.callClass === 'invalid';
  const lock = usePaidCallLock(policy);
  // The PBX refuses PIN calls while paid calls are locked or quarantined: do not offer them.
  const lockedOut = protectedPaid && lock.kind !== 'none';
  const canCall = registered && number !== '' && !invalid && !lockedOut;
  const callButton = useRef<HTMLButtonElement>(null);
  const confirming = props.callbackNumber != null && props.callbackNumber === props.number;
  useEffect(() => {
    if (confirming) callButton.current?.focus();
  }, [confirming]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!canCall) return;
    // Notifications are asked for at set-up (Konto, after saving the account), not here.
    dial(number);
  };

  return (
    <form className="phone" onSubmit={submit}>
      <h2>{t('phone.heading')}</h2>
      {view.settings.account === null ? <p className="notice">{t('phone.setUpAccountFirst')}</p> : null}
      <label htmlFor={inputId}>{t('phone.numberLabel')}</label>
      <div className="phone__entry">
        <input
          id={inputId}
          className="phone__number"
          type="tel"
          inputMode="tel"
          autoComplete="off"
          ref={numberRef}
          value={props.number}
          onChange={(event) => props.onNumberChange(event.target.value)}
          aria-describedby={`${inputId}-class`}
          data-testid="dial-number"
        />
        <button
          type="button"
          className="button"
          aria-label={t('phone.deleteDigit')}
          onClick={() => props.onNumberChange(props.number.slice(0, -1))}
          disabled={props.number === ''}
        >
          ⌫
        </button>
      </div>
      {/* Search as you type: colleagues and favourites matching the field (E1, directory). */}
      <DirectoryMatches query={props.number} onPick={props.onNumberChange} />
      <div id={`${inputId}-class`} role="status" className="phone__class" data-testid="dial-classification">
        {props.linkNumber !== null && props.linkNumber === props.number ? (
          <p className="field__hint">{t('phone.numberFromLink', { number: props.linkNumber })}</p>
        ) : null}
        {confirming ? <p className="field__hint">{t('phone.callbackConfirm')}</p> : null}
        {classification && classification.callClass !== 'invalid' ? (
          <p className="field__hint">{t(CLASS_TEXT[classification.callClass])}</p>
        ) : null}
        {/* A sip:user@host address: said as such, and how to write it when it is not one. */}
        {isSipUri(number) && !invalid ? <p className="field__hint">{t('calls.sipAddress')}</p> : null}
        {invalid ? (
          <p className="field__error">
            {t(isSipUri(number) ? 'calls.sipAddressInvalid' : 'phone.classInvalid')}
          </p>
        ) : null}
        {protectedPaid ? (
          <p className="pin-badge" data-testid="pin-required">
            <strong>{t(lockedOut ? 'phone.paidLocked' : 'phone.pinRequired')}</strong>{' '}
            {lock.kind === 'locked'
              ? t('phone.lockedUntilHint', {
                  time: new Date(lock.until).toLocaleTimeString(i18n.language, {
                    hour: '2-digit',
                    minute: '2-digit',
                  }),
                })
              : lock.kind === 'quarantined'
                ? t('phone.quarantinedHint')
                : t('phone.pinRequiredHint')}
          </p>
        ) : null}
      </div>
      <DialPad label={t('phone.dialPad')} onKey={(key) => props.onNumberChange(props.number + key)} />
      <button
        type="submit"
        ref={callButton}
        className="button button--call"
        disabled={!canCall}
        data-testid="dial-call"
      >
        {t('phone.call')}
      </button>
      {!registered && view.settings.account !== null ? (
        <p className="field__hint">{t('phone.callUnavailable')}</p>
      ) : null}
    </form>
  );
}
