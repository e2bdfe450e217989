import type { IvrSignal } from '../../../../shared/ivr-signal/ivr-signal';
import type { PinEvent } from './pin-phase';

/**
 * A PBX's in-dialog IVR signal (the `tollgate-ivr` Info Package, shared/ivr-signal) as an event of
 * the PIN step. `at` is when it arrived (the destination's answer starts the talk timer). Null: a
 * signal that changes nothing on the screen (a wrong code with no attempt left: `failed` or
 * `locked` follows).
 */
export function pinEventOfIvrSignal(signal: IvrSignal, at: number): PinEvent | null {
  switch (signal.phase) {
    case 'prompt':
      return signal.after === 'wrong-code'
        ? { type: 'wrong-code', attempt: signal.attempt, maxAttempts: signal.attempts }
        : {
            type: 'prompt-started',
            at,
            fromPbx: true,
            attempt: signal.attempt,
            maxAttempts: signal.attempts,
          };
    case 'checking':
      return { type: 'checking' };
    case 'wrong-code':
      return signal.attemptsLeft > 0
        ? {
            type: 'wrong-code',
            attempt: signal.attempt + 1,
            maxAttempts: signal.attempt + signal.attemptsLeft,
          }
        : null;
    case 'accepted':
      // Whose code it was (issue #14; at most 64 characters by the schema); none or blank: none.
      return signal.codeLabel?.trim()
        ? { type: 'accepted', codeLabel: signal.codeLabel }
        : { type: 'accepted' };
    case 'ringing':
      return { type: 'ringing' };
    case 'connected':
      // The label again (issue #14): in the early-media style `accepted` is lost before the answer.
      return signal.codeLabel?.trim()
        ? { type: 'destination-answered', at, codeLabel: signal.codeLabel }
        : { type: 'destination-answered', at };
    case 'locked':
      return { type: 'locked', until: signal.until };
    case 'quarantined':
      return { type: 'locked', until: null };
    case 'busy':
      return { type: 'busy' };
    case 'failed':
      return { type: 'failed' };
  }
}
