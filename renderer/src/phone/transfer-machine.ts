/**
 * A transfer this phone asked for (REFER, RFC 3515), as a state machine: data in, data out. The
 * engine feeds it the REFER's answer and the NOTIFYs (message/sipfrag bodies with the new call's
 * progress); the call screen says what each state means.
 *
 *   requested ─202─► accepted ─NOTIFY 1xx─► trying / ringing ─NOTIFY 2xx─► done
 *   requested ─4xx/5xx/6xx─► refused (the PBX or the other phone said no; Reason shown)
 *   accepted / trying / ringing ─NOTIFY ≥300─► failed (the target did not take the call)
 */
export type TransferKind = 'blind' | 'attended';

export type TransferPhase = 'requested' | 'accepted' | 'trying' | 'ringing' | 'done' | 'refused' | 'failed';

export interface TransferState {
  kind: TransferKind;
  /** Who the call goes to (a number, or the consulted call's party). */
  target: string;
  phase: TransferPhase;
  /** The last SIP status heard (the REFER's answer or a NOTIFY's sipfrag). */
  status: number | null;
  /** The PBX's words when it refused (Reason text or reason phrase), shown as they are. */
  reason: string | null;
}

export type TransferEvent =
  | { type: 'refer-accepted' }
  | { type: 'refer-rejected'; status: number; reason: string | null }
  | { type: 'notify'; status: number }
  /** The REFER got no answer (timeout, connection lost). */
  | { type: 'refer-failed' };

export function startTransfer(kind: TransferKind, target: string): TransferState {
  return { kind, target, phase: 'requested', status: null, reason: null };
}

/** A transfer that is over, either way: the call screen offers a new one. */
export function transferSettled(state: TransferState | null): boolean {
  return state === null || state.phase === 'done' || state.phase === 'refused' || state.phase === 'failed';
}

export function transferTransition(state: TransferState, event: TransferEvent): TransferState {
  if (state.phase === 'done' || state.phase === 'refused' || state.phase === 'failed') return state;
  switch (event.type) {
    case 'refer-accepted':
      return state.phase === 'requested' ? { ...state, phase: 'accepted', status: 202 } : state;
    case 'refer-rejected':
      return { ...state, phase: 'refused', status: event.status, reason: event.reason };
    case 'refer-failed':
      return { ...state, phase: 'failed', status: null };
    case 'notify': {
      const status = event.status;
      if (status >= 200 && status < 300) return { ...state, phase: 'done', status };
      if (status >= 300) return { ...state, phase: 'failed', status };
      if (status === 180 || status === 183) return { ...state, phase: 'ringing', status };
      return state.phase === 'ringing' ? state : { ...state, phase: 'trying', status };
    }
  }
}

/** The status of a NOTIFY's `message/sipfrag` body (`SIP/2.0 180 Ringing`); null if it has none. */
export function sipfragStatus(body: string | undefined): number | null {
  const match = /^\s*SIP\/2\.0\s+(\d{3})\b/.exec(body ?? '');
  return match ? Number(match[1]) : null;
}

/** The text of a Reason header (`SIP;cause=403;text="…"`), else null. */
export function reasonText(reason: string | undefined): string | null {
  if (!reason) return null;
  const match = /text\s*=\s*"([^"]{1,200})"/i.exec(reason);
  return match?.[1] ?? null;
}
