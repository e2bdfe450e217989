import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useHostState } from '../../app/host-context';
import { AdminClient, type CompanySettings, type ExtensionSettings } from '../../policy/admin-client';
import { TextField } from '../account/TextField';
import { ExtensionRow } from './ExtensionRow';
import { lastUnlock } from './pin-usage-summary';
import { CompanyScopeSelect } from './PinScopeSelect';
import { PIN_USAGE_DAYS, PinUsageView, type UsageState } from './PinUsageView';

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
  const [company, setCompany] = useState<CompanySettings | null>(null);
  const [usage, setUsage] = useState<UsageState>({ kind: 'loading' });

  const reloadUsage = useCallback(async () => {
    if (!client) return;
    const result = await client.pinUsage({ days: PIN_USAGE_DAYS });
    setUsage(result.ok ? { kind: 'ready', usage: result.value } : { kind: 'failed', code: result.code });
  }, [client]);

  const reloadExtensions = useCallback(async () => {
    if (!client) return;
    const list = await client.listExtensions();
    if (list.ok) setExtensions(list.value);
  }, [client]);

  useEffect(() => {
    if (!client) return;
    let current = true;
    void client.pinUsage({ days: PIN_USAGE_DAYS }).then((result) => {
      if (current)
        setUsage(result.ok ? { kind: 'ready', usage: result.value } : { kind: 'failed', code: result.code });
    });
    // A PBX without company scopes (an older one) leaves the company select out.
    void client.company().then((result) => {
      if (current) setCompany(result.ok ? result.value : null);
    });
    return () => {
      current = false;
    };
  }, [client]);

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
              setCompany(null);
              setUsage({ kind: 'loading' });
            }}
          >
            {t('callSettings.adminSignOut')}
          </button>
          {company ? (
            <CompanyScopeSelect
              company={company}
              client={client}
              onChanged={(updated) => {
                setCompany(updated);
                // Every extension without its own scope follows: show their effective scope again.
                void reloadExtensions();
              }}
            />
          ) : null}
          <ul className="admin__list" data-testid="admin-extensions">
            {extensions.map((entry) => (
              <ExtensionRow
                key={entry.extension}
                entry={entry}
                client={client}
                onChanged={replace}
                lastUnlock={usage.kind === 'ready' ? lastUnlock(usage.usage.events, entry.extension) : null}
                onAudit={() => void reloadUsage()}
              />
            ))}
          </ul>
          <PinUsageView
            state={usage}
            extensions={extensions.map((entry) => entry.extension)}
            onReload={() => void reloadUsage()}
          />
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
