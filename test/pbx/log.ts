import { renameSync, statSync } from 'node:fs';
import pino, { type DestinationStream } from 'pino';

/**
 * The PBX's structured log (JSON lines: `{"time":"…","event":"…",…fields}`), written by pino
 * asynchronously (no synchronous file write per event on the call path). Callers pass fields
 * explicitly; nothing logs message bodies, SDP or DTMF, so neither a PIN nor the digits typed can
 * reach a log or trace — and should a caller ever pass one under a usual name, `redact` blanks it.
 *
 * The file is bounded: past `maxBytes` it is renamed to `<file>.1` (replacing the previous one) and
 * a new file begins, so the log never takes more than about twice `maxBytes`.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type PbxLog = (event: string, fields?: LogFields) => void;

/** A PbxLog that can be flushed and closed (the PBX closes it on stop). */
export type PbxLogger = PbxLog & { close(): Promise<void> };

export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;

/** Field names that must never carry their value into a log line. */
export const REDACTED_FIELDS = [
  'pin',
  'code',
  'unlockCode',
  'digits',
  'password',
  'authorization',
  'proxyAuthorization',
  'token',
];

export interface LogOptions {
  file?: string;
  console?: boolean;
  /** Rotate the file past this size (default 10 MB). */
  maxBytes?: number;
  /** Every event with its fields, after redaction rules apply to the file (the PBX's `events`). */
  onEvent?: (event: string, fields: LogFields) => void;
}

export function createLog(options: LogOptions): PbxLogger {
  const streams: { stream: DestinationStream }[] = [];
  let file: RotatingFile | null = null;
  if (options.file) {
    file = new RotatingFile(options.file, options.maxBytes ?? DEFAULT_LOG_MAX_BYTES);
    streams.push({ stream: file });
  }
  if (options.console) streams.push({ stream: pino.destination({ dest: 1, sync: false }) });
  const logger =
    streams.length > 0
      ? pino(
          {
            base: undefined,
            timestamp: pino.stdTimeFunctions.isoTime,
            formatters: { level: () => ({}) },
            redact: { paths: REDACTED_FIELDS, censor: '[redacted]' },
          },
          pino.multistream(streams),
        )
      : null;
  const log = (event: string, fields: LogFields = {}) => {
    logger?.info({ event, ...fields });
    options.onEvent?.(event, fields);
  };
  return Object.assign(log, { close: async () => file?.close() });
}

/** pino's SonicBoom file destination with a size cap (rename and reopen). */
class RotatingFile implements DestinationStream {
  private readonly sink: ReturnType<typeof pino.destination>;
  private bytes: number;

  constructor(
    private readonly path: string,
    private readonly maxBytes: number,
  ) {
    this.sink = pino.destination({ dest: path, sync: false, mkdir: true });
    try {
      this.bytes = statSync(path).size;
    } catch {
      this.bytes = 0;
    }
  }

  write(line: string): void {
    if (this.closed) return; // a late event after the PBX stopped: the file is gone
    this.sink.write(line);
    this.bytes += Buffer.byteLength(line);
    if (this.bytes <= this.maxBytes) return;
    this.bytes = 0;
    try {
      renameSync(this.path, `${this.path}.1`);
    } catch {
      // Nothing written yet (the file is created on first write): nothing to rotate.
    }
    this.sink.reopen();
  }

  private closed: Promise<void> | null = null;

  close(): Promise<void> {
    this.closed ??= new Promise((resolve) => {
      this.sink.once('close', () => resolve());
      this.sink.once('error', () => resolve());
      this.sink.end();
    });
    return this.closed;
  }
}
