import { appendFileSync } from 'node:fs';

/**
 * The PBX's structured log (JSON lines). Callers pass fields explicitly; nothing logs message bodies,
 * SDP or DTMF, so neither a PIN nor the digits typed can reach a log or trace.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type PbxLog = (event: string, fields?: LogFields) => void;

export function createLog(options: { file?: string; console?: boolean }): PbxLog {
  return (event, fields = {}) => {
    const line = JSON.stringify({ time: new Date().toISOString(), event, ...fields });
    if (options.file) appendFileSync(options.file, `${line}\n`);
    if (options.console) console.log(line);
  };
}
