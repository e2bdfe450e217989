import { useTranslation } from 'react-i18next';

/** The outcome of an action: an alert for errors, a polite status for success. */
export function Feedback({
  message,
}: {
  /** `values`: what the text interpolates (e.g. a limit from the shared policy). */
  message: { kind: 'error' | 'ok'; key: string; values?: Record<string, string | number> } | null;
}) {
  const { t } = useTranslation();
  if (!message) return null;
  return (
    <p
      role={message.kind === 'error' ? 'alert' : 'status'}
      className={message.kind === 'error' ? 'field__error' : 'feedback--success'}
    >
      {t(message.key, message.values)}
    </p>
  );
}

/** Date and time in the UI language, short. */
export function formatDateTime(iso: string, language: string): string {
  return new Date(iso).toLocaleString(language, { timeStyle: 'short', dateStyle: 'short' });
}
