/** Small, pure SDP edits the PBX needs (the full SDP is produced by werift and Chromium). */

/** The payload type the remote side uses for telephone-event at `clockRate`, if it offered one. */
export function telephoneEventPayloadType(sdp: string, clockRate = 8000): number | null {
  const match = new RegExp(`^a=rtpmap:(\\d+) telephone-event/${clockRate}\\b`, 'mi').exec(sdp);
  return match?.[1] ? Number(match[1]) : null;
}

/**
 * werift matches codecs by MIME type only, so an offer with telephone-event at 48000 and 8000 Hz gets
 * both into the answer. Keep only the clock rate that matches the audio codec (PCMU: 8000).
 */
export function keepTelephoneEventRate(sdp: string, clockRate = 8000): string {
  const drop = new Set<string>();
  for (const match of sdp.matchAll(/^a=rtpmap:(\d+) telephone-event\/(\d+)/gim)) {
    if (Number(match[2]) !== clockRate && match[1]) drop.add(match[1]);
  }
  if (drop.size === 0) return sdp;
  return sdp
    .split('\r\n')
    .filter((line) => {
      const attribute = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)/.exec(line);
      return !(attribute?.[1] && drop.has(attribute[1]));
    })
    .map((line) =>
      line.startsWith('m=audio ')
        ? line
            .split(' ')
            .filter((part, index) => index < 3 || !drop.has(part))
            .join(' ')
        : line,
    )
    .join('\r\n');
}

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export function directionOf(sdp: string): Direction {
  const match = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(sdp);
  return (match?.[1] as Direction | undefined) ?? 'sendrecv';
}

/** The answer direction for an offer's direction (hold: sendonly → recvonly). */
export function answerDirection(offered: Direction): Direction {
  switch (offered) {
    case 'sendonly':
      return 'recvonly';
    case 'recvonly':
      return 'sendonly';
    default:
      return offered;
  }
}

/** Re-issue our SDP for a re-INVITE: same media, new direction, o= version incremented. */
export function reviseAnswer(sdp: string, direction: Direction): string {
  return sdp
    .replace(/^a=(sendrecv|sendonly|recvonly|inactive)\s*$/gm, `a=${direction}`)
    .replace(
      /^(o=\S+ \S+ )(\d+)/m,
      (_all, prefix: string, version: string) => `${prefix}${BigInt(version) + 1n}`,
    );
}
