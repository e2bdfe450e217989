import type { GateClosedKind } from '../ivr/pin-entry';
import { REASONS } from './call-context';

/** How a call the PBX ends itself is answered: the call record's result and the SIP final answer. */
export interface CallEnding {
  result: string;
  /** The Reason header (RFC 3326). */
  reason: string;
  /** The final response when the call was not answered (early-media style). */
  status: number;
  text: string;
}

/** The SIP answer for each way the PIN IVR ends without a bridge. */
export const ENDINGS: Record<'failed' | GateClosedKind, CallEnding> = {
  failed: { result: 'pin-failed', reason: REASONS.pinFailed, status: 403, text: 'PIN Authentication Failed' },
  locked: { result: 'locked', reason: REASONS.locked, status: 403, text: 'Paid Calls Locked' },
  'source-blocked': {
    result: 'source-blocked',
    reason: REASONS.locked,
    status: 403,
    text: 'Paid Calls Locked',
  },
  quarantined: { result: 'quarantined', reason: REASONS.quarantined, status: 403, text: 'Paid Calls Locked' },
  busy: { result: 'pin-busy', reason: REASONS.pinBusy, status: 486, text: 'PIN Entry In Progress' },
};
