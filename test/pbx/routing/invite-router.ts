import { InternalCall, type TransferDirectory } from '../calls/internal-call';
import type { CallContext } from '../calls/call-context';
import { MediaCall } from '../calls/media-call';
import type { PbxLog } from '../log';
import type { InviteHandler, InviteRoute, SipService } from '../sip/sip-service';
import type { ExtensionDirectory } from '../store/ports';
import { callClassOf, decideRoute, isEmergencyCall } from './route';

/** The parts of a call's context that do not come from the SIP service. */
export type CallParts = Omit<CallContext, 'outlet' | 'connection' | 'callEnded'>;

/**
 * Routing: the layer between SIP and the applications. The SIP service hands it each authenticated
 * INVITE; it decides where the call goes (route.ts) and starts the application on the SIP leg.
 */
export class InviteRouter implements InviteHandler, TransferDirectory {
  private readonly context: CallContext;

  constructor(
    private readonly directory: ExtensionDirectory,
    private readonly log: PbxLog,
    sip: Pick<SipService, 'outlet' | 'connection' | 'callEnded'>,
    parts: CallParts,
  ) {
    this.context = {
      ...parts,
      outlet: sip.outlet,
      connection: (id) => sip.connection(id),
      callEnded: (call) => sip.callEnded(call),
    };
  }

  /** A transfer's target: what `dialled` reaches for `transferor`, if that is an extension of its company. */
  internalTarget(transferor: string, dialled: string): { number: string; displayName: string } | null {
    const decision = decideRoute(this.directory, transferor, dialled);
    if (decision.kind !== 'internal') return null;
    const target = this.directory.findExtension(decision.callee);
    if (!target || target.companyId !== decision.caller.companyId) return null;
    return { number: target.number, displayName: target.displayName };
  }

  canWatch(subscriber: string, watched: string): boolean {
    const own = this.directory.findExtension(subscriber);
    const other = this.directory.findExtension(watched);
    return own !== null && other !== null && own.companyId === other.companyId;
  }

  isEmergency(claimedUser: string, dialled: string): boolean {
    return isEmergencyCall(this.directory, claimedUser, dialled);
  }

  route(invite: { callId: string; caller: string; dialled: string }): InviteRoute {
    const decision = decideRoute(this.directory, invite.caller, invite.dialled);
    const callClass = callClassOf(decision);
    // A caller the directory does not know starts no call (403); an invalid number is a call that fails.
    if (callClass !== null)
      this.log('call-started', { callId: invite.callId, caller: invite.caller, callClass });
    switch (decision.kind) {
      case 'refuse':
        return decision;
      case 'internal':
        return {
          kind: 'call',
          start: (leg) => new InternalCall(leg, decision.caller, decision.callee, this.context, this),
        };
      case 'media':
        return {
          kind: 'call',
          start: (leg) =>
            new MediaCall(
              leg,
              {
                caller: decision.caller,
                classification: decision.classification,
                pinRequired: decision.pinRequired,
              },
              this.context,
            ),
        };
    }
  }
}
