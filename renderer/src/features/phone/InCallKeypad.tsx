import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { keypadKeyOf } from '../../sip/keypad-sender';
import { DialPad } from './DialPad';

/**
 * The in-call keypad. Keys go in-band to the PBX (RFC 4733). On a PIN-protected call the echo shows
 * dots only; the typed keys are kept nowhere but in the tone sender's queue — not in state, history,
 * logs or the clipboard (the echo is not selectable).
 */
export function InCallKeypad(props: { masked: boolean; onKey(key: string): boolean }) {
  const { t } = useTranslation();
  const [echo, setEcho] = useState({ count: 0, keys: '' });
  const [failed, setFailed] = useState(false);

  const press = (key: string) => {
    const sent = props.onKey(key);
    setFailed(!sent);
    if (!sent) return;
    setEcho((current) => ({
      count: current.count + 1,
      keys: props.masked ? '' : (current.keys + key).slice(-24),
    }));
  };

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (
        target &&
        (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT')
      )
        return;
      const key = keypadKeyOf(event);
      if (key === null || event.repeat) return;
      event.preventDefault();
      press(key);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  });

  return (
    <div className="keypad">
      <p
        className="keypad__echo"
        aria-live="polite"
        data-testid="keypad-echo"
        onCopy={(event) => event.preventDefault()}
      >
        {props.masked
          ? t('phone.pinEcho', { dots: '•'.repeat(echo.count) })
          : echo.keys
            ? t('phone.keysEcho', { keys: echo.keys })
            : '\u00a0'}
      </p>
      <DialPad label={t('phone.keypadLabel')} onKey={press} testId="in-call-keypad" />
      {failed ? (
        <p role="alert" className="field__error">
          {t('phone.dtmfFailed')}
        </p>
      ) : null}
    </div>
  );
}
