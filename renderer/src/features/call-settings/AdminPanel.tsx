import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useHostState } from '../../app/host-context';
import { AdminClient, type ExtensionSettings } from '../../policy/admin-client';
import { TextField } from '../account/TextField';
import { ExtensionRow } from './ExtensionRow';

/** Admin sign-in and the company's extensions (Durchwahlen). The admin token is kept in memory only. */
export function AdminPanel() {
  const { t } = useTranslation();
  const { view } = useHostState();
  const apiUrl = view.settings.account?.policyApiUrl.replace(/\/$/, '') ?? '';
  const [client, setClient] = useState<AdminClient | null>(null);
  const [extensions, setExtensions] = useState<ExtensionSettings[]>([]);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!apiUrl) return null;

  const errorKey = (code: string) =>
    `callSettings.errors.${['invalid-credentials', 'too-many-attempts', 'network', 'unauthenticated'].includes(code) ? code : 'generic'}`;

  const signIn = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await AdminClient.signIn(apiUrl, username.trim(), password, (...args) =>
      window.fetch(...args),
    );
    setPassword('');
    if (!result.ok) {
      setBusy(false);
      setError(errorKey(result.code));
      return;
    }
    const list = await result.value.listExtensions();
    setBusy(false);
    if (!list.ok) return setError(errorKey(list.code));
    setClient(result.value);
    setExtensions(list.value);
  };

  const replace = (updated: ExtensionSettings) =>
    setExtensions((current) =>
      current.map((entry) => (entry.extension === updated.extension ? updated : entry)),
    );

  return (
    <section aria-labelledby="admin-heading" className="admin">
      <h3 id="admin-heading">{t('callSettings.adminHeading')}</h3>
      {client ? (
        <>
          <button
            type="button"
            className="button"
            onClick={() => {
              setClient(null);
              setExtensions([]);
            }}
          >
            {t('callSettings.adminSignOut')}
          </button>
          <ul className="admin__list" data-testid="admin-extensions">
            {extensions.map((entry) => (
              <ExtensionRow key={entry.extension} entry={entry} client={client} onChanged={replace} />
            ))}
          </ul>
        </>
      ) : (
        <form onSubmit={(event) => void signIn(event)} className="admin__sign-in">
          <p className="field__hint">{t('callSettings.adminIntro')}</p>
          <TextField
            label={t('callSettings.adminUsername')}
            value={username}
            onValueChange={setUsername}
            autoComplete="off"
          />
          <TextField
            label={t('callSettings.adminPassword')}
            type="password"
            value={password}
            onValueChange={setPassword}
            autoComplete="off"
          />
          <button type="submit" className="button button--primary" disabled={busy || !username || !password}>
            {t('callSettings.adminSignIn')}
          </button>
          {error ? (
            <p role="alert" className="field__error">
              {t(error)}
            </p>
          ) : null}
        </form>
      )}
    </section>
  );
}
