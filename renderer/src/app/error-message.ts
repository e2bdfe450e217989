import type { HostError } from '../../../shared/result';

/** The i18n key of the message a user sees for a host error: what happened and what to do. */
export function hostErrorMessageKey(error: HostError): string {
  switch (error.code) {
    case 'secret-unreadable':
    case 'settings-unwritable':
    case 'secret-storage-unavailable':
      return `errors.${error.code}`;
    case 'invalid-input':
      return 'account.fixErrors';
    default:
      return 'errors.generic';
  }
}
