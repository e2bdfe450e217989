import { describe, expect, it } from 'vitest';
import {
  headerListHas,
  IVR_INFO_PACKAGE,
  IVR_SIGNAL_CONTENT_TYPE,
  ivrSignalBody,
  MAX_IVR_SIGNAL_BYTES,
  parseIvrSignal,
  type IvrSignal,
} from '../../../shared/ivr-signal/ivr-signal';

const info = (
  body: string,
  contentType = IVR_SIGNAL_CONTENT_TYPE,
  infoPackage: string | undefined = 'tollgate-ivr',
) => ({
  contentType,
  infoPackage,
  body,
});

const EVERY_PHASE: IvrSignal[] = [
  { phase: 'prompt', attempt: 1, attempts: 3 },
  { phase: 'prompt', attempt: 2, attempts: 3, after: 'wrong-code' },
  { phase: 'prompt', attempt: 3, attempts: 3, after: 'timeout' },
  { phase: 'checking', attempt: 2 },
  { phase: 'wrong-code', attempt: 1, attemptsLeft: 2, wrongCodesLeftBeforeLock: 3 },
  { phase: 'wrong-code', attempt: 3, attemptsLeft: 0 },
  { phase: 'accepted' },
  { phase: 'accepted', codeLabel: 'Lena Vogel' },
  { phase: 'ringing', destination: '+493012345678' },
  { phase: 'connected', destination: '+493012345678' },
  { phase: 'connected', destination: '+493012345678', codeLabel: 'Lena Vogel' },
  { phase: 'locked', until: '2026-12-02T01:00:00.000Z', scope: 'extension' },
  { phase: 'locked', until: '2026-12-02T01:00:00.000Z', scope: 'source' },
  { phase: 'quarantined' },
  { phase: 'busy' },
  { phase: 'failed', wrongCodes: 2, timeouts: 1 },
];

describe('IVR signals (tollgate-ivr Info Package)', () => {
  it('reads back every phase the PBX can send, with its version and sequence number', () => {
    EVERY_PHASE.forEach((signal, index) => {
      expect(parseIvrSignal(info(ivrSignalBody(signal, index + 1)))).toEqual({
        v: 1,
        seq: index + 1,
        ...signal,
      });
    });
  });

  // Issue #14: a label longer than 64 characters or an empty one is not ours (the phone shows nothing).
  it('reads codeLabel of accepted only within 1 to 64 characters', () => {
    const accepted = (codeLabel: string) =>
      parseIvrSignal(info(ivrSignalBody({ phase: 'accepted', codeLabel }, 1)));
    expect(accepted('x'.repeat(64))).toMatchObject({ codeLabel: 'x'.repeat(64) });
    expect(accepted('x'.repeat(65))).toBeNull();
    expect(accepted('')).toBeNull();
  });

  // Early-media style: `connected` repeats the label (accepted is lost before the answer). Breaks when
  // the schema drops codeLabel from connected (zod strips it: the toMatchObject fails) or lets 65 through.
  it('reads codeLabel of connected within 1 to 64 characters', () => {
    const connected = (codeLabel: string) =>
      parseIvrSignal(info(ivrSignalBody({ phase: 'connected', destination: '+4930', codeLabel }, 1)));
    expect(connected('x'.repeat(64))).toMatchObject({ codeLabel: 'x'.repeat(64) });
    expect(connected('x'.repeat(65))).toBeNull();
    expect(connected('')).toBeNull();
  });

  it('accepts a missing Info-Package header, parameters and any case in the header values', () => {
    const body = ivrSignalBody({ phase: 'accepted' }, 1);
    expect(parseIvrSignal(info(body, IVR_SIGNAL_CONTENT_TYPE, undefined))).not.toBeNull();
    expect(
      parseIvrSignal(info(body, 'Application/Vnd.Tollgate.IVR+JSON; charset=utf-8', 'Tollgate-IVR')),
    ).not.toBeNull();
  });

  it('ignores what is not a signal of this version: other packages and types, bad JSON, unknown phases', () => {
    const body = ivrSignalBody({ phase: 'busy' }, 1);
    expect(parseIvrSignal(info(body, 'application/json'))).toBeNull();
    expect(parseIvrSignal(info(body, IVR_SIGNAL_CONTENT_TYPE, 'dtmf'))).toBeNull();
    expect(parseIvrSignal({ contentType: undefined, body })).toBeNull();
    expect(parseIvrSignal(info(''))).toBeNull();
    expect(parseIvrSignal(info('{"v":1,'))).toBeNull();
    expect(parseIvrSignal(info('{"v":2,"seq":1,"phase":"busy"}'))).toBeNull();
    expect(parseIvrSignal(info('{"v":1,"seq":0,"phase":"busy"}'))).toBeNull();
    expect(parseIvrSignal(info('{"v":1,"seq":1,"phase":"dancing"}'))).toBeNull();
    expect(
      parseIvrSignal(info('{"v":1,"seq":1,"phase":"locked","until":"soon","scope":"extension"}')),
    ).toBeNull();
    expect(parseIvrSignal(info('{"v":1,"seq":1,"phase":"checking","attempt":0}'))).toBeNull();
    expect(
      parseIvrSignal(info(`{"v":1,"seq":1,"phase":"busy","pad":"${'x'.repeat(MAX_IVR_SIGNAL_BYTES)}"}`)),
    ).toBeNull();
  });

  it('drops fields it does not know, so a later PBX can add some (and a code could never pass through)', () => {
    const parsed = parseIvrSignal(info('{"v":1,"seq":4,"phase":"checking","attempt":1,"code":"4711"}'));
    expect(parsed).toEqual({ v: 1, seq: 4, phase: 'checking', attempt: 1 });
  });

  it('finds a token in comma-separated header lists across several header lines', () => {
    expect(headerListHas(['ACK, BYE', 'Update'], 'UPDATE')).toBe(true);
    expect(headerListHas(['foo;x=1 , tollgate-ivr'], IVR_INFO_PACKAGE)).toBe(true);
    expect(headerListHas([''], IVR_INFO_PACKAGE)).toBe(false);
    expect(headerListHas(['tollgate-ivr2'], IVR_INFO_PACKAGE)).toBe(false);
  });
});
