import type { SipRequest, SipResponse, MessageExtras } from '../sip/message';
import type { ActiveCall, CallContext } from './call-context';
import type { ServerLeg } from '../sip/legs';
import { ClientLeg, type DialogLeg, type Leg } from '../sip/legs';
import { parseReferTo, sipfrag, TRANSFER_REASONS, type ReferTo } from './transfer-target';

const RING_TIMEOUT_MS = 60_000;
const SDP = 'application/sdp';
const SIPFRAG = 'message/sipfrag;version=2.0';
/** The user part of the PBX's own Contact, which sip.js puts in an attended transfer's Refer-To. */
const PBX_CONTACT_USER = 'pbx';

/** What a transfer needs to know about extensions (routing implements it with the dial plan). */
export interface TransferDirectory {
  /**
   * The extension `dialled` reaches when `transferor` dials it — only if that is an internal call
   * (the same classification as an INVITE); null for anything else, paid numbers above all.
   */
  internalTarget(transferor: string, dialled: string): { number: string; displayName: string } | null;
}

interface Party {
  number: string;
  displayName: string;
}

/** A transfer in progress (RFC 3515 REFER; attended with RFC 3891 Replaces). */
interface PendingTransfer {
  kind: 'blind' | 'attended';
  transferor: DialogLeg;
  transferee: DialogLeg;
  /** The transferor hung up before the transfer completed (normal for a blind transfer). */
  transferorGone: boolean;
  targetNumber: string;
  forks: ClientLeg[];
  finals: number[];
  ringTimer: NodeJS.Timeout | null;
  /** Attended: the consult call and the transferor's leg in it. */
  consult?: { call: InternalCall; transferorLeg: DialogLeg; target: DialogLeg };
}

/**
 * Extension to extension: the PBX forks the INVITE to every registered contact of the callee and
 * relays signalling between the two dialogs. The SDP passes through untouched, so media flows end to
 * end between the phones; no PIN is ever asked.
 *
 * Once answered, the call is a bridge of two dialogs ("sides"). Either side may transfer the other
 * (REFER): blind to an internal extension, or attended by naming its own consult call with
 * `Replaces`. The PBX connects the transferee and the target itself (third-party call control,
 * RFC 3725 flow I: an INVITE without an offer to the target, its offer in a re-INVITE to the
 * transferee, the answer in the target's ACK), tells the transferor how it went in NOTIFYs with
 * `message/sipfrag` (RFC 3515) and releases the transferor's dialogs.
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
  /** The two bridged dialogs once answered (changes with a transfer). */
  private sides: [DialogLeg, DialogLeg] | null = null;
  /** Every dialog this call answers for (released on the way out). */
  private readonly owned = new Set<DialogLeg>();
  private transfer: PendingTransfer | null = null;
  /** A relayed offerless re-INVITE waits for the ACK with the answer from this side. */
  private readonly pendingAcks = new Map<DialogLeg, (extras?: MessageExtras) => void>();
  private result = 'completed';
  /** This call is the consult call of a transfer in progress elsewhere: no second one. */
  private lockedForTransfer = false;

  constructor(
    private readonly caller: ServerLeg,
    private readonly callerExtension: Party,
    private readonly callee: string,
    private readonly context: CallContext,
    private readonly transfers: TransferDirectory | null = null,
  ) {
    this.id = caller.callId;
    this.startedAt = context.now();
  }

  start(): void {
    this.caller.attach(this.handlerFor(this.caller));
    this.owned.add(this.caller);
    const forks = this.ringAll(this.callee, this.callerExtension, {
      body: this.caller.invite.body,
      contentType: SDP,
    });
    if (forks === null) {
      this.caller.respond(480, 'Temporarily Unavailable');
      this.finish('offline');
      return;
    }
    this.caller.respond(100, 'Trying');
    this.forks = forks.map(({ fork, send }) => {
      send(
        (response) => this.onForkResponse(fork, response),
        // A phone that never answered the INVITE at all (Timer B): that fork failed with 408.
        () => this.onForkFailed(408),
      );
      return fork;
    });
    this.ringTimer = setTimeout(() => {
      if (this.answeredFork || this.ended) return;
      this.forks.forEach((fork) => fork.cancel());
      this.caller.respond(480, 'Temporarily Unavailable');
      this.finish('no-answer');
    }, RING_TIMEOUT_MS);
  }

  terminate(): void {
    if (this.ended) return;
    if (this.sides) {
      this.sides.forEach((side) => side.request('BYE'));
      this.transfer?.forks.forEach((fork) => fork.cancel());
    } else {
      this.forks.forEach((fork) => fork.cancel());
      this.caller.respond(503, 'Service Unavailable');
    }
    this.finish('terminated');
  }

  /**
   * Forks an INVITE to every registered phone of `extension` (null when none is registered). Each
   * fork's dialog is this call's; `send` sends its INVITE.
   */
  private ringAll(
    extension: string,
    from: Party,
    offer: MessageExtras,
    extraHeaders: string[] = [],
  ): { fork: ClientLeg; send(onResponse: (r: SipResponse) => void, onTimeout: () => void): void }[] | null {
    const live = this.context.registrar.lookup(extension, this.context.now()).flatMap((binding) => {
      const connection = this.context.connection(binding.connectionId);
      return connection ? [{ binding, connection }] : [];
    });
    if (live.length === 0) return null;
    const fromHeader = `"${from.displayName.replace(/"/g, '')}" <sip:${from.number}@${this.context.domain}>`;
    const to = `<sip:${extension}@${this.context.domain}>`;
    return live.map(({ binding, connection }) => {
      const fork = new ClientLeg(
        connection,
        binding.contactUri,
        fromHeader,
        to,
        this.context.outlet,
        extension,
      );
      fork.attach(this.handlerFor(fork));
      this.owned.add(fork);
      return {
        fork,
        send: (onResponse, onTimeout) =>
          fork.invite({ ...offer, headers: extraHeaders }, onResponse, onTimeout, {
            deferAck: offer.body === undefined,
          }),
      };
    });
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
        response.body ? { body: response.body, contentType: SDP } : {},
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
      this.releaseForks(this.forks, fork);
      this.sides = [this.caller, fork];
      this.caller.respond(200, 'OK', { body: response.body, contentType: SDP });
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

  /** Cancels every fork but `winner` (answered elsewhere) and stops answering for them. */
  private releaseForks(forks: readonly ClientLeg[], winner: ClientLeg): void {
    for (const other of forks) {
      if (other === winner) continue;
      other.cancel({ headers: ['Reason: SIP;cause=200;text="Call completed elsewhere"'] });
    }
  }

  private handlerFor(side: DialogLeg): Leg {
    return { owner: this, onRequest: (request) => this.onSideRequest(side, request) };
  }

  /** In-dialog requests from either phone (the caller, a callee's fork, a transfer's target). */
  private onSideRequest(side: DialogLeg, request: SipRequest): void {
    switch (request.method) {
      case 'CANCEL':
        side.respondTo(request, 200, 'OK');
        if (side === this.caller && !this.answeredFork) {
          this.forks.forEach((fork) => fork.cancel());
          this.caller.respond(487, 'Request Terminated');
          this.finish('cancelled');
        }
        return;
      case 'ACK': {
        const ack = this.pendingAcks.get(side);
        if (ack && request.body) {
          this.pendingAcks.delete(side);
          ack({ body: request.body, contentType: SDP });
        }
        return;
      }
      case 'BYE':
        side.respondTo(request, 200, 'OK');
        return this.hungUp(side);
      case 'INVITE':
        return this.relayReinvite(side, request);
      case 'REFER':
        return this.onRefer(side, request);
      default:
        side.respondTo(request, 405, 'Method Not Allowed', {
          headers: ['Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REFER'],
        });
    }
  }

  private otherSide(side: DialogLeg): DialogLeg | null {
    if (!this.sides) return null;
    const [a, b] = this.sides;
    return side === a ? b : side === b ? a : null;
  }

  private hungUp(side: DialogLeg): void {
    if (this.ended) return;
    const transfer = this.transfer;
    if (transfer && side === transfer.transferor) {
      // The transferor leaves (a blind transfer's usual course): the transfer goes on without it.
      transfer.transferorGone = true;
      this.release(side);
      return;
    }
    if (transfer && transfer.forks.includes(side as ClientLeg)) {
      // A transfer target hung up before it was connected.
      this.release(side);
      return;
    }
    const other = this.otherSide(side);
    if (!other) return this.release(side);
    if (transfer) transfer.forks.forEach((fork) => fork.cancel());
    // During a transfer the other side is the transferor, unless it already left.
    if (!(transfer && other === transfer.transferor && transfer.transferorGone)) other.request('BYE');
    this.finish('completed');
  }

  /** A re-INVITE (hold, resume, offerless) is passed to the other phone and its answer passed back. */
  private relayReinvite(side: DialogLeg, request: SipRequest): void {
    const other = this.otherSide(side);
    if (!other) return side.respondTo(request, 481, 'Call/Transaction Does Not Exist');
    if (this.transfer) return side.respondTo(request, 491, 'Request Pending');
    const offer = request.body ? { body: request.body, contentType: SDP } : {};
    other.reinvite(offer, (response, ack) => {
      const status = response.statusCode ?? 500;
      const extras = response.body ? { body: response.body, contentType: SDP } : {};
      side.respondTo(request, status, response.reasonPhrase ?? '', extras);
      if (status >= 200 && status < 300) {
        // The answer to an offerless re-INVITE comes in the ACK; otherwise ACK at once.
        if (request.body) ack();
        else this.pendingAcks.set(side, ack);
      }
    });
  }

  // ---- transfer ----------------------------------------------------------------------------

  private onRefer(transferor: DialogLeg, request: SipRequest): void {
    const transferee = this.otherSide(transferor);
    const refuse = (status: number, reason: string, why: string) => {
      this.context.log('transfer-refused', {
        callId: this.id,
        transferor: transferor.extensionNumber,
        status,
        why,
      });
      transferor.respondTo(request, status, reason);
    };
    if (!transferee || !this.transfers) return refuse(403, TRANSFER_REASONS.notInCall, 'not-bridged');
    if (this.transfer) return refuse(491, TRANSFER_REASONS.pending, 'pending');
    const referTo = parseReferTo(request.getHeaders('refer-to'));
    if (referTo.kind === 'invalid') return refuse(referTo.status, referTo.reason, 'refer-to');
    const transferorNumber = transferor.extensionNumber ?? '';
    if (referTo.kind === 'attended')
      return this.startAttended(transferor, transferee, referTo, request, refuse);
    // The host is not looked at, as for an INVITE: the PBX forwards nowhere else, and the user part
    // decides (a phone whose domain is the WebSocket's host writes sip:204@127.0.0.1).
    const target = this.transfers.internalTarget(transferorNumber, referTo.user);
    if (!target) return refuse(403, TRANSFER_REASONS.notInternal, 'not-internal');
    // Transferring a call to one of its own parties would ring that phone with a second call and
    // leave the first one dangling.
    if (target.number === transferorNumber || target.number === transferee.extensionNumber)
      return refuse(403, TRANSFER_REASONS.toAParty, 'target-in-call');
    const identity = this.partyOf(transferee);
    const forks = this.ringAll(target.number, identity, {}, [
      `Referred-By: <sip:${transferorNumber}@${this.context.domain}>`,
    ]);
    if (!forks) return refuse(480, 'Temporarily Unavailable', 'target-offline');
    transferor.respondTo(request, 202, 'Accepted');
    const transfer: PendingTransfer = {
      kind: 'blind',
      transferor,
      transferee,
      transferorGone: false,
      targetNumber: target.number,
      forks: forks.map((entry) => entry.fork),
      finals: [],
      ringTimer: null,
    };
    this.transfer = transfer;
    this.context.log('transfer-started', {
      callId: this.id,
      kind: 'blind',
      transferor: transferorNumber,
      target: target.number,
    });
    this.progress(transfer, 100, 'Trying');
    let ringing = false;
    for (const { fork, send } of forks) {
      send(
        (response) => {
          const status = response.statusCode ?? 0;
          if (this.transfer !== transfer) {
            if (status >= 200 && status < 300) {
              fork.ackInvite();
              fork.request('BYE');
            }
            return;
          }
          if (status === 180 && !ringing) {
            ringing = true;
            this.progress(transfer, 180, 'Ringing');
          } else if (status >= 200 && status < 300) {
            if (transfer.ringTimer) clearTimeout(transfer.ringTimer);
            this.releaseForks(transfer.forks, fork);
            this.connect(transfer, fork, response.body, (answer) => fork.ackInvite(answer));
          } else if (status >= 300) this.forkOfTransferFailed(transfer, status);
        },
        () => this.forkOfTransferFailed(transfer, 408),
      );
    }
    transfer.ringTimer = setTimeout(() => {
      if (this.transfer !== transfer) return;
      transfer.forks.forEach((fork) => fork.cancel());
      this.transferFailed(transfer, 408, 'Request Timeout');
    }, RING_TIMEOUT_MS);
  }

  private forkOfTransferFailed(transfer: PendingTransfer, status: number): void {
    if (this.transfer !== transfer) return;
    transfer.finals.push(status);
    if (transfer.finals.length === transfer.forks.length) {
      const [chosen, reason] = pickFinalStatus(transfer.finals);
      this.transferFailed(transfer, chosen, reason);
    }
  }

  private startAttended(
    transferor: DialogLeg,
    transferee: DialogLeg,
    referTo: Extract<ReferTo, { kind: 'attended' }>,
    request: SipRequest,
    refuse: (status: number, reason: string, why: string) => void,
  ): void {
    const { replaces } = referTo;
    const found = this.context.outlet.findDialog?.(replaces.callId, replaces.toTag);
    // Only a dialog of the transferor's own phone (its extension and its tag) may be named.
    if (
      !found ||
      found.peer.extension === null ||
      found.peer.extension !== transferor.extensionNumber ||
      found.peer.remoteTag() !== replaces.fromTag
    ) {
      return refuse(403, TRANSFER_REASONS.notYours, 'replaces-not-yours');
    }
    const owner = found.leg.owner;
    // A consult call to anything but an extension (a paid number, an IVR) is no internal call.
    if (!(owner instanceof InternalCall))
      return refuse(403, TRANSFER_REASONS.notInternal, 'replaces-not-internal');
    if (owner === this) return refuse(403, TRANSFER_REASONS.notYours, 'replaces-same-call');
    const consult = owner.consultLeg(replaces.callId, replaces.toTag);
    if (!consult) return refuse(403, TRANSFER_REASONS.notInCall, 'replaces-not-bridged');
    const targetNumber = consult.target.extensionNumber ?? '';
    if (referTo.user !== PBX_CONTACT_USER && referTo.user !== targetNumber) {
      return refuse(403, TRANSFER_REASONS.notInternal, 'replaces-other-target');
    }
    // The consult call's party must be an extension of the transferor's company, as for a blind
    // transfer (a dial plan that claims another company's numbers lets the consult call reach it).
    if (!this.transfers?.internalTarget(transferor.extensionNumber ?? '', targetNumber))
      return refuse(403, TRANSFER_REASONS.notInternal, 'replaces-other-company');
    if (targetNumber === transferee.extensionNumber)
      return refuse(403, TRANSFER_REASONS.toAParty, 'target-in-call');
    transferor.respondTo(request, 202, 'Accepted');
    const transfer: PendingTransfer = {
      kind: 'attended',
      transferor,
      transferee,
      transferorGone: false,
      targetNumber,
      forks: [],
      finals: [],
      ringTimer: null,
      consult: { call: owner, transferorLeg: consult.transferorLeg, target: consult.target },
    };
    this.transfer = transfer;
    owner.lockForTransfer(true);
    this.context.log('transfer-started', {
      callId: this.id,
      kind: 'attended',
      transferor: transferor.extensionNumber,
      target: targetNumber,
    });
    this.progress(transfer, 100, 'Trying');
    // The target offers anew in its 200 (offerless re-INVITE); the transferee answers that offer.
    const timedOut = () => {
      owner.lockForTransfer(false);
      this.transferFailed(transfer, 408, 'Request Timeout');
    };
    consult.target.reinvite(
      {},
      (response, ack) => {
        const status = response.statusCode ?? 500;
        if (this.transfer !== transfer) {
          if (status < 300) ack();
          return;
        }
        if (status >= 300 || !response.body) {
          if (status < 300) ack();
          owner.lockForTransfer(false);
          return this.transferFailed(
            transfer,
            status >= 300 ? status : 488,
            response.reasonPhrase ?? 'Failed',
          );
        }
        this.connect(transfer, consult.target, response.body, ack);
      },
      timedOut,
    );
  }

  /** The transferor's leg and the other party of this call, when `callId`/`tag` names a side of it. */
  private consultLeg(
    callId: string,
    localTag: string,
  ): { transferorLeg: DialogLeg; target: DialogLeg } | null {
    if (this.ended || !this.sides || this.transfer || this.lockedForTransfer) return null;
    const transferorLeg = this.sides.find((side) => side.callId === callId && side.localTag === localTag);
    const target = transferorLeg ? this.otherSide(transferorLeg) : null;
    return transferorLeg && target ? { transferorLeg, target } : null;
  }

  private lockForTransfer(locked: boolean): void {
    this.lockedForTransfer = locked;
  }

  /**
   * The target's offer goes to the transferee in a re-INVITE; its answer goes back in the target's
   * ACK. Then the transferee and the target are this call's two sides.
   */
  private connect(
    transfer: PendingTransfer,
    target: DialogLeg,
    offer: string | undefined,
    ackTarget: (extras?: MessageExtras) => void,
  ): void {
    if (!offer) {
      ackTarget();
      target.request('BYE');
      return this.transferFailed(transfer, 488, 'Not Acceptable Here');
    }
    transfer.transferee.reinvite(
      { body: offer, contentType: SDP },
      (response, ackTransferee) => {
        const status = response.statusCode ?? 500;
        if (this.transfer !== transfer || status >= 300 || !response.body) {
          if (status < 300) ackTransferee();
          ackTarget();
          if (transfer.kind === 'blind') target.request('BYE');
          transfer.consult?.call.lockForTransfer(false);
          if (this.transfer === transfer)
            this.transferFailed(transfer, status >= 300 ? status : 488, response.reasonPhrase ?? 'Failed');
          return;
        }
        ackTransferee();
        ackTarget({ body: response.body, contentType: SDP });
        this.completed(transfer, target);
      },
      () => {
        // The transferee never answered the re-INVITE: the target's offer is left unanswered.
        ackTarget();
        if (transfer.kind === 'blind') target.request('BYE');
        transfer.consult?.call.lockForTransfer(false);
        this.transferFailed(transfer, 408, 'Request Timeout');
      },
    );
  }

  private completed(transfer: PendingTransfer, target: DialogLeg): void {
    this.transfer = null;
    if (transfer.ringTimer) clearTimeout(transfer.ringTimer);
    this.progress(transfer, 200, 'OK', true);
    if (!transfer.transferorGone) transfer.transferor.request('BYE');
    this.release(transfer.transferor);
    if (transfer.consult) {
      transfer.consult.call.handOver(transfer.consult.target, transfer.consult.transferorLeg);
      target.attach(this.handlerFor(target));
      this.owned.add(target);
    }
    for (const fork of transfer.forks) if (fork !== target) this.release(fork);
    this.sides = [transfer.transferee, target];
    this.context.log('call-transferred', {
      callId: this.id,
      kind: transfer.kind,
      transferor: transfer.transferor.extensionNumber,
      target: transfer.targetNumber,
    });
  }

  /**
   * This call was the consult call of an attended transfer: `target` now belongs to the other
   * call; the transferor's leg here is released (BYE) and this call ends as transferred.
   */
  private handOver(target: DialogLeg, transferorLeg: DialogLeg): void {
    this.owned.delete(target);
    transferorLeg.request('BYE');
    this.sides = null;
    this.finish('transferred');
  }

  private transferFailed(transfer: PendingTransfer, status: number, reason: string): void {
    if (this.transfer !== transfer) return;
    this.transfer = null;
    if (transfer.ringTimer) clearTimeout(transfer.ringTimer);
    transfer.forks.forEach((fork) => this.release(fork));
    this.context.log('transfer-failed', { callId: this.id, status });
    if (!transfer.transferorGone) {
      // The transferor is still in the call: it learns why and may take the call back.
      this.progress(transfer, status, reason, true);
      return;
    }
    // Nobody to return to: the transferee is told and the call ends.
    transfer.transferee.request('BYE');
    this.finish('transfer-failed');
  }

  /** A NOTIFY with the transfer's progress to the transferor (RFC 3515 §2.4.5). */
  private progress(transfer: PendingTransfer, status: number, reason: string, final = false): void {
    if (transfer.transferorGone) return;
    transfer.transferor.request('NOTIFY', {
      headers: [
        'Event: refer',
        `Subscription-State: ${final ? 'terminated;reason=noresource' : 'active;expires=60'}`,
      ],
      body: sipfrag(status, reason),
      contentType: SIPFRAG,
    });
  }

  private partyOf(side: DialogLeg): Party {
    const number = side.extensionNumber ?? '';
    const known = number ? this.transfers?.internalTarget(number, number) : null;
    return known ?? { number, displayName: number };
  }

  /** A dialog this call no longer answers for: forgotten (its presence ends). */
  private release(side: DialogLeg): void {
    if (!this.owned.delete(side)) return;
    side.detach();
  }

  private finish(result: string): void {
    if (this.ended) return;
    this.ended = true;
    this.result = result;
    if (this.ringTimer) clearTimeout(this.ringTimer);
    this.transfer?.consult?.call.lockForTransfer(false);
    if (this.transfer?.ringTimer) clearTimeout(this.transfer.ringTimer);
    this.transfer = null;
    for (const side of [...this.owned]) this.release(side);
    this.context.db.insertCallRecord({
      callId: this.id,
      caller: this.callerExtension.number,
      destination: this.callee,
      callClass: 'internal',
      pinOutcome: 'not-required',
      pinAttempts: 0,
      result: this.result,
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
