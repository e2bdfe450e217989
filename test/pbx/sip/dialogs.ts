/**
 * Who may act in a dialog or on a pending INVITE (pure; the SIP service supplies the facts).
 *
 * A request that copies a dialog's Call-ID and tags is not enough: tags travel in clear in every
 * message, and another extension's phone on another socket could otherwise hang up (BYE) or redirect
 * (re-INVITE) a bridged paid call. A request is the peer's when its From tag is the peer's tag and it
 * arrived on the dialog's socket — or on the socket where the same extension registered the same
 * Contact again after a WebSocket drop (the phone reconnected; the call survives).
 */
export interface DialogPeer {
  connectionId: string;
  /** The extension at the other end, when the PBX knows it. */
  extension: string | null;
  /** The peer's tag (the From tag of its requests), null until it sent one. */
  remoteTag(): string | null;
  /** The peer's Contact. */
  remoteTarget(): string;
}

export interface ArrivedRequest {
  fromTag: string;
  connectionId: string;
}

/** The socket on which `extension` has `contact` registered now, if any. */
export type RegisteredSocket = (contact: string, extension: string | null) => string | undefined;

export function isFromPeer(
  peer: DialogPeer,
  request: ArrivedRequest,
  registeredSocket: RegisteredSocket,
): boolean {
  const tag = peer.remoteTag();
  if (tag === null || request.fromTag !== tag) return false;
  if (request.connectionId === peer.connectionId) return true;
  return registeredSocket(peer.remoteTarget(), peer.extension) === request.connectionId;
}

/** CANCEL matches the INVITE's transaction (RFC 3261 §9.2): branch, Call-ID, From tag and CSeq number. */
export function cancelMatches(
  invite: { viaBranch: string; callId: string; fromTag: string; cseq: number },
  cancel: { viaBranch: string; callId: string; fromTag: string; cseq: number },
): boolean {
  return (
    invite.viaBranch === cancel.viaBranch &&
    invite.callId === cancel.callId &&
    invite.fromTag === cancel.fromTag &&
    invite.cseq === cancel.cseq
  );
}
