import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  isLongEnoughForPersonalCode,
  isValidUnlockCode,
  MAX_CODES_PER_EXTENSION,
  PERSONAL_CODE_MIN_DIGITS,
  UNLOCK_CODE_DIGITS,
} from '../../../../shared/policy/unlock-code';
import { Feedback } from '../../app/Feedback';
import type { AdminClient, AdminResult, PinCode } from '../../policy/admin-client';
import { TextField } from '../account/TextField';
import { ValidityEditor } from './ValidityEditor';
import { codeStatus, formatDay } from './pin-code-status';
import './pin-codes.css';

const KNOWN_ERRORS = [
  'code-taken',
  'code-invalid',
  'code-too-short',
  'too-many-codes',
  'label-invalid',
  'unauthenticated',
  'network',
  'code-not-found',
  'invalid-input',
];

type Message = { kind: 'error' | 'ok'; key: string; values?: Record<string, number> } | null;

/** The code limits the PBX enforces (shared/policy/unlock-code.ts), for the hint and the errors. */
const LIMITS = {
  min: PERSONAL_CODE_MIN_DIGITS,
  max: UNLOCK_CODE_DIGITS.max,
  maxCodes: MAX_CODES_PER_EXTENSION,
};

/**
 * An extension's personal unlock codes: each with a label (the person), optional validity, enabled or
 * not, and when it was last used. A new code is typed twice into masked fields that React never holds
 * (uncontrolled inputs, read once on submit and cleared at once); the PBX never returns a code.
 */
export function PinCodes(props: { extension: string; client: AdminClient; onChanged?(): void }) {
  const { t, i18n } = useTranslation();
  const { extension, client, onChanged } = props;
  const id = useId();
  const [codes, setCodes] = useState<PinCode[] | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const [message, setMessage] = useState<Message>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);

  const show = useCallback((result: AdminResult<PinCode[]>) => {
    if (result.ok) {
      setCodes(result.value);
      setLoadFailed(false);
    } else setLoadFailed(true);
  }, []);
  const load = useCallback(async () => show(await client.listCodes(extension)), [client, extension, show]);

  useEffect(() => {
    let current = true;
    void client.listCodes(extension).then((result) => {
      if (current) show(result);
    });
    return () => {
      current = false;
    };
  }, [client, extension, show]);

  const fail = (code: string) =>
    setMessage({
      kind: 'error',
      key: `pinCodes.errors.${KNOWN_ERRORS.includes(code) ? code : 'generic'}`,
      values: LIMITS,
    });

  /** Runs one change; true when the PBX took it. The list is read again after it either way. */
  const run = async (
    action: () => Promise<{ ok: boolean; code?: string }>,
    okKey: string,
  ): Promise<boolean> => {
    setBusy(true);
    const result = await action();
    setBusy(false);
    if (result.ok) setMessage({ kind: 'ok', key: okKey });
    else fail(result.code ?? 'generic');
    // Also after a refusal: another admin may have changed or deleted the code meanwhile.
    await load();
    if (result.ok) onChanged?.();
    return result.ok;
  };

  const today = new Date().toISOString().slice(0, 10);

  return (
    // A group, not a region: every extension has one, and regions must have names of their own.
    <div
      className="pin-codes"
      role="group"
      aria-labelledby={`${id}-heading`}
      data-testid={`pin-codes-${extension}`}
    >
      <h5 id={`${id}-heading`}>{t('pinCodes.heading')}</h5>
      {loadFailed ? (
        <p className="field__error">
          {t('pinCodes.loadFailed')}{' '}
          <button type="button" className="button" onClick={() => void load()}>
            {t('pinCodes.retry')}
          </button>
        </p>
      ) : codes === null ? (
        <p className="field__hint">{t('pinCodes.loading')}</p>
      ) : codes.length === 0 ? (
        <p className="field__hint">{t('pinCodes.none')}</p>
      ) : (
        <ul className="pin-codes__list">
          {codes.map((code) => {
            const status = codeStatus(code, today);
            return (
              <li key={code.id} className="pin-codes__code" data-testid="pin-code">
                <div>
                  <strong>{code.label}</strong>{' '}
                  <span className={`pin-codes__status pin-codes__status--${status}`}>
                    {t(`pinCodes.status.${status}`)}
                  </span>
                  <p className="field__hint">
                    {validityText(t, code, i18n.language)} ·{' '}
                    {code.lastUsedAt
                      ? t('pinCodes.lastUsed', { time: formatDay(code.lastUsedAt, i18n.language, true) })
                      : t('pinCodes.neverUsed')}
                  </p>
                </div>
                {editing === code.id ? (
                  <ValidityEditor
                    code={code}
                    busy={busy}
                    onInvalid={(key) => setMessage({ kind: 'error', key, values: LIMITS })}
                    onCancel={() => setEditing(null)}
                    onSave={(validity) =>
                      void run(
                        () => client.changeCode(extension, code.id, validity),
                        'pinCodes.validitySaved',
                      ).then((saved) => {
                        if (saved) setEditing(null);
                      })
                    }
                  />
                ) : confirming === code.id ? (
                  <div
                    className="pin-codes__confirm"
                    role="group"
                    aria-label={t('pinCodes.confirmDelete', { label: code.label })}
                  >
                    <span>{t('pinCodes.confirmDelete', { label: code.label })}</span>
                    <button
                      type="button"
                      className="button button--danger"
                      disabled={busy}
                      onClick={() => {
                        setConfirming(null);
                        void run(() => client.deleteCode(extension, code.id), 'pinCodes.deleted');
                      }}
                    >
                      {t('pinCodes.delete')}
                    </button>
                    <button
                      type="button"
                      className="button"
                      // The safe choice has the focus (as when an account is removed).
                      autoFocus
                      onClick={() => setConfirming(null)}
                    >
                      {t('pinCodes.cancel')}
                    </button>
                  </div>
                ) : (
                  <div className="pin-codes__actions">
                    <button
                      type="button"
                      className="button"
                      disabled={busy}
                      aria-label={t(code.enabled ? 'pinCodes.disableLabel' : 'pinCodes.enableLabel', {
                        label: code.label,
                      })}
                      onClick={() =>
                        void run(
                          () => client.changeCode(extension, code.id, { enabled: !code.enabled }),
                          code.enabled ? 'pinCodes.disabled' : 'pinCodes.enabled',
                        )
                      }
                    >
                      {t(code.enabled ? 'pinCodes.disable' : 'pinCodes.enable')}
                    </button>
                    <button
                      type="button"
                      className="button"
                      disabled={busy}
                      aria-label={t('pinCodes.editValidityLabel', { label: code.label })}
                      onClick={() => setEditing(code.id)}
                    >
                      {t('pinCodes.editValidity')}
                    </button>
                    <button
                      type="button"
                      className="button"
                      disabled={busy}
                      aria-label={t('pinCodes.deleteLabel', { label: code.label })}
                      onClick={() => setConfirming(code.id)}
                    >
                      {t('pinCodes.delete')}
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <AddCodeForm
        extension={extension}
        busy={busy}
        onInvalid={(key) => setMessage({ kind: 'error', key, values: LIMITS })}
        onSubmit={(code) => run(() => client.addCode(extension, code), 'pinCodes.added')}
      />
      <Feedback message={message} />
    </div>
  );
}

function validityText(
  t: (key: string, options?: Record<string, unknown>) => string,
  code: PinCode,
  language: string,
): string {
  const from = code.validFrom ? formatDay(code.validFrom, language) : null;
  const until = code.validUntil ? formatDay(code.validUntil, language) : null;
  if (from && until) return t('pinCodes.validFromUntil', { from, until });
  if (from) return t('pinCodes.validFrom', { from });
  if (until) return t('pinCodes.validUntil', { until });
  return t('pinCodes.validAlways');
}

/**
 * Label, the code twice, optional validity. The code fields are uncontrolled: their value is read on
 * submit into a local constant, the fields are emptied before the request goes out, and nothing else
 * keeps it (no state, no log).
 */
function AddCodeForm(props: {
  extension: string;
  busy: boolean;
  onInvalid(key: string): void;
  onSubmit(code: {
    label: string;
    code: string;
    validFrom: string | null;
    validUntil: string | null;
  }): Promise<boolean>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const codeRef = useRef<HTMLInputElement>(null);
  const repeatRef = useRef<HTMLInputElement>(null);
  const [label, setLabel] = useState('');
  const [validFrom, setValidFrom] = useState('');
  const [validUntil, setValidUntil] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const code = codeRef.current?.value ?? '';
    const repeat = repeatRef.current?.value ?? '';
    if (codeRef.current) codeRef.current.value = '';
    if (repeatRef.current) repeatRef.current.value = '';
    const trimmed = label.trim();
    if (trimmed === '' || trimmed.length > 64) return props.onInvalid('pinCodes.errors.label-invalid');
    if (!isValidUnlockCode(code)) return props.onInvalid('pinCodes.errors.code-invalid');
    if (!isLongEnoughForPersonalCode(code)) return props.onInvalid('pinCodes.errors.code-too-short');
    if (code !== repeat) return props.onInvalid('pinCodes.errors.codes-differ');
    if (validFrom && validUntil && validUntil < validFrom)
      return props.onInvalid('pinCodes.errors.dates-order');
    void props
      .onSubmit({ label: trimmed, code, validFrom: validFrom || null, validUntil: validUntil || null })
      .then((added) => {
        if (!added) return;
        setLabel('');
        setValidFrom('');
        setValidUntil('');
      });
  };

  return (
    <form
      className="pin-codes__add"
      onSubmit={submit}
      aria-label={t('pinCodes.addHeading', { extension: props.extension })}
    >
      <TextField
        label={t('pinCodes.label')}
        hint={t('pinCodes.labelHint')}
        value={label}
        onValueChange={setLabel}
        maxLength={64}
        autoComplete="off"
      />
      <div className="field">
        <label htmlFor={`${id}-code`}>{t('pinCodes.code')}</label>
        <input
          id={`${id}-code`}
          ref={codeRef}
          type="password"
          inputMode="numeric"
          autoComplete="new-password"
          aria-describedby={`${id}-code-hint`}
        />
        <p id={`${id}-code-hint`} className="field__hint">
          {t('pinCodes.codeHint', LIMITS)}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-repeat`}>{t('pinCodes.repeat')}</label>
        <input
          id={`${id}-repeat`}
          ref={repeatRef}
          type="password"
          inputMode="numeric"
          autoComplete="new-password"
        />
      </div>
      <div className="pin-codes__dates">
        <TextField
          label={t('pinCodes.validFromField')}
          type="date"
          value={validFrom}
          onValueChange={setValidFrom}
        />
        <TextField
          label={t('pinCodes.validUntilField')}
          type="date"
          value={validUntil}
          onValueChange={setValidUntil}
        />
      </div>
      <button type="submit" className="button" disabled={props.busy}>
        {t('pinCodes.add')}
      </button>
    </form>
  );
}
