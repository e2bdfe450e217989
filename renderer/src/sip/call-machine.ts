/**
 * One call as the user sees it, as a state machine: data in, data out, no sip.js. The softphone
 * engine feeds it events from sip.js; the UI renders its state.
 *
 *   outgoing: connecting ─180─► ringing ─183─► early-media ─200─► active ◄─► on-hold
 *   incoming: incoming ─accept─► active                                  │
 *             incoming ─CANCEL─► ended (missed, or answered elsewhere: Reason SIP;cause=200)
 *   any ─hang-up / rejected / bye / media lost─► ended (with an outcome the UI can explain)
 *
 * Hold by the far end (its re-INVITE says sendonly or inactive) is a flag beside the phase, since
 * both sides can hold at once.
 */
export type CallDirection = 'outgoing' | 'incoming';

export type CallOutcome =
  | 'completed'
  | 'cancelled'
  | 'declined'
  | 'busy'
  | 'unavailable'
  | 'not-found'
  | 'incomplete-number'
  | 'forbidden'
  | 'pin-failed'
  | 'locked'
  | 'no-media'
  | 'microphone-missing'
  | 'microphone-denied'
  | 'pbx-error'
  | 'network'
  | 'missed'
  | 'answered-elsewhere'
  /** This phone handed the call on (REFER taken), or the other party transferred it away. */
  | 'transferred'
  /** Refused with 486 without ringing: do not disturb. */
  | 'refused-dnd'
  /** Refused with 486 without ringing: a call was going on and call waiting is off (or no line free). */
  | 'refused-busy';

export type CallPhase =
  'connecting' | 'ringing' | 'early-media' | 'incoming' | 'active' | 'on-hold' | 'ended';

export interface CallState {
  phase: CallPhase;
  direction: CallDirection;
  /** When media became audible (early media or answer), for opening the keypad. */
  mediaSince: number | null;
  answeredAt: number | null;
  endedAt: number | null;
  outcome: CallOutcome | null;
  muted: boolean;
  /** The PBX asked for the PIN (inferred: a protected paid call with media). */
  pinRequested: boolean;
  /** The far end put the call on hold (its last offer was sendonly or inactive). */
  heldByRemote: boolean;
}

export type CallEvent =
  | { type: 'progress'; status: number; hasMedia: boolean; at: number }
  | { type: 'answered'; at: number }
  | { type: 'rejected'; status: number; reason: string | undefined; at: number }
  | { type: 'remote-hangup'; reason: string | undefined; at: number }
  /** The caller cancelled an incoming call that was still ringing here; Reason tells why (RFC 3326). */
  | { type: 'cancelled'; reason: string | undefined; at: number }
  | { type: 'local-hangup'; at: number }
  /** The media died (ICE/DTLS failed or no RTP any more): the phone ends the call. */
  | { type: 'transport-lost'; at: number }
  | { type: 'remote-hold-changed'; held: boolean }
  | { type: 'hold-changed'; onHold: boolean }
  | { type: 'mute-changed'; muted: boolean };

export function initialCall(direction: CallDirection): CallState {
  return {
    phase: direction === 'outgoing' ? 'connecting' : 'incoming',
    direction,
    mediaSince: null,
    answeredAt: null,
    endedAt: null,
    outcome: null,
    muted: false,
    pinRequested: false,
    heldByRemote: false,
  };
}

export function callTransition(state: CallState, event: CallEvent, protectedPaidCall = false): CallState {
  if (state.phase === 'ended') return state;
  switch (event.type) {
    case 'progress':
      if (state.phase !== 'connecting' && state.phase !== 'ringing' && state.phase !== 'early-media')
        return state;
      if (event.hasMedia) {
        return {
          ...state,
          phase: 'early-media',
          mediaSince: state.mediaSince ?? event.at,
          pinRequested: state.pinRequested || protectedPaidCall,
        };
      }
      return event.status === 180 && state.phase === 'connecting' ? { ...state, phase: 'ringing' } : state;
    case 'answered':
      return {
        ...state,
        phase: 'active',
        answeredAt: event.at,
        mediaSince: state.mediaSince ?? event.at,
        pinRequested: state.pinRequested || protectedPaidCall,
      };
    case 'rejected':
      return end(state, outcomeOfRejection(event.status, event.reason, state.direction), event.at);
    case 'remote-hangup':
      return end(
        state,
        outcomeOfReason(event.reason) ?? (state.phase === 'incoming' ? 'missed' : 'completed'),
        event.at,
      );
    case 'cancelled':
      return end(state, answeredElsewhere(event.reason) ? 'answered-elsewhere' : 'missed', event.at);
    case 'local-hangup':
      return end(
        state,
        state.answeredAt !== null ? 'completed' : state.direction === 'incoming' ? 'declined' : 'cancelled',
        event.at,
      );
    case 'transport-lost':
      return end(state, 'network', event.at);
    case 'hold-changed':
      if (state.phase !== 'active' && state.phase !== 'on-hold') return state;
      return { ...state, phase: event.onHold ? 'on-hold' : 'active' };
    case 'remote-hold-changed':
      if (state.phase !== 'active' && state.phase !== 'on-hold') return state;
      return state.heldByRemote === event.held ? state : { ...state, heldByRemote: event.held };
    case 'mute-changed':
      return { ...state, muted: event.muted };
  }
}

function end(state: CallState, outcome: CallOutcome, at: number): CallState {
  return { ...state, phase: 'ended', outcome, endedAt: at };
}

/** The Reason header the PBX ends a PIN-protected call with (RFC 3326). */
export function outcomeOfReason(reason: string | undefined): CallOutcome | null {
  if (!reason) return null;
  if (/PIN authentication failed/i.test(reason)) return 'pin-failed';
  if (/Paid calls locked/i.test(reason)) return 'locked';
  return null;
}

/**
 * A CANCEL whose Reason says the call was answered with a 200 OK elsewhere (RFC 3326, e.g.
 * `SIP;cause=200;text="Call completed elsewhere"`): another device of the same user took it.
 */
export function answeredElsewhere(reason: string | undefined): boolean {
  if (!reason) return false;
  return reason
    .split(',')
    .some((value) => /^\s*SIP\s*;/i.test(value) && /;\s*cause\s*=\s*200(?![0-9])/i.test(value));
}

export function outcomeOfRejection(
  status: number,
  reason: string | undefined,
  direction: CallDirection,
): CallOutcome {
  const fromReason = outcomeOfReason(reason);
  if (fromReason) return fromReason;
  if (status === 486 || status === 600) return 'busy';
  if (status === 603) return 'declined';
  if (status === 480 || status === 408) return 'unavailable';
  if (status === 404 || status === 604) return 'not-found';
  if (status === 484) return 'incomplete-number';
  if (status === 403) return 'forbidden';
  if (status === 487) return direction === 'incoming' ? 'missed' : 'cancelled';
  if (status === 488 || status === 606) return 'no-media';
  return 'pbx-error';
}

/** Whether the keypad is usable: from the first media (183 or 200) until the call ends. */
export function keypadAvailable(state: CallState): boolean {
  return state.mediaSince !== null && (state.phase === 'early-media' || state.phase === 'active');
}
