import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Feedback } from '../../app/Feedback';
import {
  PIN_SCOPES,
  PinScopeSchema,
  type AdminClient,
  type CompanySettings,
  type ExtensionSettings,
  type PinScope,
} from '../../policy/admin-client';

type Message = { kind: 'error' | 'ok'; key: string } | null;

const errorKey = (code: string) =>
  `callSettings.errors.${['unauthenticated', 'network'].includes(code) ? code : 'generic'}`;

/** Which paid calls of one extension need the PIN: the company's default or its own scope. */
export function PinScopeSelect(props: {
  entry: ExtensionSettings;
  client: AdminClient;
  onChanged(entry: ExtensionSettings): void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const { entry } = props;
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>(null);

  const change = async (value: string) => {
    const pinScope: PinScope | null = value === '' ? null : PinScopeSchema.parse(value);
    setBusy(true);
    const result = await props.client.changeCallSettings(entry.extension, { pinScope });
    setBusy(false);
    if (!result.ok) return setMessage({ kind: 'error', key: errorKey(result.code) });
    props.onChanged(result.value);
    setMessage({ kind: 'ok', key: 'callSettings.saved' });
  };

  return (
    <div className="field" data-testid={`pin-scope-${entry.extension}`}>
      <label htmlFor={`${id}-scope`}>{t('pinCodes.scope')}</label>
      <select
        id={`${id}-scope`}
        value={entry.pinScope ?? ''}
        disabled={busy}
        aria-describedby={`${id}-effective`}
        onChange={(event) => void change(event.target.value)}
      >
        <option value="">{t('pinCodes.scopeDefault')}</option>
        {PIN_SCOPES.map((scope) => (
          <option key={scope} value={scope}>
            {t(`pinCodes.scopes.${scope}`)}
          </option>
        ))}
      </select>
      <p id={`${id}-effective`} className="field__hint">
        {entry.effectivePinScope
          ? t('pinCodes.scopeEffective', { scope: t(`pinCodes.scopes.${entry.effectivePinScope}`) })
          : null}{' '}
        {t('pinCodes.scopeNeverGated')}
      </p>
      <Feedback message={message} />
    </div>
  );
}

/** The company's default scope, for every extension that has none of its own. */
export function CompanyScopeSelect(props: {
  company: CompanySettings;
  client: AdminClient;
  onChanged(company: CompanySettings): void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>(null);

  const change = async (value: string) => {
    setBusy(true);
    const result = await props.client.changeCompany({ defaultPinScope: PinScopeSchema.parse(value) });
    setBusy(false);
    if (!result.ok) return setMessage({ kind: 'error', key: errorKey(result.code) });
    props.onChanged(result.value);
    setMessage({ kind: 'ok', key: 'callSettings.saved' });
  };

  return (
    <div className="field" data-testid="company-pin-scope">
      <label htmlFor={`${id}-scope`}>{t('pinCodes.companyScope')}</label>
      <select
        id={`${id}-scope`}
        value={props.company.defaultPinScope}
        disabled={busy}
        onChange={(event) => void change(event.target.value)}
      >
        {PIN_SCOPES.map((scope) => (
          <option key={scope} value={scope}>
            {t(`pinCodes.scopes.${scope}`)}
          </option>
        ))}
      </select>
      <Feedback message={message} />
    </div>
  );
}
