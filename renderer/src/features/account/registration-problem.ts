import type { RegistrationState } from '../../sip/softphone';

/** Which Konto field a registration problem belongs next to, and the words for it. */
export interface RegistrationProblem {
  field: 'password' | 'sipWebSocketUrl';
  messageKey: string;
  retryAt: number;
}

export function registrationProblemOf(registration: RegistrationState): RegistrationProblem | null {
  switch (registration.kind) {
    case 'failed':
      return {
        field: registration.problem === 'server' ? 'sipWebSocketUrl' : 'password',
        messageKey:
          registration.problem === 'credentials'
            ? 'account.registrationCredentials'
            : registration.problem === 'throttled'
              ? 'account.registrationThrottled'
              : 'account.registrationServer',
        retryAt: registration.retryAt,
      };
    case 'offline':
      return {
        field: 'sipWebSocketUrl',
        messageKey: 'account.registrationUnreachable',
        retryAt: registration.retryAt,
      };
    default:
      return null;
  }
}

/** Whole seconds left until `retryAt` (rounded up, never below 0). */
export function secondsUntil(retryAt: number, now: number): number {
  return Math.max(0, Math.ceil((retryAt - now) / 1000));
}
