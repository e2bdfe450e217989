import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { hostErrorMessageKey } from '../../app/error-message';
import { useHostState } from '../../app/host-context';
import { historyAccountOf } from '../../history/call-history';
import { usePhone } from '../../phone/phone-context';
import {
  fieldErrorsFromHost,
  formValuesFrom,
  validateAccountForm,
  type AccountFormField,
  type FieldErrors,
} from './account-form';
import { TextField } from './TextField';
import { AudioDevices } from './AudioDevices';
import { DesktopSettings } from './DesktopSettings';
import { EntitlementText } from './EntitlementText';
import { IceServers } from './IceServers';
import { askForNotifications } from './notifications';
import { PolicyApiStatus } from './PolicyApiStatus';
import { registrationProblemOf } from './registration-problem';
import { RegistrationRetry } from './RegistrationRetry';

const ADVANCED_FIELDS: AccountFormField[] = ['sipDomain', 'authUsername', 'policyApiUrl'];

type Feedback = { kind: 'success' | 'error'; key: string } | null;

export function AccountTab() {
  const { t } = useTranslation();
  const { host, appInfo, view, setView } = useHostState();
  const { history, snapshot, softphone } = usePhone();
  // Removing the account asks first (inline): it deletes the password and the call history too.
  const [confirmingRemoval, setConfirmingRemoval] = useState(false);
  const removeButton = useRef<HTMLButtonElement>(null);
  const problem = view.settings.account ? registrationProblemOf(snapshot.registration) : null;
  const [values, setValues] = useState(() => formValuesFrom(view.settings.account));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busy, setBusy] = useState(false);
  const [advancedOpen, setAdvancedOpen] = useState(() =>
    ADVANCED_FIELDS.some((name) => formValuesFrom(view.settings.account)[name] !== ''),
  );
  const showErrors = (next: FieldErrors) => {
    setErrors(next);
    if (ADVANCED_FIELDS.some((name) => next[name])) setAdvancedOpen(true);
  };

  const field = (name: AccountFormField) => ({
    value: values[name],
    onValueChange: (value: string) => setValues((current) => ({ ...current, [name]: value })),
    // The form's own check first; else what the PBX said about this field (wrong password, unreachable).
    error: errors[name] ? t(errors[name]) : problem?.field === name ? t(problem.messageKey) : undefined,
    name,
  });
  const retry = (name: AccountFormField) =>
    problem?.field === name ? (
      <RegistrationRetry
        key={problem.retryAt}
        retryAt={problem.retryAt}
        onRetryNow={() => softphone.reconnectNow()}
      />
    ) : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFeedback(null);
    const validated = validateAccountForm(values, view.passwordState);
    if (!validated.ok) {
      showErrors(validated.errors);
      setFeedback({ kind: 'error', key: 'account.fixErrors' });
      return;
    }
    setBusy(true);
    const result = await host.saveAccount(validated.input);
    setBusy(false);
    if (result.ok) {
      setErrors({});
      setValues((current) => ({ ...current, password: '' }));
      setView(result.value);
      setFeedback({ kind: 'success', key: 'account.saved' });
      // Set-up is the moment to ask (not the first call): incoming calls can then show a notification.
      void askForNotifications();
    } else {
      showErrors(fieldErrorsFromHost(result.error.fields));
      setFeedback({ kind: 'error', key: hostErrorMessageKey(result.error) });
    }
  };

  const signOut = async () => {
    const removed = historyAccountOf(view.settings.account);
    const result = await host.clearAccount();
    setConfirmingRemoval(false);
    if (result.ok) {
      if (removed) history.forget(removed);
      setView(result.value);
      setValues(formValuesFrom(null));
      setErrors({});
      setFeedback({ kind: 'success', key: 'account.signedOut' });
    } else {
      setFeedback({ kind: 'error', key: hostErrorMessageKey(result.error) });
    }
  };

  return (
    <div className="account">
      <h2>{t('account.heading')}</h2>
      <p>{t('account.intro')}</p>
      {appInfo.secretStorage === 'weak' ? (
        <p className="notice notice--warning" data-testid="secret-storage-warning">
          {t('account.secretWeak')}
        </p>
      ) : null}
      {appInfo.secretStorage === 'unavailable' ? (
        <p className="notice notice--warning" data-testid="secret-storage-warning">
          {t('account.secretUnavailable')}
        </p>
      ) : null}
      <form onSubmit={(event) => void submit(event)} noValidate aria-describedby="account-feedback">
        <TextField
          label={t('account.sipWebSocketUrl')}
          hint={t('account.sipWebSocketUrlHint')}
          type="url"
          autoComplete="url"
          required
          {...field('sipWebSocketUrl')}
        />
        {retry('sipWebSocketUrl')}
        <TextField
          label={t('account.extension')}
          hint={t('account.extensionHint')}
          autoComplete="username"
          required
          {...field('extension')}
        />
        <TextField
          label={t('account.password')}
          type="password"
          autoComplete="current-password"
          hint={
            view.passwordState === 'saved'
              ? t('account.passwordKeepHint')
              : view.passwordState === 'session-only'
                ? t('account.passwordSessionOnly')
                : undefined
          }
          required={view.passwordState === 'none'}
          {...field('password')}
        />
        {retry('password')}
        <TextField label={t('account.displayName')} autoComplete="name" {...field('displayName')} />
        <details
          className="account__advanced"
          open={advancedOpen}
          onToggle={(event) => setAdvancedOpen(event.currentTarget.open)}
        >
          <summary>{t('account.advanced')}</summary>
          <TextField
            label={t('account.sipDomain')}
            hint={t('account.sipDomainHint')}
            {...field('sipDomain')}
          />
          <TextField
            label={t('account.authUsername')}
            hint={t('account.authUsernameHint')}
            {...field('authUsername')}
          />
          <TextField
            label={t('account.policyApiUrl')}
            hint={t('account.policyApiUrlHint')}
            type="url"
            {...field('policyApiUrl')}
          />
        </details>
        <div className="account__actions">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? t('account.saving') : t('account.save')}
          </button>
          {view.settings.account ? (
            <button
              ref={removeButton}
              type="button"
              className="button"
              aria-expanded={confirmingRemoval}
              aria-controls="account-remove-confirm"
              onClick={() => setConfirmingRemoval(true)}
            >
              {t('account.signOut')}
            </button>
          ) : null}
        </div>
        {view.settings.account && confirmingRemoval ? (
          <div
            id="account-remove-confirm"
            role="group"
            aria-labelledby="account-remove-question"
            className="notice notice--warning"
          >
            <p id="account-remove-question">
              {t('account.confirmRemove', { account: view.settings.account.extension })}
            </p>
            <button type="button" className="button button--danger" onClick={() => void signOut()}>
              {t('account.confirmRemoveYes')}
            </button>{' '}
            <button
              type="button"
              className="button"
              // The safe answer takes focus when the question appears.
              autoFocus
              onClick={() => {
                setConfirmingRemoval(false);
                removeButton.current?.focus();
              }}
            >
              {t('account.confirmRemoveNo')}
            </button>
          </div>
        ) : null}
        <p
          id="account-feedback"
          role={feedback?.kind === 'error' ? 'alert' : 'status'}
          className={feedback ? `feedback feedback--${feedback.kind}` : 'feedback'}
        >
          {feedback ? t(feedback.key) : ''}
        </p>
      </form>
      <section aria-labelledby="pin-protection-heading">
        <h3 id="pin-protection-heading">{t('account.pinProtectionHeading')}</h3>
        <EntitlementText />
        {view.settings.account?.policyApiUrl ? <PolicyApiStatus /> : null}
      </section>
      <AudioDevices />
      <DesktopSettings />
      <details className="account__advanced">
        <summary>{t('account.network')}</summary>
        <IceServers />
      </details>
    </div>
  );
}
