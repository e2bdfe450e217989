import type { IvrSignal } from '../../../shared/ivr-signal/ivr-signal';
import type { PinEntryAction, PinEntryRules, PinEntryState } from './pin-entry';
import type { GateClosed } from './pin-gate-port';

/**
 * What the phone is told (IVR signals, `shared/ivr-signal/`) for one step of the PIN-entry machine:
 * derived from the state before and after and the step's actions, so the machine itself stays as it
 * is. Pure; the call sends them (SIP INFO) before it performs the actions. Never a digit or the code.
 */
export interface SignalFacts {
  /** How the gate is closed, when the gate said so (lock prompt): `until` for the `locked` signal. */
  closed: GateClosed | null;
  /** The extension's remaining budget after the last wrong code, when the gate said. */
  wrongCodesLeftBeforeLock: number | null;
}

export function pinSignals(
  before: PinEntryState,
  after: PinEntryState,
  actions: readonly PinEntryAction[],
  rules: PinEntryRules,
  facts: SignalFacts,
): IvrSignal[] {
  if (after.phase === 'idle') return [];
  const used = after.wrongCodes + after.timeouts;
  const wrongNow = before.phase !== 'idle' && after.wrongCodes > before.wrongCodes;
  const signals: IvrSignal[] = [];
  const wrongCode = (attemptsLeft: number): IvrSignal => ({
    phase: 'wrong-code',
    attempt: used,
    attemptsLeft,
    ...(facts.wrongCodesLeftBeforeLock !== null
      ? { wrongCodesLeftBeforeLock: facts.wrongCodesLeftBeforeLock }
      : {}),
  });
  for (const action of actions) {
    switch (action.type) {
      case 'verify':
        // A code submitted at the prompt; codes verified after the caller left tell nobody.
        if (after.phase === 'verifying') signals.push({ phase: 'checking', attempt: used + 1 });
        break;
      case 'play':
        if (action.prompt === 'wrong-pin') signals.push(wrongCode(rules.maxAttempts - used));
        signals.push({
          phase: 'prompt',
          attempt: used + 1,
          attempts: rules.maxAttempts,
          ...(action.prompt === 'wrong-pin'
            ? { after: 'wrong-code' as const }
            : used > 0
              ? { after: 'timeout' as const }
              : {}),
        });
        break;
      case 'bridge':
        signals.push({ phase: 'accepted' });
        break;
      case 'end': {
        if (wrongNow) signals.push(wrongCode(0));
        if (action.why === 'failed') {
          signals.push({ phase: 'failed', wrongCodes: after.wrongCodes, timeouts: after.timeouts });
        } else {
          const closed = facts.closed?.kind === action.why ? facts.closed : null;
          const signal = closed
            ? closedSignal(closed)
            : action.why === 'busy'
              ? closedSignal({ kind: 'busy' })
              : null;
          // A lock without its end time (the gate failed and the call ends as if locked): the
          // phone reads the Reason header of the BYE instead.
          if (signal) signals.push(signal);
        }
        break;
      }
      default:
        break;
    }
  }
  return signals;
}

/** The signal for a closed gate (also when the gate refuses the call before the prompt). */
export function closedSignal(why: GateClosed): IvrSignal {
  switch (why.kind) {
    case 'locked':
      return { phase: 'locked', until: new Date(why.until).toISOString(), scope: 'extension' };
    case 'source-blocked':
      return { phase: 'locked', until: new Date(why.until).toISOString(), scope: 'source' };
    case 'quarantined':
      return { phase: 'quarantined' };
    case 'busy':
      return { phase: 'busy' };
  }
}
