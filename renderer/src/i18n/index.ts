import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { LanguagePreference } from '../../../shared/settings/schema';
import { de } from './de';
import { en } from './en';

export type UiLanguage = 'de' | 'en';

/** German on a German system, English otherwise — unless the user chose a language. */
export function resolveLanguage(
  preference: LanguagePreference,
  systemLocales: readonly string[],
): UiLanguage {
  if (preference !== 'system') return preference;
  const first = systemLocales[0]?.toLowerCase() ?? '';
  return first === 'de' || first.startsWith('de-') ? 'de' : 'en';
}

export function createI18n(language: UiLanguage): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng: language,
    fallbackLng: false,
    resources: { de: { translation: de }, en: { translation: en } },
    interpolation: { escapeValue: false }, // React escapes
    initAsync: false,
    returnNull: false,
  });
  return instance;
}
