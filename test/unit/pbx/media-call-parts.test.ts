import { describe, expect, it, vi } from 'vitest';
import { recordCall } from '../../../test/pbx/calls/call-record';
import type { CallContext, CallSetup } from '../../../test/pbx/calls/call-context';
import { CallerDialog, type CallerDialogEvents } from '../../../test/pbx/calls/caller-dialog';
import { IvrApp, type IvrAppSide } from '../../../test/pbx/calls/ivr-app';
import type { Leg, ServerLeg } from '../../../test/pbx/sip/legs';
import type { SipRequest } from '../../../test/pbx/sip/message';
import type { CallRecord } from '../../../test/pbx/store/ports';

/**
 * The parts media-call.ts wires (the protocol tests drive them end to end): the caller's dialog,
 * an IVR application, the call record.
 */

const OFFER =
  'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=sendrecv\r\n';

function fakeLeg(headers: Record<string, string[]> = {}) {
  const sent: string[] = [];
  let leg: Leg | null = null;
  let answered = false;
  const fake = {
    invite: { body: OFFER, getHeaders: (name: string) => headers[name] ?? [] },
    get answered() {
      return answered;
    },
    attach: (l: Leg) => (leg = l),
    detach: () => (leg = null),
    respond: (status: number) => {
      sent.push(`respond ${status}`);
      if (status === 200) answered = true;
    },
    respondTo: (request: SipRequest, status: number) => sent.push(`${request.method} ${status}`),
    request: (method: string) => sent.push(`request ${method}`),
  };
  const receive = (method: string, body = '') =>
    // A parsed request offers far more; the dialog reads only these three.
    leg?.onRequest({ method, body, getHeaders: () => [] } as unknown as SipRequest);
  // The dialog uses only these members of the SIP leg.
  return { leg: fake as unknown as ServerLeg, sent, receive };
}

function events(): CallerDialogEvents & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    cancelled: () => calls.push('cancelled'),
    hungUp: () => calls.push('hung-up'),
    directionChanged: (direction) => calls.push(`direction ${direction}`),
  };
}

describe('caller dialog', () => {
  it('answers only with media, once, and records when', () => {
    const { leg, sent } = fakeLeg();
    const dialog = new CallerDialog(leg, () => 42);
    dialog.answer(); // Breaks when the dialog answers without the PBX's SDP.
    expect(sent).toEqual([]);
    dialog.mediaReady('v=0 answer');
    dialog.answer();
    dialog.answer();
    expect(sent).toEqual(['respond 200']);
    expect(dialog.answeredAt).toBe(42);
  });

  it('ends an unanswered call with a final response and an answered one with BYE', () => {
    const early = fakeLeg();
    new CallerDialog(early.leg, () => 0).end('Reason: x', 403, 'Paid Calls Locked');
    const answered = fakeLeg();
    const dialog = new CallerDialog(answered.leg, () => 0);
    dialog.mediaReady('v=0 answer');
    dialog.answer();
    dialog.end();
    expect(early.sent).toEqual(['respond 403']);
    expect(answered.sent).toEqual(['respond 200', 'request BYE']);
  });

  it('refuses transfers and SIP INFO digits, and takes CANCEL only before the answer', () => {
    const { leg, sent, receive } = fakeLeg();
    const dialog = new CallerDialog(leg, () => 0);
    const seen = events();
    dialog.listen(seen);
    receive('REFER'); // Breaks when a transfer could take the call past the PIN IVR.
    receive('INFO'); // Breaks when SIP INFO digits would be taken.
    receive('CANCEL');
    expect(sent).toEqual(['REFER 403', 'INFO 405', 'CANCEL 200', 'respond 487']);
    expect(seen.calls).toEqual(['cancelled']);
  });

  it('answers a re-INVITE with the same media in the new direction, and reports BYE', () => {
    const { leg, sent, receive } = fakeLeg();
    const dialog = new CallerDialog(leg, () => 0);
    const seen = events();
    dialog.listen(seen);
    receive('INVITE', OFFER); // No media yet: nothing to offer.
    dialog.mediaReady(OFFER);
    receive('INVITE', OFFER.replace('sendrecv', 'sendonly'));
    receive('BYE');
    expect(sent).toEqual(['INVITE 488', 'INVITE 200', 'BYE 200']);
    expect(seen.calls).toEqual(['direction sendonly', 'hung-up']);
  });

  it('sends IVR signals only to a phone that asked (Recv-Info)', () => {
    expect(
      new CallerDialog(fakeLeg({ 'recv-info': ['tollgate-ivr'] }).leg, () => 0).receivesInfo('tollgate-ivr'),
    ).toBe(true);
    expect(new CallerDialog(fakeLeg().leg, () => 0).receivesInfo('tollgate-ivr')).toBe(false);
  });
});

function appSide(completed: boolean) {
  const side = {
    answer: vi.fn(),
    mediaReady: vi.fn(async () => true),
    play: vi.fn(async () => completed),
    playing: vi.fn(() => false),
    sendAudio: vi.fn(),
    done: vi.fn(),
  } satisfies IvrAppSide;
  return side;
}

describe('IVR applications', () => {
  it('voicemail says the box is empty and ends the call, unless the prompt was cut off', async () => {
    const side = appSide(true);
    await new IvrApp('voicemail', side).run();
    expect(side.play).toHaveBeenCalledWith('voicemail-empty');
    expect(side.done).toHaveBeenCalledOnce();
    const cut = appSide(false);
    await new IvrApp('voicemail', cut).run();
    expect(cut.done).not.toHaveBeenCalled(); // Breaks when a hang-up mid-prompt still "completes".
  });

  it('the echo test sends the audio back, not over a prompt and not after the call ended', async () => {
    const side = appSide(true);
    const app = new IvrApp('echo-test', side);
    await app.run();
    app.audio(Buffer.from([1]));
    side.playing.mockReturnValue(true);
    app.audio(Buffer.from([2]));
    side.playing.mockReturnValue(false);
    app.stop();
    app.audio(Buffer.from([3]));
    expect(side.sendAudio.mock.calls).toEqual([[Buffer.from([1])]]);
    expect(side.done).not.toHaveBeenCalled();
  });
});

describe('call record', () => {
  const setup: CallSetup = {
    caller: {
      number: '201',
      companyId: 'muster',
      displayName: 'A',
      language: 'de',
      ivrAuthentication: true,
      unlockCodeSet: true,
      lockedUntil: null,
      quarantinedSince: null,
      lockReason: null,
    },
    classification: { callClass: 'emergency', number: '112' },
    pinRequired: false,
  };

  it('keeps the normalised destination, and PIN counts only when the PIN IVR ran', () => {
    const rows: CallRecord[] = [];
    const logged: Record<string, unknown>[] = [];
    const context = {
      db: { insertCallRecord: (row: CallRecord) => rows.push(row) },
      log: (_event: string, fields: Record<string, unknown> = {}) => logged.push(fields),
    } as Pick<CallContext, 'db' | 'log'>;
    const outcome = { callId: 'c', result: 'completed', startedAt: 1, answeredAt: 2, endedAt: 3 };
    recordCall(context, setup, { ...outcome, pinOutcome: 'not-required', pin: null });
    recordCall(context, setup, { ...outcome, pinOutcome: 'ok', pin: { attempts: 2, timeouts: 1 } });
    expect(rows.map((row) => [row.destination, row.pinAttempts, row.pinTimeouts])).toEqual([
      ['112', 0, 0],
      ['112', 2, 1],
    ]);
    expect(logged[0]).not.toHaveProperty('pinAttempts');
    expect(logged[1]).toMatchObject({ pinAttempts: 2, pinTimeouts: 1, result: 'completed' });
  });
});
