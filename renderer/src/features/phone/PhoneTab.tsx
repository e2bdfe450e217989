import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useHostState } from '../../app/host-context';

/**
 * The number field and the call button. A tel:/sip: link fills the number in; it never dials.
 * Placing calls needs a registered SIP session, which arrives with the softphone work.
 */
export function PhoneTab(props: {
  number: string;
  onNumberChange(number: string): void;
  linkNumber: string | null;
}) {
  const { t } = useTranslation();
  const { view } = useHostState();
  const inputId = useId();

  return (
    <div className="phone">
      <h2>{t('phone.heading')}</h2>
      {view.settings.account === null ? <p className="notice">{t('phone.setUpAccountFirst')}</p> : null}
      <label htmlFor={inputId}>{t('phone.numberLabel')}</label>
      <input
        id={inputId}
        className="phone__number"
        type="tel"
        inputMode="tel"
        autoComplete="off"
        value={props.number}
        onChange={(event) => props.onNumberChange(event.target.value)}
        data-testid="dial-number"
      />
      {props.linkNumber !== null && props.linkNumber === props.number ? (
        <p className="field__hint" role="status">
          {t('phone.numberFromLink', { number: props.linkNumber })}
        </p>
      ) : null}
      <button type="button" className="button button--call" disabled aria-describedby={`${inputId}-why`}>
        {t('phone.call')}
      </button>
      <p id={`${inputId}-why`} className="field__hint">
        {t('phone.callUnavailable')}
      </p>
    </div>
  );
}
