import { buildResponse, type SipRequest, type SipResponse } from '../sip/message';
import type { ActiveCall, CallContext } from './call-context';
import type { ServerLeg } from '../sip/legs';
import { ClientLeg, type Leg } from '../sip/legs';

const RING_TIMEOUT_MS = 60_000;

/**
 * Extension to extension: the PBX forks the INVITE to every registered contact of the callee and
 * relays signalling between the two dialogs. The SDP passes through untouched, so media flows end to
 * end between the phones; no PIN is ever asked.
 */
export class InternalCall implements ActiveCall {
  readonly id: string;
  private forks: ClientLeg[] = [];
  private answeredFork: ClientLeg | null = null;
  private ended = false;
  private forwardedProvisional = new Set<number>();
  private finalStatuses: number[] = [];
  private ringTimer: NodeJS.Timeout | null = null;
  private readonly startedAt: number;
  private answeredAt: number | null = null;

  constructor(
    private readonly caller: ServerLeg,
    private readonly callerExtension: { number: string; displayName: string },
    private readonly callee: string,
    private readonly context: CallContext,
  ) {
    this.id = caller.callId;
    this.startedAt = context.now();
  }

  start(): void {
    const bindings = this.context.registrar.lookup(this.callee, this.context.now());
    const targets = bindings
      .map((binding) => ({ binding, connection: this.context.connection(binding.connectionId) }))
      .filter((target) => target.connection !== undefined);
    this.caller.attach(this.callerSide);
    if (targets.length === 0) {
      this.caller.respond(480, 'Temporarily Unavailable');
      this.finish('offline');
      return;
    }
    this.caller.respond(100, 'Trying');
    const from = `"${this.callerExtension.displayName.replace(/"/g, '')}" <sip:${this.callerExtension.number}@${this.context.domain}>`;
    const to = `<sip:${this.callee}@${this.context.domain}>`;
    for (const { binding, connection } of targets) {
      if (!connection) continue;
      const fork = new ClientLeg(connection, binding.contactUri, from, to, this.context.outlet, this.callee);
      fork.attach(this.calleeSide(fork));
      this.forks.push(fork);
      fork.invite(
        { body: this.caller.invite.body, contentType: 'application/sdp' },
        (response) => this.onForkResponse(fork, response),
        // A phone that never answered the INVITE at all (Timer B): that fork failed with 408.
        () => this.onForkFailed(408),
      );
    }
    this.ringTimer = setTimeout(() => {
      if (this.answeredFork || this.ended) return;
      this.forks.forEach((fork) => fork.cancel());
      this.caller.respond(480, 'Temporarily Unavailable');
      this.finish('no-answer');
    }, RING_TIMEOUT_MS);
  }

  terminate(): void {
    if (this.ended) return;
    if (this.answeredFork) {
      this.answeredFork.request('BYE');
      this.caller.request('BYE');
    } else {
      this.forks.forEach((fork) => fork.cancel());
      this.caller.respond(503, 'Service Unavailable');
    }
    this.finish('terminated');
  }

  private onForkResponse(fork: ClientLeg, response: SipResponse): void {
    const status = response.statusCode ?? 0;
    if (this.ended) {
      if (status >= 200 && status < 300) fork.request('BYE');
      return;
    }
    if (status > 100 && status < 200) {
      if (this.forwardedProvisional.has(status) || this.answeredFork) return;
      this.forwardedProvisional.add(status);
      this.caller.respond(
        status,
        response.reasonPhrase ?? 'Ringing',
        response.body ? { body: response.body, contentType: 'application/sdp' } : {},
      );
      return;
    }
    if (status >= 200 && status < 300) {
      if (this.answeredFork) {
        fork.request('BYE'); // A second fork answered too late.
        return;
      }
      this.answeredFork = fork;
      this.answeredAt = this.context.now();
      if (this.ringTimer) clearTimeout(this.ringTimer);
      // RFC 3326: the other devices learn that the call was answered elsewhere (not missed).
      this.forks
        .filter((other) => other !== fork)
        .forEach((other) =>
          other.cancel({ headers: ['Reason: SIP;cause=200;text="Call completed elsewhere"'] }),
        );
      this.caller.respond(200, 'OK', { body: response.body, contentType: 'application/sdp' });
      return;
    }
    if (status >= 300) this.onForkFailed(status);
  }

  private onForkFailed(status: number): void {
    if (this.ended || this.answeredFork) return;
    this.finalStatuses.push(status);
    if (this.finalStatuses.length === this.forks.length) {
      const [chosen, reason] = pickFinalStatus(this.finalStatuses);
      this.caller.respond(chosen, reason);
      this.finish(chosen === 486 ? 'busy' : 'failed');
    }
  }

  /** In-dialog requests from the caller's phone. */
  private readonly callerSide: Leg = {
    onRequest: (request: SipRequest) => {
      switch (request.method) {
        case 'CANCEL':
          this.caller.respondTo(request, 200, 'OK');
          if (!this.answeredFork) {
            this.forks.forEach((fork) => fork.cancel());
            this.caller.respond(487, 'Request Terminated');
            this.finish('cancelled');
          }
          return;
        case 'ACK':
          return;
        case 'BYE':
          this.caller.respondTo(request, 200, 'OK');
          this.answeredFork?.request('BYE');
          this.finish('completed');
          return;
        case 'INVITE':
          this.relayReinvite(
            request,
            (extras, onResponse) => this.answeredFork?.request('INVITE', extras, onResponse),
            this.caller,
          );
          return;
        default:
          this.caller.respondTo(
            request,
            request.method === 'REFER' ? 403 : 405,
            request.method === 'REFER' ? 'Forbidden' : 'Method Not Allowed',
            {
              headers: ['Allow: INVITE, ACK, CANCEL, BYE, OPTIONS'],
            },
          );
      }
    },
  };

  /** In-dialog requests from a callee's phone. */
  private calleeSide(fork: ClientLeg): Leg {
    return {
      onRequest: (request: SipRequest) => {
        const reply = (status: number, reason: string) =>
          this.context.outlet.reply(request, buildReply(request, status, reason));
        switch (request.method) {
          case 'ACK':
            return;
          case 'BYE':
            reply(200, 'OK');
            if (fork === this.answeredFork) {
              this.caller.request('BYE');
              this.finish('completed');
            }
            return;
          case 'INVITE':
            if (fork !== this.answeredFork) return reply(481, 'Call/Transaction Does Not Exist');
            this.relayReinvite(
              request,
              (extras, onResponse) => this.caller.request('INVITE', extras, onResponse),
              null,
              fork,
            );
            return;
          default:
            reply(
              request.method === 'REFER' ? 403 : 405,
              request.method === 'REFER' ? 'Forbidden' : 'Method Not Allowed',
            );
        }
      },
    };
  }

  /** A re-INVITE (hold, resume) is passed to the other phone and its answer passed back. */
  private relayReinvite(
    request: SipRequest,
    forward: (
      extras: { body: string; contentType: string },
      onResponse: (response: SipResponse) => void,
    ) => void,
    fromCaller: ServerLeg | null,
    fromFork?: ClientLeg,
  ): void {
    if (!this.answeredFork) {
      if (fromCaller) fromCaller.respondTo(request, 491, 'Request Pending');
      return;
    }
    forward({ body: request.body, contentType: 'application/sdp' }, (response) => {
      const status = response.statusCode ?? 500;
      if (status < 200) return;
      const extras = response.body ? { body: response.body, contentType: 'application/sdp' } : {};
      if (fromCaller) fromCaller.respondTo(request, status, response.reasonPhrase ?? '', extras);
      else if (fromFork)
        this.context.outlet.reply(
          request,
          buildReply(request, status, response.reasonPhrase ?? '', extras, this.context.outlet.contact),
        );
    });
  }

  private finish(result: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.ringTimer) clearTimeout(this.ringTimer);
    this.caller.detach();
    this.forks.forEach((fork) => fork.detach());
    this.context.db.insertCallRecord({
      callId: this.id,
      caller: this.callerExtension.number,
      destination: this.callee,
      callClass: 'internal',
      pinOutcome: 'not-required',
      pinAttempts: 0,
      result,
      startedAt: this.startedAt,
      answeredAt: this.answeredAt,
      endedAt: this.context.now(),
    });
    this.context.log('call-ended', {
      callId: this.id,
      callClass: 'internal',
      caller: this.callerExtension.number,
      result,
    });
    this.context.callEnded(this);
  }
}

/** Busy wins over unavailable, which wins over anything else (RFC 3261 §16.7 in spirit). */
export function pickFinalStatus(statuses: readonly number[]): [number, string] {
  if (statuses.some((status) => status === 486 || status === 600)) return [486, 'Busy Here'];
  if (statuses.includes(603)) return [603, 'Decline'];
  if (statuses.includes(480)) return [480, 'Temporarily Unavailable'];
  const first = statuses[0] ?? 480;
  return first >= 500 ? [480, 'Temporarily Unavailable'] : [first, 'Call Failed'];
}

function buildReply(
  request: SipRequest,
  status: number,
  reason: string,
  extras: { body?: string; contentType?: string } = {},
  contact?: string,
): string {
  return buildResponse(request, status, reason, {
    ...extras,
    ...(contact ? { headers: [`Contact: ${contact}`] } : {}),
  });
}
