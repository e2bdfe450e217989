import type { PinOutcome } from '../store/ports';
import type { CallContext, CallSetup } from './call-context';

/** The number a call goes to, normalised (never what was typed during the call). */
export function destinationOf(classification: CallSetup['classification']): string {
  switch (classification.callClass) {
    case 'internal':
      return classification.extension;
    case 'ivr-app':
      return classification.code;
    case 'emergency':
      return classification.number;
    default:
      return classification.e164;
  }
}

/** How a media call went, as its call record keeps it. */
export interface CallOutcome {
  callId: string;
  result: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number;
  pinOutcome: PinOutcome;
  /** Present when the PIN IVR ran: its attempts and timeouts (also logged then). */
  pin: { attempts: number; timeouts: number } | null;
  /** The label of the code that opened the call (issue #14); never the code. */
  codeLabel?: string | null;
}

/** Writes the call record (never a code or digit) and logs `call-ended`. */
export function recordCall(
  context: Pick<CallContext, 'db' | 'log'>,
  setup: CallSetup,
  outcome: CallOutcome,
): void {
  const { callId, result, pinOutcome, pin } = outcome;
  const callClass = setup.classification.callClass;
  try {
    context.db.insertCallRecord({
      callId,
      caller: setup.caller.number,
      destination: destinationOf(setup.classification),
      callClass,
      pinOutcome,
      pinAttempts: pin?.attempts ?? 0,
      pinTimeouts: pin?.timeouts ?? 0,
      codeLabel: outcome.codeLabel ?? null,
      result,
      startedAt: outcome.startedAt,
      answeredAt: outcome.answeredAt,
      endedAt: outcome.endedAt,
    });
  } catch (error) {
    // Only after shutdown closed the database while a verdict was in flight.
    context.log('call-record-failed', {
      callId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
  context.log('call-ended', {
    callId,
    callClass,
    caller: setup.caller.number,
    pinOutcome,
    ...(pin ? { pinAttempts: pin.attempts, pinTimeouts: pin.timeouts } : {}),
    ...(outcome.codeLabel ? { codeLabel: outcome.codeLabel } : {}),
    result,
  });
}
