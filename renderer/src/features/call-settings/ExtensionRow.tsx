import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Feedback, formatDateTime } from '../../app/Feedback';
import { isValidUnlockCode } from '../../../../shared/policy/unlock-code';
import type { AdminClient, AdminResult, ExtensionSettings } from '../../policy/admin-client';
import { TextField } from '../account/TextField';
import { PinCodes } from './PinCodes';
import { PinScopeSelect } from './PinScopeSelect';

const KNOWN_ERRORS = [
  'pin-protection-not-available',
  'unlock-code-required',
  'too-many-codes',
  'unauthenticated',
  'network',
];

/**
 * Why paid calls are closed and the way out: locked until a time after wrong codes, or quarantined
 * after repeated lockouts (only an admin unlocks it). Either can be lifted here.
 */
function LockState(props: {
  entry: ExtensionSettings;
  busy: boolean;
  onUnlock(): void;
  lastUnlock?: { at: string; by: string | null } | null;
}) {
  const { t, i18n } = useTranslation();
  const { lock } = props.entry;
  if (lock.kind === 'none') {
    const unlocked = props.lastUnlock ? (
      <p className="field__hint" data-testid={`last-unlock-${props.entry.extension}`}>
        {t(props.lastUnlock.by ? 'pinCodes.unlockedBy' : 'pinCodes.unlockedAt', {
          time: formatDateTime(props.lastUnlock.at, i18n.language),
          who: props.lastUnlock.by,
        })}
      </p>
    ) : null;
    return lock.wrongCodesInWindow > 0 ? (
      <>
        <p className="field__hint">
          {t('callSettings.wrongCodesInWindow', { count: lock.wrongCodesInWindow })}
        </p>
        {unlocked}
      </>
    ) : (
      unlocked
    );
  }
  const text =
    lock.kind === 'quarantined'
      ? t('callSettings.lockQuarantined', {
          time: lock.since ? formatDateTime(lock.since, i18n.language) : '',
          lockouts: lock.lockoutsInWindow,
        })
      : t('callSettings.lockLocked', { time: lock.until ? formatDateTime(lock.until, i18n.language) : '' });
  return (
    <p className="notice notice--warning" data-testid={`lock-state-${props.entry.extension}`}>
      {text}{' '}
      <button type="button" className="button" disabled={props.busy} onClick={props.onUnlock}>
        {t('callSettings.unlock')}
      </button>
    </p>
  );
}

/** One extension's Anrufeinstellungen for an admin: the switch, a new unlock code (twice), unlock. */
export function ExtensionRow(props: {
  entry: ExtensionSettings;
  client: AdminClient;
  onChanged(entry: ExtensionSettings): void;
  /** The last unlock of this extension and who did it (PIN-Nutzung's audit trail), if known. */
  lastUnlock?: { at: string; by: string | null } | null;
  /** Codes or the lock changed: the PIN-Nutzung view reads the audit trail again. */
  onAudit?(): void;
}) {
  const { t } = useTranslation();
  const { entry } = props;
  const id = useId();
  const [code, setCode] = useState('');
  const [repeat, setRepeat] = useState('');
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; key: string } | null>(null);
  const [busy, setBusy] = useState(false);
  /** The switch shows the requested state at once and falls back if the PBX refuses. */
  const [requestedIvr, setRequestedIvr] = useState<boolean | null>(null);

  const apply = async (action: () => Promise<AdminResult<ExtensionSettings>>) => {
    setBusy(true);
    const result = await action();
    setBusy(false);
    if (result.ok) {
      props.onChanged(result.value);
      setMessage({ kind: 'ok', key: 'callSettings.saved' });
    } else {
      setMessage({
        kind: 'error',
        key: `callSettings.errors.${KNOWN_ERRORS.includes(result.code) ? result.code : 'generic'}`,
      });
    }
  };

  const setUnlockCode = (event: FormEvent) => {
    event.preventDefault();
    if (!isValidUnlockCode(code))
      return setMessage({ kind: 'error', key: 'callSettings.errors.code-format' });
    if (code !== repeat) return setMessage({ kind: 'error', key: 'callSettings.errors.codes-differ' });
    const unlockCode = code;
    setCode('');
    setRepeat('');
    void apply(() => props.client.changeCallSettings(entry.extension, { unlockCode }));
  };

  return (
    <li className="admin__entry" data-testid={`admin-extension-${entry.extension}`}>
      <h4 id={`${id}-name`}>
        {entry.extension} · {entry.displayName}{' '}
        <span className="field__hint">
          ({entry.registered ? t('callSettings.registered') : t('callSettings.notRegistered')})
        </span>
      </h4>
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={requestedIvr ?? entry.ivrAuthentication}
          disabled={busy || !entry.pinProtection.available}
          aria-describedby={`${id}-product`}
          onChange={(event) => {
            const ivrAuthentication = event.target.checked;
            setRequestedIvr(ivrAuthentication);
            void apply(() => props.client.changeCallSettings(entry.extension, { ivrAuthentication })).finally(
              () => setRequestedIvr(null),
            );
          }}
        />
        {t('callSettings.ivrAuthentication')}
      </label>
      <p id={`${id}-product`} className="field__hint">
        {entry.pinProtection.available && entry.pinProtection.product
          ? t('callSettings.productAllows', { product: entry.pinProtection.product.name })
          : t('callSettings.productDoesNotAllow')}{' '}
        {entry.unlockCodeSet ? t('callSettings.unlockCodeSet') : t('callSettings.unlockCodeNotSet')}
      </p>
      {entry.pinProtection.available ? (
        <form
          className="admin__code"
          onSubmit={setUnlockCode}
          aria-label={t('pinCodes.setUnlockCodeFor', { extension: entry.extension })}
        >
          <TextField
            label={t('callSettings.newUnlockCode')}
            type="password"
            inputMode="numeric"
            autoComplete="new-password"
            value={code}
            onValueChange={setCode}
          />
          <TextField
            label={t('callSettings.repeatUnlockCode')}
            type="password"
            inputMode="numeric"
            autoComplete="new-password"
            value={repeat}
            onValueChange={setRepeat}
          />
          <button type="submit" className="button" disabled={busy || code === ''}>
            {t('callSettings.setUnlockCode')}
          </button>
        </form>
      ) : null}
      <LockState
        entry={entry}
        busy={busy}
        lastUnlock={props.lastUnlock ?? null}
        onUnlock={() => void apply(() => props.client.unlock(entry.extension)).then(() => props.onAudit?.())}
      />
      <Feedback message={message} />
      {entry.pinScope !== undefined ? (
        <PinScopeSelect entry={entry} client={props.client} onChanged={props.onChanged} />
      ) : null}
      {entry.pinProtection.available ? (
        <PinCodes extension={entry.extension} client={props.client} onChanged={props.onAudit} />
      ) : null}
    </li>
  );
}
