import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { usePhone } from '../../phone/phone-context';
import './missed-badge.css';

/** The Verlauf tab's count of missed calls not seen yet; the tab's description says it in words. */
export const MISSED_BADGE_DESCRIPTION_ID = 'tab-history-missed';

export function MissedBadge() {
  const { t } = useTranslation();
  const { history } = usePhone();
  const count = useSyncExternalStore(
    (listener) => history.subscribe(listener),
    () => history.unseenMissed(),
  );
  return (
    <>
      {count > 0 ? (
        <span className="tabs__badge" aria-hidden="true" data-testid="missed-badge">
          {count}
        </span>
      ) : null}
      {/* Referenced by the tab's aria-describedby: read with the tab, not part of its name. */}
      <span id={MISSED_BADGE_DESCRIPTION_ID} hidden>
        {count > 0 ? t('historyList.missedBadge', { count }) : ''}
      </span>
    </>
  );
}
