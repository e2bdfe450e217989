import { z } from 'zod';

/**
 * Where a PBX's PIN IVR is, told to the phone in the call's dialog (issue #12): SIP INFO (RFC 6086)
 * with the Info Package `tollgate-ivr` and a small JSON body. The PBX sends them only to a phone that
 * asked for them (`Recv-Info: tollgate-ivr` in its INVITE, as RFC 6086 asks) and only once the dialog
 * is confirmed (after the 200 OK). Any answer — 200, 415, 469, 501, none — is fine to the PBX; a
 * signal never ends a call. The bodies never carry a digit or the code.
 *
 * This module is the one definition both sides use: the test PBX builds bodies with
 * `ivrSignalBody`, the phone reads them with `parseIvrSignal` (forward compatible: unknown fields are
 * dropped, an unknown phase or version is `null` and is to be ignored).
 */
export const IVR_INFO_PACKAGE = 'tollgate-ivr';
export const IVR_SIGNAL_CONTENT_TYPE = 'application/vnd.tollgate.ivr+json';
export const IVR_SIGNAL_VERSION = 1;

const count = z.number().int().min(0).max(99);
const attempt = z.number().int().min(1).max(99);

/** The phases of a PIN IVR, in the order a call can go through them. */
export const IvrSignalSchema = z.discriminatedUnion('phase', [
  /** The PIN prompt plays for attempt `attempt` of `attempts` (this call's limit). */
  z.object({
    phase: z.literal('prompt'),
    attempt,
    attempts: attempt,
    /** Why this prompt is not the first: the previous code was wrong, or nothing was typed. */
    after: z.enum(['wrong-code', 'timeout']).optional(),
  }),
  /** A code was submitted (`#`, maximum length or inter-digit timeout) and is being checked. */
  z.object({ phase: z.literal('checking'), attempt }),
  /**
   * The code of attempt `attempt` was wrong; `attemptsLeft` more this call. `wrongCodesLeftBeforeLock`
   * is the extension's budget across all calls (0: this code locked it; `locked` follows).
   */
  z.object({
    phase: z.literal('wrong-code'),
    attempt,
    attemptsLeft: count,
    wrongCodesLeftBeforeLock: count.optional(),
  }),
  /**
   * The code was right; the PBX plays "connecting" and dials the destination. `codeLabel`: the label
   * of the personal unlock code that was used (issue #14, "PIN von <label>"), never the code; absent
   * from PBXs without labelled codes.
   */
  z.object({ phase: z.literal('accepted'), codeLabel: z.string().min(1).max(64).optional() }),
  /** The destination is ringing. `destination` is the normalised number the PBX dials (E.164). */
  z.object({ phase: z.literal('ringing'), destination: z.string().max(64) }),
  /**
   * The destination answered: the conversation (and its timer) starts now. `codeLabel`: as on
   * `accepted`, repeated here because in the early-media style `accepted` is sent before the call is
   * answered, when INFO cannot be sent without 100rel, and is lost; `connected` always arrives.
   */
  z.object({
    phase: z.literal('connected'),
    destination: z.string().max(64),
    codeLabel: z.string().min(1).max(64).optional(),
  }),
  /**
   * Paid calls are locked until `until` (ISO 8601): too many wrong codes on the extension
   * (`scope: 'extension'`) or from this address across extensions (`scope: 'source'`).
   */
  z.object({
    phase: z.literal('locked'),
    until: z.iso.datetime(),
    scope: z.enum(['extension', 'source']),
  }),
  /** Paid calls are locked until an administrator unlocks them (repeated lockouts). */
  z.object({ phase: z.literal('quarantined') }),
  /** Another PIN entry of this extension is in progress: not counted, try again shortly. */
  z.object({ phase: z.literal('busy') }),
  /** This call used up its attempts (`wrongCodes` wrong codes, `timeouts` prompts without a key). */
  z.object({ phase: z.literal('failed'), wrongCodes: count, timeouts: count }),
]);
export type IvrSignal = z.infer<typeof IvrSignalSchema>;
export type IvrPhase = IvrSignal['phase'];

/** The body on the wire: the signal plus its version and a sequence number per call (from 1). */
export const IvrSignalEnvelopeSchema = z
  .object({ v: z.literal(IVR_SIGNAL_VERSION), seq: z.number().int().min(1) })
  .and(IvrSignalSchema);
export type IvrSignalEnvelope = z.infer<typeof IvrSignalEnvelopeSchema>;

/** Bodies above this size are not ours (the largest real one is about 120 bytes). */
export const MAX_IVR_SIGNAL_BYTES = 1024;

/** The INFO body for `signal`, the `seq`-th of its call. */
export function ivrSignalBody(signal: IvrSignal, seq: number): string {
  return JSON.stringify({ v: IVR_SIGNAL_VERSION, seq, ...signal });
}

/** The headers of an INFO that carries an IVR signal (Content-Type goes with the body). */
export const IVR_SIGNAL_HEADERS: readonly string[] = [
  `Info-Package: ${IVR_INFO_PACKAGE}`,
  'Content-Disposition: Info-Package',
];

/**
 * Reads an INFO: the signal, or `null` when it is not a Tollgate IVR signal this version understands
 * (another package, another content type, too large, not JSON, unknown phase). Never throws.
 * `infoPackage` is the Info-Package header (RFC 6086); a missing one is accepted when the content
 * type is ours, so a PBX that only sets the content type still works.
 */
export function parseIvrSignal(message: {
  contentType: string | undefined;
  infoPackage?: string | undefined;
  body: string | undefined;
}): IvrSignalEnvelope | null {
  const contentType = message.contentType?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== IVR_SIGNAL_CONTENT_TYPE) return null;
  const infoPackage = message.infoPackage?.split(';')[0]?.trim().toLowerCase();
  if (infoPackage !== undefined && infoPackage !== IVR_INFO_PACKAGE) return null;
  const body = message.body ?? '';
  if (body.length === 0 || body.length > MAX_IVR_SIGNAL_BYTES) return null;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const parsed = IvrSignalEnvelopeSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** Whether a header list value (`Recv-Info`, `Allow`, `Supported`) names `token` (case-insensitive). */
export function headerListHas(values: readonly string[], token: string): boolean {
  const wanted = token.toLowerCase();
  return values.some((value) =>
    value
      .split(',')
      .map((item) => item.split(';')[0]?.trim().toLowerCase())
      .includes(wanted),
  );
}
