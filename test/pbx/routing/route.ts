import {
  classifyDestination,
  type CallClass,
  type Classification,
} from '../../../shared/dial-plan/dial-plan';
import { effectivePinScope, requiresPin } from '../../../shared/policy/requires-pin';
import type { ExtensionDirectory, ExtensionRecord } from '../store/ports';

/**
 * Where an authenticated INVITE goes, as data: refused with a SIP status, an internal call to
 * another extension, or a media call (IVR application, emergency, toll-free, external) that runs the
 * PIN IVR first when `requiresPin` says so — for the classification (international, premium) under
 * the extension's PIN scope (issue #14). Pure over the directory, so it is unit-tested alone.
 */
export type RouteDecision =
  | {
      kind: 'refuse';
      why: 'unknown-caller' | 'invalid-number';
      status: number;
      reason: string;
      toTag: string;
    }
  | { kind: 'internal'; caller: ExtensionRecord; callee: string }
  | {
      kind: 'media';
      caller: ExtensionRecord;
      classification: Exclude<Classification, { callClass: 'invalid' | 'internal' }>;
      pinRequired: boolean;
    };

/** The class a call record and the log give the call; null when no call started (unknown caller). */
export function callClassOf(decision: RouteDecision): CallClass | 'invalid' | null {
  switch (decision.kind) {
    case 'internal':
      return 'internal';
    case 'media':
      return decision.classification.callClass;
    case 'refuse':
      return decision.why === 'unknown-caller' ? null : 'invalid';
  }
}

/** Whether `claimedUser` dialling `dialled` is an emergency call (decided before authentication). */
export function isEmergencyCall(
  directory: ExtensionDirectory,
  claimedUser: string,
  dialled: string,
): boolean {
  const caller = directory.findExtension(claimedUser);
  return (
    caller !== null &&
    classifyDestination(dialled, directory.dialPlanOf(caller.companyId)).callClass === 'emergency'
  );
}

export function decideRoute(directory: ExtensionDirectory, caller: string, dialled: string): RouteDecision {
  const record = directory.findExtension(caller);
  if (!record)
    return { kind: 'refuse', why: 'unknown-caller', status: 403, reason: 'Forbidden', toTag: 'id' };
  const classification = classifyDestination(dialled, directory.dialPlanOf(record.companyId));
  switch (classification.callClass) {
    case 'invalid':
      return classification.reason === 'not-a-number'
        ? { kind: 'refuse', why: 'invalid-number', status: 484, reason: 'Address Incomplete', toTag: 'route' }
        : { kind: 'refuse', why: 'invalid-number', status: 404, reason: 'Not Found', toTag: 'route' };
    case 'internal':
      return { kind: 'internal', caller: record, callee: classification.extension };
    default:
      return {
        kind: 'media',
        caller: record,
        classification,
        pinRequired: requiresPin(
          {
            available: directory.pinProtectionProduct(record.number) !== null,
            ivrAuthentication: record.ivrAuthentication,
          },
          classification,
          effectivePinScope(record.pinScope ?? null, directory.companyPinScope(record.companyId)),
        ),
      };
  }
}
