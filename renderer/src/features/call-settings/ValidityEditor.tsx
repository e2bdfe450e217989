import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PinCode } from '../../policy/admin-client';
import { TextField } from '../account/TextField';

/** Changes a code's validity days in place; an empty field clears that end (null). */
export function ValidityEditor(props: {
  code: PinCode;
  busy: boolean;
  onInvalid(key: string): void;
  onSave(validity: { validFrom: string | null; validUntil: string | null }): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const [validFrom, setValidFrom] = useState(props.code.validFrom?.slice(0, 10) ?? '');
  const [validUntil, setValidUntil] = useState(props.code.validUntil?.slice(0, 10) ?? '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (validFrom && validUntil && validUntil < validFrom)
      return props.onInvalid('pinCodes.errors.dates-order');
    props.onSave({ validFrom: validFrom || null, validUntil: validUntil || null });
  };

  return (
    <form
      className="pin-codes__validity"
      onSubmit={submit}
      aria-label={t('pinCodes.editValidityLabel', { label: props.code.label })}
    >
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
      <button type="submit" className="button" disabled={props.busy}>
        {t('pinCodes.saveValidity')}
      </button>
      <button type="button" className="button" onClick={props.onCancel}>
        {t('pinCodes.cancel')}
      </button>
    </form>
  );
}
