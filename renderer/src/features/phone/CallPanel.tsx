import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePhone } from '../../phone/phone-context';
import { keypadAvailable } from '../../sip/call-machine';
import type { CallView } from '../../sip/softphone';
import { Tones } from '../../sip/tones';
import { InCallKeypad } from './InCallKeypad';

const PHASE_TEXT = {
  connecting: 'phone.phaseConnecting',
  ringing: 'phone.phaseRinging',
  'early-media': 'phone.phaseEarlyMedia',
  incoming: 'phone.phaseIncoming',
  active: 'phone.phaseActive',
  'on-hold': 'phone.phaseOnHold',
  ended: 'phone.phaseActive',
} as const;

export function CallPanel({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const { softphone } = usePhone();
  const [tones] = useState(() => new Tones());
  const [keypadOpen, setKeypadOpen] = useState(false);
  const phase = call.state.phase;
  const who = call.name ? `${call.name} (${call.number})` : call.number;
  const canUseKeypad = keypadAvailable(call.state);
  // The PBX's prompt has started: open the keypad for the PIN.
  const keypadShown = canUseKeypad && (keypadOpen || call.state.pinRequested);
  const hangUpRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (phase === 'ringing') tones.ringback();
    else if (phase === 'incoming') tones.ring();
    else tones.stop();
    return () => tones.stop();
  }, [phase, tones]);

  useEffect(() => {
    if (phase !== 'incoming' || typeof Notification === 'undefined') return;
    if (Notification.permission === 'granted' && document.hidden) {
      const notification = new Notification(t('phone.notificationIncoming', { who }));
      notification.onclick = () => window.focus();
      return () => notification.close();
    }
  }, [phase, who, t]);

  useEffect(() => hangUpRef.current?.focus(), []);

  return (
    <section className="call" aria-labelledby="call-heading" data-testid="call-panel">
      <h2 id="call-heading">
        {call.direction === 'incoming' ? t('phone.incomingFrom', { who }) : t('phone.callWith', { who })}
      </h2>
      <p role="status" className="call__phase" data-testid="call-phase">
        {t(call.state.heldByRemote ? 'phone.phaseHeldByRemote' : PHASE_TEXT[phase])}{' '}
        {call.state.answeredAt ? <CallTimer since={call.state.answeredAt} /> : null}
      </p>
      {call.protectedPaid ? (
        <p className="pin-badge" data-testid="pin-required">
          <strong>{t('phone.pinRequired')}</strong> {t('phone.pinRequiredHint')}
        </p>
      ) : null}
      {phase === 'incoming' ? (
        <div className="call__actions">
          <button type="button" className="button button--call" onClick={() => softphone.accept()}>
            {t('phone.accept')}
          </button>
          <button
            type="button"
            ref={hangUpRef}
            className="button button--hangup"
            onClick={() => softphone.decline()}
          >
            {t('phone.decline')}
          </button>
        </div>
      ) : (
        <div className="call__actions">
          <button
            type="button"
            className="button"
            aria-pressed={call.state.muted}
            disabled={phase !== 'active' && phase !== 'early-media' && phase !== 'on-hold'}
            onClick={() => softphone.setMuted(!call.state.muted)}
          >
            {call.state.muted ? t('phone.unmute') : t('phone.mute')}
          </button>
          <button
            type="button"
            className="button"
            aria-pressed={phase === 'on-hold'}
            disabled={phase !== 'active' && phase !== 'on-hold'}
            onClick={() => softphone.setHeld(phase !== 'on-hold')}
          >
            {phase === 'on-hold' ? t('phone.resume') : t('phone.hold')}
          </button>
          <button
            type="button"
            className="button"
            aria-expanded={keypadShown}
            disabled={!canUseKeypad}
            onClick={() => setKeypadOpen(!keypadShown)}
          >
            {keypadShown ? t('phone.hideKeypad') : t('phone.keypad')}
          </button>
          <button
            type="button"
            ref={hangUpRef}
            className="button button--hangup"
            onClick={() => softphone.hangUp()}
          >
            {t('phone.hangUp')}
          </button>
        </div>
      )}
      {keypadShown ? (
        <InCallKeypad
          masked={call.protectedPaid}
          onKey={(key) => {
            const sent = softphone.pressKey(key);
            if (sent) tones.click();
            return sent;
          }}
        />
      ) : null}
    </section>
  );
}

function CallTimer({ since }: { since: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  const text = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  return (
    <span className="call__timer" data-testid="call-timer">
      {text}
    </span>
  );
}
