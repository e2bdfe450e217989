import type { Info, Invitation } from 'sip.js';
import { Inviter, Registerer, RegistererState, SessionState, UserAgent } from 'sip.js';
import { WebSocket } from 'ws';
import { WeriftPhoneMedia, type PhoneMediaOptions } from './werift-phone-media';

// sip.js's WebSocket transport uses the global WebSocket, which Node 20 does not have.
(globalThis as unknown as { WebSocket: unknown }).WebSocket ??= WebSocket;

export interface CallOutcome {
  /** The final response code when the call was refused (e.g. 403, 480, 486). */
  rejectedWith?: number;
  rejectReason?: string;
  /** The Reason header of the BYE (or final response) that ended the call. */
  reasonHeader?: string;
  endedBy: 'local' | 'remote' | 'rejected';
}

export interface TestCall {
  session: Inviter;
  media(): WeriftPhoneMedia;
  /** Resolves when the call is answered (200 OK), rejects if it never is. */
  established: Promise<void>;
  /** Resolves when early media (183 with SDP) arrives. */
  early: Promise<void>;
  ended: Promise<CallOutcome>;
  hangUp(): Promise<void>;
  /** In-dialog INFO requests the phone received (with `ivrSignals`), in order. */
  infos: ReceivedInfo[];
}

export interface ReceivedInfo {
  contentType: string | undefined;
  infoPackage: string | undefined;
  body: string;
}

/** A SIP request as it arrived on the phone's WebSocket, before sip.js handled it. */
export interface RawRequest {
  method: string;
  callId: string | undefined;
  /** Header lines by lower-case name (every line of a repeated header). */
  headers: Map<string, string[]>;
}

function rawRequestOf(text: string): RawRequest | null {
  const [head = ''] = text.split('\r\n\r\n', 1);
  const [start = '', ...lines] = head.split('\r\n');
  const method = /^([A-Z]+) \S+ SIP\/2\.0$/.exec(start)?.[1];
  if (!method) return null;
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { method, callId: (headers.get('call-id') ?? headers.get('i'))?.[0], headers };
}

/**
 * A phone for protocol tests: sip.js's real UserAgent, Registerer and Inviter over WebSocket, with
 * werift as its media engine — the same SIP stack Tollgate uses, minus the browser.
 */
export class TestPhone {
  /** Every request that reached this phone, as sent (sip.js answers some, e.g. UPDATE, by itself). */
  readonly requests: RawRequest[] = [];

  private constructor(
    readonly ua: UserAgent,
    readonly registerer: Registerer,
    readonly extension: string,
    private readonly domain: string,
  ) {}

  static async register(
    server: string,
    domain: string,
    extension: string,
    password: string,
    onInvite?: (invitation: Invitation) => void,
    mediaOptions: PhoneMediaOptions = {},
  ): Promise<TestPhone> {
    const ua = new UserAgent({
      uri: UserAgent.makeURI(`sip:${extension}@${domain}`),
      transportOptions: { server },
      authorizationUsername: extension,
      authorizationPassword: password,
      logLevel: (process.env['SIPJS_LOG'] as 'debug' | undefined) ?? 'error',
      logBuiltinEnabled: Boolean(process.env['SIPJS_LOG']),
      sessionDescriptionHandlerFactory: () => new WeriftPhoneMedia(mediaOptions),
      ...(onInvite ? { delegate: { onInvite } } : {}),
    });
    const registerer = new Registerer(ua, { expires: 300 });
    const phone = new TestPhone(ua, registerer, extension, domain);
    // See requests before sip.js does: it answers UPDATE (405) without telling the application.
    const deliver = ua.transport.onMessage;
    ua.transport.onMessage = (message: string) => {
      const request = rawRequestOf(message);
      if (request) phone.requests.push(request);
      deliver?.(message);
    };
    await ua.start();
    const registered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${extension} did not register`)), 10_000);
      registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Registered) {
          clearTimeout(timer);
          resolve();
        }
      });
      void registerer.register({
        requestDelegate: {
          onReject: (response) => {
            clearTimeout(timer);
            reject(
              new Error(`REGISTER rejected: ${response.message.statusCode} ${response.message.reasonPhrase}`),
            );
          },
        },
      });
    });
    try {
      await registered;
    } catch (error) {
      await ua.stop();
      throw error;
    }
    return phone;
  }

  call(
    target: string,
    options: {
      earlyMedia?: boolean;
      extraHeaders?: string[];
      /** Ask for the PBX's IVR signals (`Recv-Info: tollgate-ivr`) and record every INFO. */
      ivrSignals?: boolean;
      /** How the phone answers each INFO (default 200), to check the PBX takes any answer. */
      infoStatus?: number;
    } = {},
  ): TestCall {
    const uri = UserAgent.makeURI(target.startsWith('sip:') ? target : `sip:${target}@${this.domain}`);
    if (!uri) throw new Error(`Not a SIP URI: ${target}`);
    const extraHeaders = [
      ...(options.extraHeaders ?? []),
      ...(options.ivrSignals ? ['Recv-Info: tollgate-ivr'] : []),
    ];
    const inviter = new Inviter(this.ua, uri, {
      earlyMedia: options.earlyMedia ?? false,
      ...(extraHeaders.length > 0 ? { extraHeaders } : {}),
    });
    const infos: ReceivedInfo[] = [];
    const outcome: CallOutcome = { endedBy: 'local' };
    let markEarly: () => void = () => {};
    const early = new Promise<void>((resolve) => (markEarly = resolve));
    inviter.delegate = {
      onBye: (bye) => {
        outcome.endedBy = 'remote';
        outcome.reasonHeader = bye.request.getHeader('reason');
      },
      ...(options.ivrSignals
        ? {
            onInfo: (info: Info) => {
              infos.push({
                contentType: info.request.getHeader('content-type'),
                infoPackage: info.request.getHeader('info-package'),
                body: info.request.body,
              });
              const status = options.infoStatus ?? 200;
              void (status < 300 ? info.accept() : info.reject({ statusCode: status }));
            },
          }
        : {}),
    };
    const established = new Promise<void>((resolve, reject) => {
      inviter.stateChange.addListener((state) => {
        if (state === SessionState.Established) resolve();
        if (state === SessionState.Terminated) reject(new Error('Call ended before it was answered'));
      });
    });
    established.catch(() => {});
    const ended = new Promise<CallOutcome>((resolve) => {
      inviter.stateChange.addListener((state) => {
        if (state === SessionState.Terminated) resolve(outcome);
      });
    });
    void inviter.invite({
      requestDelegate: {
        onProgress: (response) => {
          if (response.message.statusCode === 183 && response.message.body) markEarly();
        },
        onReject: (response) => {
          outcome.endedBy = 'rejected';
          outcome.rejectedWith = response.message.statusCode;
          outcome.rejectReason = response.message.reasonPhrase;
          outcome.reasonHeader = response.message.getHeader('reason');
        },
      },
    });
    return {
      session: inviter,
      media: () => inviter.sessionDescriptionHandler as WeriftPhoneMedia,
      established,
      early,
      ended,
      infos,
      hangUp: async () => {
        if (inviter.state === SessionState.Established) await inviter.bye();
        else if (inviter.state === SessionState.Establishing || inviter.state === SessionState.Initial)
          await inviter.cancel();
      },
    };
  }

  async stop(): Promise<void> {
    if (this.registerer.state === RegistererState.Registered)
      await this.registerer.unregister().catch(() => {});
    await this.ua.stop();
  }
}

/** Types the keys on the call's keypad (RFC 4733, in-band) and waits until all were sent. */
export async function typeKeys(call: TestCall, keys: string): Promise<void> {
  const media = call.media();
  if (!media.sendDtmf(keys)) throw new Error('DTMF could not be sent (no telephone-event negotiated)');
  await media.dtmfSent();
}
