import type { Classification } from '../../../shared/dial-plan/dial-plan';
import type { PinEntryRules } from '../ivr/pin-entry';
import type { PinGatePort } from '../ivr/pin-gate-port';
import type { PbxLog } from '../log';
import type { PromptLibrary } from '../media/prompts';
import type { PstnFarEnd } from '../pstn/far-end';
import type { Registrar } from '../sip/registrar';
import type { SipCall } from '../sip/sip-service';
import type { CallRecordStore, ExtensionRecord } from '../store/ports';
import type { SipConnection } from '../transport/websocket';
import type { SipOutlet } from '../sip/legs';

/** How the PBX asks for the PIN: answer first (Asterisk), or in early media before answering (FreePBX). */
export type PromptStyle = 'answer-first' | 'early-media';

/** Everything a call needs from the PBX; built by routing (routing/invite-router.ts), shared by its calls. */
export interface CallContext {
  outlet: SipOutlet;
  registrar: Registrar;
  /** Where the call leaves its call record (the store, through its narrow port). */
  db: CallRecordStore;
  farEnd: PstnFarEnd;
  prompts: PromptLibrary;
  promptStyle: PromptStyle;
  pinRules: PinEntryRules;
  /** Decides, counts and locks PIN attempts; the IVR only asks it (issue #10). */
  pinGate: PinGatePort;
  connection(id: string): SipConnection | undefined;
  domain: string;
  now(): number;
  log: PbxLog;
  callEnded(call: ActiveCall): void;
  /** A caller without RTP this long (not on hold) is hung up; default 5 s (media-watch.ts). */
  mediaTimeoutMs?: number;
}

export interface CallSetup {
  caller: ExtensionRecord;
  classification: Exclude<Classification, { callClass: 'invalid' }>;
  /** Whether this call runs the PIN IVR: `requiresPin`, decided once by routing. */
  pinRequired: boolean;
}

/** A running call as the SIP service tracks it (a CANCEL finds it, shutdown ends it). */
export type ActiveCall = SipCall;

/** The Reason header (RFC 3326) the PBX puts on a BYE or final response it ends a call with. */
export const REASONS = {
  pinFailed: 'Reason: SIP;cause=403;text="PIN authentication failed"',
  locked: 'Reason: SIP;cause=403;text="Paid calls locked"',
  /** Starts like `locked`, so phones that know only that one still show "locked". */
  quarantined: 'Reason: SIP;cause=403;text="Paid calls locked until an administrator unlocks them"',
  pinBusy: 'Reason: SIP;cause=486;text="Another PIN entry for this extension is in progress"',
  mediaTimeout: 'Reason: SIP;cause=408;text="No media from the caller"',
  done: 'Reason: SIP;cause=200;text="Call completed"',
} as const;
