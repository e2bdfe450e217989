import { renameSync, statSync } from 'node:fs';
import pino, { type DestinationStream } from 'pino';

type SonicBoom = ReturnType<typeof pino.destination>;

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
            // No level, no pid/hostname: the lines keep the PBX's own shape. With the level gone the
            // time comes first, so it must not start with pino's usual comma.
            formatters: { level: () => ({}) },
            timestamp: () => `"time":"${new Date().toISOString()}"`,
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

/**
 * pino's SonicBoom file destination with a size cap. Rotation as logrotate does it: rename the file
 * (the open descriptor follows it, so what is still buffered lands in `<file>.1`), open a new one,
 * end the old.
 */
class RotatingFile implements DestinationStream {
  private sink: SonicBoom;
  private bytes: number;
  private ready = false;
  private rotating = false;
  private readonly ending: Promise<void>[] = [];
  private closed: Promise<void> | null = null;

  constructor(
    private readonly path: string,
    private readonly maxBytes: number,
  ) {
    this.sink = this.open();
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
    if (this.bytes > this.maxBytes && !this.rotating) this.rotate();
  }

  close(): Promise<void> {
    this.closed ??= Promise.all([...this.ending, end(this.sink)]).then(() => undefined);
    return this.closed;
  }

  private open(): SonicBoom {
    this.ready = false;
    const sink = pino.destination({ dest: this.path, sync: false, mkdir: true });
    sink.once('ready', () => {
      if (sink === this.sink) this.ready = true;
    });
    return sink;
  }

  private rotate(): void {
    const old = this.sink;
    if (!this.ready) {
      // Not even created yet (a burst right after start): rotate once it is.
      this.rotating = true;
      old.once('ready', () => {
        this.rotating = false;
        if (!this.closed && this.bytes > this.maxBytes) this.rotate();
      });
      return;
    }
    try {
      renameSync(this.path, `${this.path}.1`);
    } catch {
      return; // cannot rotate (the file was moved away): keep writing where we are
    }
    this.sink = this.open();
    this.bytes = 0;
    this.ending.push(end(old));
  }
}

function end(sink: SonicBoom): Promise<void> {
  return new Promise((resolve) => {
    sink.once('close', () => resolve());
    sink.once('error', () => resolve());
    sink.end();
  });
}
