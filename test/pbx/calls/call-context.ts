import type { Classification } from '../../../shared/dial-plan/dial-plan';
import type { LockoutRules } from '../ivr/lockout';
import type { PinEntryRules } from '../ivr/pin-entry';
import type { PinGatePort } from '../ivr/pin-gate-port';
import type { PbxLog } from '../log';
import type { PromptLibrary } from '../media/prompts';
import type { PstnFarEnd } from '../pstn/far-end';
import type { Registrar } from '../sip/registrar';
import type { ExtensionRecord, PbxDatabase } from '../store/database';
import type { SipConnection } from '../transport/websocket';
import type { SipOutlet } from './legs';

/** How the PBX asks for the PIN: answer first (Asterisk), or in early media before answering (FreePBX). */
export type PromptStyle = 'answer-first' | 'early-media';

/** Everything a call needs from the PBX; owned by the PBX server, shared by its calls. */
export interface CallContext {
  outlet: SipOutlet;
  registrar: Registrar;
  db: PbxDatabase;
  farEnd: PstnFarEnd;
  prompts: PromptLibrary;
  promptStyle: PromptStyle;
  pinRules: PinEntryRules;
  lockoutRules: LockoutRules;
  /** Decides, counts and locks PIN attempts; the IVR only asks it (issue #10). */
  pinGate: PinGatePort;
  connection(id: string): SipConnection | undefined;
  domain: string;
  now(): number;
  log: PbxLog;
  policyChanged(extensions: readonly string[]): void;
  callEnded(call: ActiveCall): void;
  /** Benchmarks only: when a key was detected (its RTP timestamp, never the key). */
  onDtmfDetected?(callId: string, rtpTimestamp: number): void;
  /** Benchmarks only: drops an RTP packet from the phone when this returns true (simulated loss). */
  dropInboundRtp?(): boolean;
  /** A caller without RTP this long (not on hold) is hung up; default 5 s (media-call.ts). */
  mediaTimeoutMs?: number;
}

export interface CallSetup {
  caller: ExtensionRecord;
  classification: Exclude<Classification, { callClass: 'invalid' }>;
}

export interface ActiveCall {
  readonly id: string;
  /** Ends the call from the PBX side (shutdown). */
  terminate(): void;
}

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
