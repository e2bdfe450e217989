import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isMissed, isRefused, type HistoryEntry } from '../../history/call-history';
import { displayNumber } from '../../history/display-number';
import { useDirectoryName } from '../directory/use-directory';

/** One call in Verlauf; deleting it asks first (focus on Cancel). */
export function HistoryItem(props: {
  entry: HistoryEntry;
  country: string | null;
  callDisabled: boolean;
  onCall(number: string): void;
  onDelete(): void;
}) {
  const { t, i18n } = useTranslation();
  const { entry } = props;
  const [confirming, setConfirming] = useState(false);
  // The directory (or a favourite) knows the colleague; the caller's own display name otherwise.
  const name = useDirectoryName(entry.number) ?? entry.name ?? null;
  const shown = displayNumber(entry.number, props.country);
  const who = name ?? shown;
  /** Delete names the call fully: several entries may share a name. */
  const whole = name ? `${name} (${shown})` : shown;
  const noTalk = entry.pin === 'failed' || entry.pin === 'locked';
  const missed = isMissed(entry);
  const refused = isRefused(entry);
  const outcome = refused
    ? t(`historyList.refused.${entry.outcome}`, {
        defaultValue: t(`history.outcome.${entry.outcome}`, { defaultValue: entry.outcome }),
      })
    : t(`history.outcome.${entry.outcome}`, { defaultValue: entry.outcome });

  return (
    <li
      className={`history__entry${missed ? ' history__entry--missed' : ''}${refused ? ' history__entry--refused' : ''}`}
      data-testid="history-entry"
      data-missed={missed || undefined}
    >
      <div>
        <strong>
          {missed ? <span className="history__mark">{t('historyList.missedMark')} </span> : null}
          {name ? `${name} (${shown})` : shown}
        </strong>
        <p className="field__hint">
          {t(entry.direction === 'outgoing' ? 'history.outgoing' : 'history.incoming')} ·{' '}
          {new Date(entry.startedAt).toLocaleString(i18n.language, {
            dateStyle: 'short',
            timeStyle: 'short',
          })}{' '}
          ·{' '}
          {noTalk || missed || refused
            ? t('history.noTalkTime')
            : t('history.duration', {
                minutes: Math.floor(entry.durationS / 60),
                seconds: String(entry.durationS % 60).padStart(2, '0'),
              })}{' '}
          · {outcome}
          {entry.pin !== 'not-required' ? ` · ${t(`history.pin.${entry.pin}`)}` : ''}
          {entry.codeLabel ? (
            <span data-testid="history-code-label">
              {' '}
              · {t('historyList.codeLabel', { label: entry.codeLabel })}
            </span>
          ) : null}
        </p>
      </div>
      {confirming ? (
        <div
          className="history__confirm"
          role="group"
          aria-label={t('historyList.confirmOne', { who: whole })}
        >
          <span>{t('historyList.confirmOne', { who: whole })}</span>
          <button
            type="button"
            className="button button--danger"
            onClick={() => {
              setConfirming(false);
              props.onDelete();
            }}
          >
            {t('historyList.delete')}
          </button>
          <button type="button" className="button" autoFocus onClick={() => setConfirming(false)}>
            {t('historyList.cancel')}
          </button>
        </div>
      ) : (
        <div className="history__actions">
          <button
            type="button"
            className="button"
            disabled={props.callDisabled}
            onClick={() => props.onCall(entry.number)}
            aria-label={t('history.callBack', { who })}
          >
            {t('phone.call')}
          </button>
          <button
            type="button"
            className="button"
            onClick={() => setConfirming(true)}
            aria-label={t('historyList.deleteOne', { who: whole })}
          >
            {t('historyList.delete')}
          </button>
        </div>
      )}
    </li>
  );
}
