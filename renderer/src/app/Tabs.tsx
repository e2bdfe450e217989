import { useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { MISSED_BADGE_DESCRIPTION_ID, MissedBadge } from '../features/history/MissedBadge';

export const TAB_IDS = ['phone', 'directory', 'history', 'callSettings', 'account'] as const;
export type TabId = (typeof TAB_IDS)[number];

/**
 * WAI-ARIA tabs: arrow keys, Home and End move between tabs; only the selected tab is in the tab order.
 * A hidden panel is unmounted, except those in `keepMounted` once they were shown: their state (the
 * Konto tab's unsaved edits) is still there when the user comes back.
 */
export function Tabs(props: {
  selected: TabId;
  onSelect(tab: TabId): void;
  children: Record<TabId, ReactNode>;
  keepMounted?: readonly TabId[];
}) {
  const { t } = useTranslation();
  const buttons = useRef<Partial<Record<TabId, HTMLButtonElement | null>>>({});
  const [shown, setShown] = useState<ReadonlySet<TabId>>(() => new Set([props.selected]));
  if (!shown.has(props.selected)) setShown(new Set([...shown, props.selected]));
  const rendered = (id: TabId) =>
    props.selected === id || (shown.has(id) && (props.keepMounted ?? []).includes(id));

  const move = (event: KeyboardEvent, index: number) => {
    const last = TAB_IDS.length - 1;
    const target =
      event.key === 'ArrowRight'
        ? index === last
          ? 0
          : index + 1
        : event.key === 'ArrowLeft'
          ? index === 0
            ? last
            : index - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null;
    if (target === null) return;
    event.preventDefault();
    const id = TAB_IDS[target];
    if (!id) return;
    props.onSelect(id);
    buttons.current[id]?.focus();
  };

  return (
    <>
      <div role="tablist" aria-label={t('app.tabsLabel')} className="tabs">
        {TAB_IDS.map((id, index) => (
          <button
            key={id}
            ref={(element) => {
              buttons.current[id] = element;
            }}
            role="tab"
            type="button"
            id={`tab-${id}`}
            aria-selected={props.selected === id}
            aria-controls={`panel-${id}`}
            aria-describedby={id === 'history' ? MISSED_BADGE_DESCRIPTION_ID : undefined}
            tabIndex={props.selected === id ? 0 : -1}
            className="tabs__tab"
            onClick={() => props.onSelect(id)}
            onKeyDown={(event) => move(event, index)}
          >
            {t(`tabs.${id}`)}
            {id === 'history' ? <MissedBadge /> : null}
          </button>
        ))}
      </div>
      {TAB_IDS.map((id) => (
        <section
          key={id}
          role="tabpanel"
          id={`panel-${id}`}
          aria-labelledby={`tab-${id}`}
          hidden={props.selected !== id}
          tabIndex={0}
          className="panel"
        >
          {rendered(id) ? props.children[id] : null}
        </section>
      ))}
    </>
  );
}
