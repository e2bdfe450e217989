import { useEffect, useId, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useHostState } from '../../app/host-context';
import type { HistoryEntry } from '../../history/call-history';
import { usePhone } from '../../phone/phone-context';
import { useDirectory } from '../directory/use-directory';
import { nameFor } from '../directory/directory-lookup';
import { usePaidCallLock } from '../phone/use-paid-call-lock';
import { HistoryItem } from './HistoryItem';
import { matchesQuery } from './history-search';
import './history.css';

/**
 * Local call history: number (formatted, the stored value dialled back), the name from the
 * directory, direction, time, talk time, outcome, the PIN step and whose code opened it — never
 * digits. Search, delete one or all (each asks first); missed calls are marked and, once this tab is
 * shown, count as seen (the tab's badge). Calling back a paid number goes through the dialler's
 * warning (the shell decides); while paid calls are locked the button is off for numbers that need
 * the PIN.
 */
export function HistoryTab({ onCall }: { onCall(number: string): void }) {
  const { t } = useTranslation();
  const id = useId();
  const { view } = useHostState();
  const { history, snapshot, classify, policy } = usePhone();
  const { status } = useDirectory();
  const entries = useSyncExternalStore(
    (listener) => history.subscribe(listener),
    () => history.list(),
  );
  const registered = snapshot.registration.kind === 'registered';
  const lock = usePaidCallLock(policy);
  const country = policy.kind === 'fresh' || policy.kind === 'stale' ? policy.policy.dialPlan.country : null;
  const [query, setQuery] = useState('');
  const [confirmingAll, setConfirmingAll] = useState(false);

  // Shown: every missed call in the list counts as seen (also one that comes in while it is open).
  useEffect(() => history.markSeen(), [history, entries]);

  const directory = status.kind === 'ready' ? status.directory.entries : [];
  const visible = entries.filter((entry: HistoryEntry) =>
    matchesQuery(entry, query, {
      country,
      directoryName: nameFor(entry.number, directory, view.settings.favourites),
    }),
  );

  return (
    <div className="history">
      <h2>{t('history.heading')}</h2>
      {entries.length === 0 ? (
        <p className="empty">{t('history.empty')}</p>
      ) : (
        <>
          <div className="history__toolbar">
            <div className="field history__search">
              <label htmlFor={`${id}-search`}>{t('historyList.search')}</label>
              <input
                id={`${id}-search`}
                type="search"
                value={query}
                autoComplete="off"
                onChange={(event) => setQuery(event.target.value)}
              />
            </div>
            {confirmingAll ? (
              <div className="history__confirm" role="group" aria-label={t('historyList.confirmAll')}>
                <span>{t('historyList.confirmAll')}</span>
                <button
                  type="button"
                  className="button button--danger"
                  onClick={() => {
                    history.clear();
                    setConfirmingAll(false);
                    setQuery('');
                  }}
                >
                  {t('historyList.deleteAllConfirm')}
                </button>
                <button
                  type="button"
                  className="button"
                  // The safe choice has the focus.
                  autoFocus
                  onClick={() => setConfirmingAll(false)}
                >
                  {t('historyList.cancel')}
                </button>
              </div>
            ) : (
              <button type="button" className="button" onClick={() => setConfirmingAll(true)}>
                {t('historyList.deleteAll')}
              </button>
            )}
          </div>
          <p className="visually-hidden" role="status">
            {query.trim() ? t('historyList.matches', { count: visible.length }) : ''}
          </p>
          {visible.length === 0 ? (
            <p className="empty">{t('historyList.noMatches')}</p>
          ) : (
            <ul className="history__list" data-testid="history-list">
              {visible.map((entry) => (
                <HistoryItem
                  key={entry.id}
                  entry={entry}
                  country={country}
                  callDisabled={!registered || (lock.kind !== 'none' && classify(entry.number).protectedPaid)}
                  onCall={onCall}
                  onDelete={() => history.remove(entry.id)}
                />
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
