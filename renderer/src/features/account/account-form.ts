import { AccountSchema, type Account } from '../../../../shared/settings/schema';
import type { PasswordState, SaveAccountInput } from '../../../../shared/ipc/contract';

/** The form's fields as typed: every one a string. */
export interface AccountFormValues {
  sipWebSocketUrl: string;
  extension: string;
  password: string;
  displayName: string;
  sipDomain: string;
  authUsername: string;
  policyApiUrl: string;
}
export type AccountFormField = keyof AccountFormValues;
export type FieldErrors = Partial<Record<AccountFormField, string>>;

export function formValuesFrom(account: Account | null): AccountFormValues {
  return {
    sipWebSocketUrl: account?.sipWebSocketUrl ?? '',
    extension: account?.extension ?? '',
    password: '',
    displayName: account?.displayName ?? '',
    sipDomain: account?.sipDomain ?? '',
    authUsername: account?.authUsername ?? '',
    policyApiUrl: account?.policyApiUrl ?? '',
  };
}

/** Validates the form with the contract's own schema; the host validates again on its side. */
export function validateAccountForm(
  values: AccountFormValues,
  passwordState: PasswordState,
): { ok: true; input: SaveAccountInput } | { ok: false; errors: FieldErrors } {
  const { password, ...accountFields } = values;
  const errors: FieldErrors = {};
  const parsed = AccountSchema.safeParse(accountFields);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (typeof field === 'string' && field in values) {
        errors[field as AccountFormField] ??= issue.message.startsWith('errors.')
          ? issue.message
          : 'errors.invalid';
      }
    }
  }
  if (password === '' && passwordState === 'none') errors.password = 'errors.passwordRequired';
  if (password.length > 128) errors.password = 'errors.passwordTooLong';
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input: password === '' ? { account: parsed.data } : { account: parsed.data, password } };
}

/** Field errors the host reported (paths like `account.extension`) mapped onto form fields. */
export function fieldErrorsFromHost(fields: Record<string, string> | undefined): FieldErrors {
  const errors: FieldErrors = {};
  for (const [path, message] of Object.entries(fields ?? {})) {
    const field = path.replace(/^account\./, '');
    if (field in formValuesFrom(null)) errors[field as AccountFormField] = message;
  }
  return errors;
}
