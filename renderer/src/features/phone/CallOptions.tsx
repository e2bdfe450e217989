import { useTranslation } from 'react-i18next';
import { useHostState } from '../../app/host-context';
import { useSavePreferences } from '../account/use-preferences';

/**
 * Call waiting and auto-answer for internal calls (settings.calls), below the dialler. Do not
 * disturb has its own toggle in the header (and the tray).
 */
export function CallOptions() {
  const { t } = useTranslation();
  const { view } = useHostState();
  const { save, error } = useSavePreferences();
  const { callWaiting, autoAnswerInternal } = view.settings.calls;
  return (
    <details className="call-options" data-testid="call-options">
      <summary>{t('calls.options')}</summary>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={callWaiting}
          onChange={() => void save({ calls: { callWaiting: !callWaiting } })}
          data-testid="call-waiting-toggle"
        />{' '}
        {t('calls.callWaitingOption')}
      </label>
      <p className="field__hint">{t('calls.callWaitingHint')}</p>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={autoAnswerInternal}
          onChange={() => void save({ calls: { autoAnswerInternal: !autoAnswerInternal } })}
          data-testid="auto-answer-toggle"
        />{' '}
        {t('calls.autoAnswerOption')}
      </label>
      <p className="field__hint">{t('calls.autoAnswerHint')}</p>
      {error ? (
        <p role="alert" className="field__error">
          {t(error)}
        </p>
      ) : null}
    </details>
  );
}
