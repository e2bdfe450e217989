import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { usePhone } from '../../phone/phone-context';

/** Local call history: number, name, direction, time, duration, outcome and the PIN step — never digits. */
export function HistoryTab({ onCall }: { onCall(number: string): void }) {
  const { t, i18n } = useTranslation();
  const { history, snapshot } = usePhone();
  const entries = useSyncExternalStore(
    (listener) => history.subscribe(listener),
    () => history.list(),
  );
  const registered = snapshot.registration.kind === 'registered';

  return (
    <div className="history">
      <h2>{t('history.heading')}</h2>
      {entries.length === 0 ? (
        <p className="empty">{t('history.empty')}</p>
      ) : (
        <ul className="history__list" data-testid="history-list">
          {entries.map((entry) => (
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
                  {t('history.duration', {
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
                disabled={!registered}
                onClick={() => onCall(entry.number)}
                aria-label={t('history.callBack', { who: entry.name ?? entry.number })}
              >
                {t('phone.call')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
