import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { usePhone } from '../../phone/phone-context';
import { usePaidCallLock } from '../phone/use-paid-call-lock';

/**
 * Local call history: number, name, direction, time, talk time, outcome and the PIN step — never
 * digits. Talk time counts from the destination's answer; a failed PIN has none. Calling back a paid
 * number goes through the dialler's warning (the shell decides); while paid calls are locked the
 * button is off for numbers that need the PIN.
 */
export function HistoryTab({ onCall }: { onCall(number: string): void }) {
  const { t, i18n } = useTranslation();
  const { history, snapshot, classify, policy } = usePhone();
  const entries = useSyncExternalStore(
    (listener) => history.subscribe(listener),
    () => history.list(),
  );
  const registered = snapshot.registration.kind === 'registered';
  const lock = usePaidCallLock(policy);

  return (
    <div className="history">
      <h2>{t('history.heading')}</h2>
      {entries.length === 0 ? (
        <p className="empty">{t('history.empty')}</p>
      ) : (
        <ul className="history__list" data-testid="history-list">
          {entries.map((entry) => {
            const noTalk = entry.pin === 'failed' || entry.pin === 'locked';
            const lockedOut = lock.kind !== 'none' && classify(entry.number).protectedPaid;
            return (
              <li key={entry.id} className="history__entry">
                <div>
                  <strong>{entry.name ? `${entry.name} (${entry.number})` : entry.number}</strong>
                  <p className="field__hint">
                    {t(entry.direction === 'outgoing' ? 'history.outgoing' : 'history.incoming')} ·{' '}
                    {new Date(entry.startedAt).toLocaleString(i18n.language, {
                      dateStyle: 'short',
                      timeStyle: 'short',
                    })}{' '}
                    ·{' '}
                    {noTalk
                      ? t('history.noTalkTime')
                      : t('history.duration', {
                          minutes: Math.floor(entry.durationS / 60),
                          seconds: String(entry.durationS % 60).padStart(2, '0'),
                        })}{' '}
                    · {t(`history.outcome.${entry.outcome}`, { defaultValue: entry.outcome })}
                    {entry.pin !== 'not-required' ? ` · ${t(`history.pin.${entry.pin}`)}` : ''}
                  </p>
                </div>
                <button
                  type="button"
                  className="button"
                  disabled={!registered || lockedOut}
                  onClick={() => onCall(entry.number)}
                  aria-label={t('history.callBack', { who: entry.name ?? entry.number })}
                >
                  {t('phone.call')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
