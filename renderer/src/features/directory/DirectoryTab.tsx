import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Favourite } from '../../../../shared/settings/schema';
import { useHostState } from '../../app/host-context';
import { usePhone } from '../../phone/phone-context';
import type { WatchedPresence } from '../../sip/presence-watcher';
import { useSavePreferences } from '../account/use-preferences';
import { searchEntries, targetKey } from './directory-lookup';
import { useDirectory } from './use-directory';
import { usePresence } from './use-presence';
import './directory.css';

interface Row {
  number: string;
  name: string;
  /** Whether the PBX's directory lists it (an extension: it may have presence). */
  colleague: boolean;
  favourite: boolean;
}

const MAX_FAVOURITES = 200;

/**
 * Verzeichnis: the company's extensions from the PBX (`GET /policy/directory`) and the user's own
 * favourites (settings), searchable, each with a call button and a star; presence dots where the
 * PBX offers presence (SUBSCRIBE to `dialog`). Without a directory API (Kamailio) the favourites
 * still work and the tab says that the PBX offers no directory.
 */
export function DirectoryTab({ onCall }: { onCall(number: string): void }) {
  const { t } = useTranslation();
  const id = useId();
  const { view } = useHostState();
  const { snapshot } = usePhone();
  const { status, refresh } = useDirectory();
  const { save, error } = useSavePreferences();
  const [query, setQuery] = useState('');
  const favourites = view.settings.favourites;
  const registered = snapshot.registration.kind === 'registered';

  // Opening the tab asks again when the last try failed.
  useEffect(() => {
    if (status.kind === 'unavailable') refresh();
    // Only on opening: a failure while open offers the retry button.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const entries = status.kind === 'ready' ? status.directory.entries : [];
  const favouriteKeys = new Set(favourites.map((favourite) => targetKey(favourite.target)));
  const colleagues: Row[] = entries.map((entry) => ({
    number: entry.extension,
    name: entry.name,
    colleague: true,
    favourite: favouriteKeys.has(entry.extension),
  }));
  const directoryKeys = new Set(entries.map((entry) => entry.extension));
  const favouriteRows: Row[] = favourites.map((favourite) => {
    const key = targetKey(favourite.target);
    const entry = entries.find((candidate) => candidate.extension === key);
    return {
      number: favourite.target,
      name: favourite.name || entry?.name || '',
      colleague: directoryKeys.has(key),
      favourite: true,
    };
  });
  const shownFavourites = searchEntries(favouriteRows, query, (row) => row.number);
  const shownColleagues = searchEntries(colleagues, query, (row) => row.number);

  const offered = status.kind === 'ready' && status.directory.presence;
  const watched = [
    ...new Set(
      [...favouriteRows, ...colleagues].filter((row) => row.colleague).map((row) => targetKey(row.number)),
    ),
  ];
  const presence = usePresence(watched, offered);
  const presenceOf = (row: Row): WatchedPresence | null =>
    row.colleague && presence.supported ? (presence.states.get(targetKey(row.number)) ?? 'unknown') : null;

  const toggleFavourite = (row: Row) => {
    const key = targetKey(row.number);
    const next: Favourite[] = row.favourite
      ? favourites.filter((favourite) => targetKey(favourite.target) !== key)
      : [...favourites, { target: row.number, name: row.name }];
    void save({ favourites: next.slice(0, MAX_FAVOURITES) });
  };

  const renderRow = (row: Row, list: string) => {
    const state = presenceOf(row);
    const label = row.name ? `${row.name} (${row.number})` : row.number;
    return (
      <li key={`${list}-${row.number}`} className="directory__entry" data-testid="directory-entry">
        {state !== null ? (
          <span
            className="directory__dot"
            role="img"
            data-presence={state}
            data-testid={`presence-${targetKey(row.number)}`}
            aria-label={t(`directory.presence.${state}`)}
            title={t(`directory.presence.${state}`)}
          />
        ) : null}
        <span className="directory__who">
          {row.name ? <strong>{row.name}</strong> : null} <span>{row.number}</span>
        </span>
        <button
          type="button"
          className="button directory__star"
          aria-pressed={row.favourite}
          aria-label={t(row.favourite ? 'directory.unstar' : 'directory.star', { who: label })}
          onClick={() => toggleFavourite(row)}
        >
          {row.favourite ? '★' : '☆'}
        </button>
        <button
          type="button"
          className="button"
          disabled={!registered}
          aria-label={t('directory.callWho', { who: label })}
          onClick={() => onCall(row.number)}
        >
          {t('directory.call')}
        </button>
      </li>
    );
  };

  return (
    <div className="directory">
      <h2>{t('directory.heading')}</h2>
      <DirectoryStatus
        status={status.kind}
        presenceMissing={status.kind === 'ready' && !presence.supported}
        onRetry={refresh}
      />
      <div className="field">
        <label htmlFor={`${id}-search`}>{t('directory.search')}</label>
        <input
          id={`${id}-search`}
          type="search"
          value={query}
          autoComplete="off"
          onChange={(event) => setQuery(event.target.value)}
        />
      </div>
      <h3>{t('directory.favourites')}</h3>
      {favouriteRows.length === 0 ? (
        <p className="empty">{t('directory.noFavourites')}</p>
      ) : shownFavourites.length === 0 ? (
        <p className="empty">{t('directory.noMatch')}</p>
      ) : (
        <ul className="directory__list" aria-label={t('directory.favourites')}>
          {shownFavourites.map((row) => renderRow(row, 'favourite'))}
        </ul>
      )}
      <AddFavourite
        onAdd={(favourite) => save({ favourites: [...favourites, favourite].slice(0, MAX_FAVOURITES) })}
        full={favourites.length >= MAX_FAVOURITES}
      />
      {error ? (
        <p className="field__error" role="alert">
          {t(error)}
        </p>
      ) : null}
      {status.kind === 'ready' ? (
        <>
          <h3>{t('directory.colleagues')}</h3>
          {shownColleagues.length === 0 ? (
            <p className="empty">
              {t(colleagues.length === 0 ? 'directory.noColleagues' : 'directory.noMatch')}
            </p>
          ) : (
            <ul className="directory__list" aria-label={t('directory.colleagues')}>
              {shownColleagues.map((row) => renderRow(row, 'colleague'))}
            </ul>
          )}
        </>
      ) : null}
    </div>
  );
}

function DirectoryStatus(props: { status: string; presenceMissing: boolean; onRetry(): void }) {
  const { t } = useTranslation();
  if (props.status === 'no-api')
    return (
      <p className="notice" data-testid="directory-status">
        {t('directory.noDirectory')}
      </p>
    );
  if (props.status === 'loading')
    return (
      <p className="field__hint" role="status" data-testid="directory-status">
        {t('directory.loading')}
      </p>
    );
  if (props.status === 'unavailable')
    return (
      <p className="notice" role="alert" data-testid="directory-status">
        {t('directory.unavailable')}{' '}
        <button type="button" className="button" onClick={props.onRetry}>
          {t('directory.retry')}
        </button>
      </p>
    );
  return props.presenceMissing ? (
    <p className="field__hint" data-testid="directory-status">
      {t('directory.noPresence')}
    </p>
  ) : null;
}

/** A favourite the directory does not list (an outside number): number and an optional name. */
function AddFavourite(props: { onAdd(favourite: Favourite): Promise<boolean>; full: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const [number, setNumber] = useState('');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const target = number.trim();
    if (target === '' || target.length > 256) return setProblem('directory.numberRequired');
    if (name.trim().length > 64) return setProblem('directory.nameTooLong');
    setProblem(null);
    if (await props.onAdd({ target, name: name.trim() })) {
      setNumber('');
      setName('');
    }
  };

  return (
    <form
      className="directory__add"
      onSubmit={(event) => void submit(event)}
      aria-label={t('directory.addHeading')}
    >
      <div className="field">
        <label htmlFor={`${id}-number`}>{t('directory.addNumber')}</label>
        <input
          id={`${id}-number`}
          type="tel"
          autoComplete="off"
          value={number}
          aria-invalid={problem === 'directory.numberRequired' || undefined}
          aria-describedby={problem ? `${id}-problem` : undefined}
          onChange={(event) => setNumber(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('directory.addName')}</label>
        <input
          id={`${id}-name`}
          type="text"
          autoComplete="off"
          maxLength={64}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </div>
      <button type="submit" className="button" disabled={props.full}>
        {t('directory.add')}
      </button>
      {problem ? (
        <p id={`${id}-problem`} className="field__error" role="alert">
          {t(problem)}
        </p>
      ) : null}
    </form>
  );
}
