import { useTranslation } from 'react-i18next';
import { DialPad } from './DialPad';

/**
 * The in-call keypad's echo and keys. Keys go in-band to the PBX (RFC 4733). On a masked call the
 * echo is dots and a count: this component holds no state at all, and the typed keys are kept
 * nowhere but in the tone sender's queue — not in React state, history, logs or the clipboard (the
 * echo is not selectable). Screen readers hear "3 Ziffern eingegeben", never the digits.
 */
export function InCallKeypad(props: {
  masked: boolean;
  /** Keys typed (on a masked call: in this PIN attempt). */
  count: number;
  /** The keys to echo on an unmasked call; always '' on a masked one. */
  keys: string;
  /** The pad is hidden by "Tastatur ausblenden"; the echo stays, so typed keys are still seen. */
  shown: boolean;
  sendFailed: boolean;
  onKey(key: string): void;
}) {
  const { t } = useTranslation();
  const spoken = props.masked
    ? props.count > 0
      ? t('phone.digitsEntered', { count: props.count })
      : ''
    : props.keys
      ? t('phone.keysEcho', { keys: props.keys })
      : '';
  return (
    <div className="keypad" id="in-call-keypad">
      <p className="keypad__echo" data-testid="keypad-echo" onCopy={(event) => event.preventDefault()}>
        {props.masked ? (
          <span aria-hidden="true" className="keypad__dots">
            {'•'.repeat(props.count) || '\u00a0'}
          </span>
        ) : (
          <span aria-hidden="true">{props.keys || '\u00a0'}</span>
        )}
        <span className="visually-hidden" aria-live="polite" data-testid="keypad-announcement">
          {spoken}
        </span>
      </p>
      {props.shown ? (
        <DialPad label={t('phone.keypadLabel')} onKey={props.onKey} testId="in-call-keypad" />
      ) : null}
      {props.sendFailed ? (
        <p role="alert" className="field__error">
          {t('phone.dtmfFailed')}
        </p>
      ) : null}
    </div>
  );
}
