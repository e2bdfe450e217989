import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PinUsage, PinUsageEvent } from '../../policy/admin-client';
import { formatDay } from './pin-code-status';
import { auditEvents, failureCounts, failureEvents, pinUsageCsv, usageByPerson } from './pin-usage-summary';

export const PIN_USAGE_DAYS = 30;

export type UsageState =
  { kind: 'loading' } | { kind: 'failed'; code: string } | { kind: 'ready'; usage: PinUsage };

/**
 * PIN-Nutzung: the last 30 days of paid calls by person (the code's label), failed entries and
 * lockouts, the admin actions with who made them, and a CSV export built from the calls alone.
 */
export function PinUsageView(props: {
  state: UsageState;
  extensions: readonly string[];
  onReload(): void;
  /** Saves the export (a download in the app; tests pass their own). */
  save?(fileName: string, csv: string): void;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [extension, setExtension] = useState('');
  const language = i18n.language;
  const { state } = props;

  const usage: PinUsage | null =
    state.kind === 'ready'
      ? extension
        ? {
            calls: state.usage.calls.filter((call) => call.extension === extension),
            events: state.usage.events.filter((event) => event.extension === extension),
          }
        : state.usage
      : null;

  const exportCsv = () => {
    if (!usage) return;
    const day = new Date().toISOString().slice(0, 10);
    const name = `${t('pinUsage.fileName')}-${extension || t('pinUsage.allFile')}-${day}.csv`;
    (props.save ?? downloadText)(name, pinUsageCsv(usage.calls));
  };

  return (
    <section className="pin-usage" aria-labelledby={`${id}-heading`} data-testid="pin-usage">
      <h4 id={`${id}-heading`}>{t('pinUsage.heading', { days: PIN_USAGE_DAYS })}</h4>
      <div className="pin-usage__toolbar">
        <label htmlFor={`${id}-extension`}>{t('pinUsage.extension')}</label>
        <select
          id={`${id}-extension`}
          value={extension}
          onChange={(event) => setExtension(event.target.value)}
        >
          <option value="">{t('pinUsage.allExtensions')}</option>
          {props.extensions.map((number) => (
            <option key={number} value={number}>
              {number}
            </option>
          ))}
        </select>
        <button type="button" className="button" onClick={props.onReload}>
          {t('pinUsage.reload')}
        </button>
        <button type="button" className="button" disabled={!usage} onClick={exportCsv}>
          {t('pinUsage.export')}
        </button>
      </div>
      {state.kind === 'loading' ? (
        <p className="field__hint">{t('pinUsage.loading')}</p>
      ) : state.kind === 'failed' ? (
        <p className="field__error">
          {t(
            state.code === 'unauthenticated' ? 'callSettings.errors.unauthenticated' : 'pinUsage.loadFailed',
          )}
        </p>
      ) : usage ? (
        <UsageTables usage={usage} language={language} />
      ) : null}
    </section>
  );
}

function UsageTables({ usage, language }: { usage: PinUsage; language: string }) {
  const { t } = useTranslation();
  const people = usageByPerson(usage.calls);
  const failures = failureEvents(usage);
  const counts = failureCounts(usage);
  const audit = auditEvents(usage.events);
  const person = (label: string | null) => label ?? t('pinUsage.noLabel');
  const duration = (seconds: number) =>
    t('history.duration', {
      minutes: Math.floor(seconds / 60),
      seconds: String(Math.round(seconds) % 60).padStart(2, '0'),
    });

  return (
    <>
      <h5>{t('pinUsage.byPerson')}</h5>
      {people.length === 0 ? (
        <p className="field__hint">{t('pinUsage.noCalls')}</p>
      ) : (
        <div className="pin-usage__table">
          <table data-testid="pin-usage-people">
            <thead>
              <tr>
                <th scope="col">{t('pinUsage.person')}</th>
                <th scope="col">{t('pinUsage.calls')}</th>
                <th scope="col">{t('pinUsage.talkTime')}</th>
                <th scope="col">{t('pinUsage.lastCall')}</th>
              </tr>
            </thead>
            <tbody>
              {people.map((entry) => (
                <tr key={entry.label ?? ''}>
                  <th scope="row">{person(entry.label)}</th>
                  <td>{entry.calls}</td>
                  <td>{duration(entry.talkSeconds)}</td>
                  <td>{formatDay(entry.lastCallAt, language, true)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {usage.calls.length > 0 ? (
        <div className="pin-usage__table">
          <table data-testid="pin-usage-calls">
            <caption className="visually-hidden">{t('pinUsage.callsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('pinUsage.time')}</th>
                <th scope="col">{t('pinUsage.extension')}</th>
                <th scope="col">{t('pinUsage.person')}</th>
                <th scope="col">{t('pinUsage.destination')}</th>
                <th scope="col">{t('pinUsage.duration')}</th>
                <th scope="col">{t('pinUsage.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {[...usage.calls]
                .sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1))
                .map((call) => (
                  <tr key={call.callId}>
                    <td>{formatDay(call.startedAt, language, true)}</td>
                    <td>{call.extension}</td>
                    <td>{person(call.codeLabel)}</td>
                    <td>{call.destination}</td>
                    <td>{duration(call.durationSeconds)}</td>
                    <td>{t(`pinUsage.outcomes.${call.outcome}`, { defaultValue: call.outcome })}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <h5>{t('pinUsage.failuresHeading')}</h5>
      <p data-testid="pin-usage-failures">
        {t('pinUsage.failureCounts', { failures: counts.failures, lockouts: counts.lockouts })}
      </p>
      <EventList events={failures} language={language} testId="pin-usage-failure-list" />
      <h5>{t('pinUsage.auditHeading')}</h5>
      {audit.length === 0 ? (
        <p className="field__hint">{t('pinUsage.noAudit')}</p>
      ) : (
        <EventList events={audit} language={language} testId="pin-usage-audit" />
      )}
    </>
  );
}

function EventList(props: { events: readonly PinUsageEvent[]; language: string; testId: string }) {
  const { t } = useTranslation();
  if (props.events.length === 0) return null;
  return (
    <ul data-testid={props.testId}>
      {props.events.map((event, index) => (
        <li key={`${event.at}-${event.kind}-${index}`}>
          {formatDay(event.at, props.language, true)} · {event.extension} ·{' '}
          {t(`pinUsage.events.${event.kind}`, { defaultValue: event.kind })}
          {event.codeLabel ? ` · ${event.codeLabel}` : ''}
          {event.by ? ` · ${t('pinUsage.by', { who: event.by })}` : ''}
        </li>
      ))}
    </ul>
  );
}

function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
