/**
 * Whether an SDP offer from the far end puts us on hold (RFC 3264 §8.4: it marks its audio stream
 * sendonly, or inactive). A media-level direction wins over the session-level one; without any,
 * the stream is sendrecv. Returns null when the body holds no audio stream (an offerless re-INVITE).
 */
export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

const DIRECTION = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/;

export function audioDirectionOf(sdp: string | undefined): SdpDirection | null {
  if (!sdp) return null;
  let sessionDirection: SdpDirection | null = null;
  let section: 'session' | 'audio' | 'other' = 'session';
  let audioDirection: SdpDirection | null = null;
  let sawAudio = false;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      // Only the first audio stream counts: Tollgate offers and answers exactly one.
      if (sawAudio) break;
      section = line.startsWith('m=audio ') ? 'audio' : 'other';
      sawAudio = section === 'audio';
      continue;
    }
    const direction = DIRECTION.exec(line)?.[1] as SdpDirection | undefined;
    if (!direction) continue;
    if (section === 'session') sessionDirection = direction;
    else if (section === 'audio') audioDirection = direction;
  }
  if (!sawAudio) return null;
  return audioDirection ?? sessionDirection ?? 'sendrecv';
}

/** The far end's offer holds us: it will not listen (sendonly) or neither side sends (inactive). */
export function offerHoldsUs(sdp: string | undefined): boolean | null {
  const direction = audioDirectionOf(sdp);
  if (direction === null) return null;
  return direction === 'sendonly' || direction === 'inactive';
}
