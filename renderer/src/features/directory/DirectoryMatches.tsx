import { useTranslation } from 'react-i18next';
import './directory.css';
import { useHostState } from '../../app/host-context';
import { searchEntries, targetKey } from './directory-lookup';
import { useDirectory } from './use-directory';

const MAX_MATCHES = 5;

/**
 * Search as you type in the number field: colleagues and favourites whose name or number matches
 * what was typed; choosing one puts its number in the field (the call still starts with "Anrufen").
 */
export function DirectoryMatches(props: { query: string; onPick(number: string): void }) {
  const { t } = useTranslation();
  const { view } = useHostState();
  const { status } = useDirectory();
  const query = props.query.trim();
  if (query === '') return null;
  const colleagues = status.kind === 'ready' ? status.directory.entries : [];
  const candidates = [
    ...view.settings.favourites.map((favourite) => ({ number: favourite.target, name: favourite.name })),
    ...colleagues.map((entry) => ({ number: entry.extension, name: entry.name })),
  ];
  const seen = new Set<string>();
  const matches = searchEntries(candidates, query, (candidate) => candidate.number)
    .filter((candidate) => {
      const key = targetKey(candidate.number);
      if (seen.has(key) || key === targetKey(query)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, MAX_MATCHES);
  if (matches.length === 0) return null;
  return (
    <ul className="directory__matches" aria-label={t('directory.matches')} data-testid="directory-matches">
      {matches.map((match) => (
        <li key={match.number}>
          <button type="button" className="button" onClick={() => props.onPick(match.number)}>
            {match.name ? `${match.name} (${match.number})` : match.number}
          </button>
        </li>
      ))}
    </ul>
  );
}
