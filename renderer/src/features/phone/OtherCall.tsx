import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useHostState } from '../../app/host-context';
import { CallWaitingTone } from '../../phone/call-waiting-tone';
import { usePhone } from '../../phone/phone-context';
import type { CallView } from '../../sip/softphone';
import { useDirectoryName } from '../directory/use-directory';
import './second-line.css';

/** Who a call is with, as the call screen says it: the directory's name, the caller's, or the number. */
export function useCallParty(call: Pick<CallView, 'number' | 'name'>): string {
  const directoryName = useDirectoryName(call.number);
  const name = directoryName ?? call.name;
  return name ? `${name} (${call.number})` : call.number;
}

/**
 * The second line beside the call in front: a waiting call (call waiting: a soft tone in the call's
 * audio, the caller shown, accept holds the current call) or a held one (swap, hang up).
 */
export function OtherCall({ call, front }: { call: CallView; front: CallView | null }) {
  const { t } = useTranslation();
  const { softphone } = usePhone();
  const { view } = useHostState();
  const who = useCallParty(call);
  const current = useCallParty(front ?? call);
  const waiting = call.state.phase === 'incoming';
  const outputDeviceId = view.settings.audio.outputDeviceId;
  const [tone] = useState(() => new CallWaitingTone());

  useEffect(() => {
    if (!waiting) return;
    tone.start(outputDeviceId);
    return () => tone.stop();
  }, [waiting, tone, outputDeviceId]);

  if (waiting)
    return (
      <section className="other-call other-call--waiting" aria-live="assertive" data-testid="waiting-call">
        <p className="other-call__who">
          <strong>{t('calls.waitingFrom', { who })}</strong>
        </p>
        {front ? <p className="field__hint">{t('calls.waitingHint', { current })}</p> : null}
        <div className="call__actions">
          <button type="button" className="button button--call" onClick={() => softphone.accept(call.id)}>
            {t('calls.acceptWaiting')}
          </button>
          <button type="button" className="button button--hangup" onClick={() => softphone.decline(call.id)}>
            {t('calls.declineWaiting')}
          </button>
        </div>
      </section>
    );
  return (
    <section className="other-call" data-testid="held-call">
      <p className="other-call__who">{t('calls.heldCall', { who })}</p>
      <div className="call__actions">
        <button
          type="button"
          className="button"
          disabled={
            call.state.phase !== 'on-hold' ||
            (front !== null && front.state.phase !== 'active' && front.state.phase !== 'on-hold')
          }
          onClick={() => softphone.swap()}
        >
          {t('calls.swap')}
        </button>
        <button type="button" className="button button--hangup" onClick={() => softphone.hangUp(call.id)}>
          {t('calls.hangUpOther', { who: call.number })}
        </button>
      </div>
    </section>
  );
}
