import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePhone } from '../../phone/phone-context';
import { keypadAvailable } from '../../sip/call-machine';
import { keypadKeyOf } from '../../sip/keypad-sender';
import type { CallView } from '../../sip/softphone';
import { Tones } from '../../sip/tones';
import { callScreen, maskedEcho } from './call-screen';
import { InCallKeypad } from './InCallKeypad';
import { useCallParty } from './OtherCall';
import { TransferControls } from './TransferControls';

/**
 * One call: what is happening (the SIP phase, or the PIN step on a PIN call), the actions, and the
 * keypad. Keys typed on the physical keyboard go to the PBX whenever the call can carry them, keypad
 * open or not; in the PIN step Enter sends `#`. Esc never hangs up. Focus starts on the heading, not
 * on a button a stray Enter would press (Auflegen, Ablehnen, Stumm).
 */
export function CallPanel({
  call,
  consultedCall = null,
}: {
  call: CallView;
  consultedCall?: CallView | null;
}) {
  const { t } = useTranslation();
  const { softphone } = usePhone();
  const [tones] = useState(() => new Tones());
  // null: the keypad opens by itself on a PIN call; true/false: the user's choice.
  const [keypadChoice, setKeypadChoice] = useState<boolean | null>(null);
  // Masked calls keep a count only; the keys themselves only where the echo shows them.
  const [echo, setEcho] = useState<{ count: number; keys: string }>({ count: 0, keys: '' });
  const [sendFailed, setSendFailed] = useState(false);
  const phase = call.state.phase;
  const who = useCallParty(call);
  const canUseKeypad = keypadAvailable(call.state);
  const screen = callScreen(call);
  const masked = maskedEcho(call);
  const keypadShown = canUseKeypad && (keypadChoice ?? call.pin != null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (phase === 'ringing') tones.ringback();
    else if (phase === 'incoming') tones.ring();
    else tones.stop();
    return () => tones.stop();
  }, [phase, tones]);

  // The system notification for a ringing call (in front or waiting): DesktopIntegration.

  // The heading takes focus when the call appears and again when an incoming call is accepted (its
  // buttons are replaced): never a button that a stray Enter or Space would press.
  const acceptedIncoming = call.direction === 'incoming' && call.state.answeredAt !== null;
  useEffect(() => headingRef.current?.focus(), [acceptedIncoming]);

  const press = (key: string) => {
    // Only this call's keys, and only while it is the call in front (never the held or waiting one).
    const sent = softphone.pressKey(key, call.id);
    setSendFailed(!sent);
    if (!sent) return;
    tones.click();
    setEcho((current) => ({
      count: current.count + 1,
      keys: masked ? '' : (current.keys + key).slice(-24),
    }));
  };

  const pressRef = useRef(press);
  useEffect(() => {
    pressRef.current = press;
  });
  const pinEntry = screen.pinEntry;
  // Enter confirms a PIN that has keys: a `#` on nothing (or a second one while the PBX checks)
  // would cost an attempt. Otherwise Enter in the PIN step does nothing at all.
  const enterSendsHash = pinEntry && call.pin?.phase === 'entering' && call.pin.keys > 0;
  useEffect(() => {
    if (!canUseKeypad) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
      const enter = event.key === 'Enter';
      if (enter && !pinEntry) return;
      const key = enter ? (enterSendsHash ? '#' : null) : keypadKeyOf(event);
      if (key === null && !enter) return;
      // Enter on a focused button would press it (Auflegen, say): in the PIN step it is `#` or nothing.
      event.preventDefault();
      event.stopPropagation();
      if (key !== null) pressRef.current(key);
    };
    document.addEventListener('keydown', onKeyDown, true);
    return () => document.removeEventListener('keydown', onKeyDown, true);
  }, [canUseKeypad, pinEntry, enterSendsHash]);

  const count = masked ? (call.pin ? call.pin.keys : echo.count) : echo.count;

  return (
    <section className="call" aria-labelledby="call-heading" data-testid="call-panel">
      <h2 id="call-heading" ref={headingRef} tabIndex={-1}>
        {call.direction === 'incoming' ? t('phone.incomingFrom', { who }) : t('phone.callWith', { who })}
      </h2>
      <p className="call__phase" data-testid="call-phase">
        <span role="status">{t(screen.headline.key, screen.headline.params)}</span>
        {screen.timerSince !== null ? <CallTimer since={screen.timerSince} /> : null}
      </p>
      {call.pin && screen.detail ? (
        <p className="pin-step" aria-live="polite" data-testid="pin-step">
          {call.protectedPaid ? <strong data-testid="pin-required">{t('phone.pinRequired')}: </strong> : null}
          {t(screen.detail.key, screen.detail.params)}
        </p>
      ) : null}
      {phase === 'incoming' ? (
        <div className="call__actions">
          <button type="button" className="button button--call" onClick={() => softphone.accept(call.id)}>
            {t('phone.accept')}
          </button>
          <button type="button" className="button button--hangup" onClick={() => softphone.decline(call.id)}>
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
            onClick={() => softphone.setHeld(phase !== 'on-hold', call.id)}
          >
            {phase === 'on-hold' ? t('phone.resume') : t('phone.hold')}
          </button>
          <button
            type="button"
            className="button"
            aria-expanded={keypadShown}
            aria-controls={keypadShown ? 'in-call-keypad' : undefined}
            disabled={!canUseKeypad}
            onClick={() => setKeypadChoice(!keypadShown)}
          >
            {keypadShown ? t('phone.hideKeypad') : t('phone.keypad')}
          </button>
          <button type="button" className="button button--hangup" onClick={() => softphone.hangUp(call.id)}>
            {t('phone.hangUp')}
          </button>
        </div>
      )}
      <CallNotices call={call} />
      {/* Not while a required PIN is being typed: that PIN step keeps its screen to itself. (A call
          that only might ask for one, on a PBX without policy, keeps the transfer.) */}
      {phase !== 'incoming' && !(screen.pinEntry && call.protectedPaid) ? (
        <TransferControls call={call} consultedCall={consultedCall} />
      ) : null}
      {canUseKeypad ? (
        <InCallKeypad
          masked={masked}
          count={count}
          keys={masked ? '' : echo.keys}
          shown={keypadShown}
          sendFailed={sendFailed}
          onKey={press}
        />
      ) : null}
    </section>
  );
}

/** Auto-answered, transferred to us, a transfer the other party asked for and the phone refused. */
function CallNotices({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const referrer = call.referredBy ?? call.number;
  return (
    <>
      {call.autoAnswered ? (
        <p className="notice" data-testid="auto-answered">
          {t('calls.autoAnswered')}
        </p>
      ) : null}
      {call.referredBy ? (
        <p className="field__hint" data-testid="referred-by">
          {t('calls.referredBy', { who: call.referredBy })}
        </p>
      ) : null}
      {call.referRefused ? (
        <p role="alert" className="notice notice--warning" data-testid="refer-refused">
          {t(`calls.referRefused.${call.referRefused}`, { who: referrer })}
        </p>
      ) : null}
    </>
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
