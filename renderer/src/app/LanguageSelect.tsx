import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hostErrorMessageKey } from './error-message';
import { LanguageSchema } from '../../../shared/settings/schema';
import { useHostState } from './host-context';

export function LanguageSelect() {
  const { t } = useTranslation();
  const { host, view, setView } = useHostState();

  const [error, setError] = useState<string | null>(null);
  const change = async (value: string) => {
    const language = LanguageSchema.parse(value);
    const result = await host.updatePreferences({ language });
    if (result.ok) setView(result.value);
    setError(result.ok ? null : hostErrorMessageKey(result.error));
  };

  return (
    <label className="language">
      <span className="language__label">{t('app.languageLabel')}</span>
      <select value={view.settings.language} onChange={(event) => void change(event.target.value)}>
        <option value="system">{t('app.languageSystem')}</option>
        <option value="de" lang="de">
          {t('app.languageGerman')}
        </option>
        <option value="en" lang="en">
          {t('app.languageEnglish')}
        </option>
      </select>
      {error ? (
        <span role="alert" className="field__error">
          {t(error)}
        </span>
      ) : null}
    </label>
  );
}
