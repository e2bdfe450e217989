import type { DialPlan } from '../../../shared/dial-plan/dial-plan';
import type { PinScope } from '../../../shared/policy/requires-pin';

/**
 * The store as the PBX's layers see it: record types and one narrow interface per user. Each layer
 * depends on the interface it needs (types only); `database.ts` implements all of them over SQLite
 * and only the composition root (`server.ts`) knows that class. The store knows no SIP, no calls and
 * no HTTP: it keeps rows, and the layers above decide what they mean.
 */

/** Why an extension is closed: a lock after wrong codes, or quarantine after repeated lockouts. */
export type LockReason = 'wrong-codes' | 'repeated-lockouts';
export type PinEventKind = 'wrong-code' | 'timeout' | 'accepted' | 'refused';

/** The contract view of an extension's PIN gate (tests, admin API). */
export interface PinSecurity {
  /** All wrong codes ever recorded. */
  wrongCodes: number;
  /** Wrong codes that count towards the next lock (since the window start, last lock or unlock). */
  wrongCodesInWindow: number;
  timeouts: number;
  accepted: number;
  /** Sessions or codes refused because the gate was closed or busy (never guesses). */
  refused: number;
  /** The lock in force, or null. */
  lockedUntil: number | null;
  quarantinedSince: number | null;
  lockReason: LockReason | null;
  /** Lockouts (locks and quarantines) within the quarantine window (24 h by default). */
  lockouts24h: number;
}

export interface AuditEntry {
  at: number;
  admin: string;
  action: string;
  extension: string | null;
  detail: string | null;
}

export interface ExtensionRecord {
  number: string;
  companyId: string;
  displayName: string;
  language: 'de' | 'en';
  ivrAuthentication: boolean;
  /** At least one enabled unlock code (issue #14: the extension may have several). */
  unlockCodeSet: boolean;
  /** The extension's own PIN scope, or null for the company's default (issue #14). */
  pinScope?: PinScope | null;
  /** The last lock's end as stored (may lie in the past); see `pinSecurity` for what is in force. */
  lockedUntil: number | null;
  quarantinedSince: number | null;
  lockReason: LockReason | null;
}

export type PinOutcome = 'not-required' | 'ok' | 'failed' | 'locked' | 'busy' | 'abandoned';
export interface CallRecord {
  callId: string;
  caller: string;
  /** The normalised destination (never what was typed during the call). */
  destination: string;
  callClass: string;
  pinOutcome: PinOutcome;
  pinAttempts: number;
  /** PIN prompts left without a key (not attempts, not wrong codes); 0 without a PIN IVR. */
  pinTimeouts?: number;
  /** The label of the unlock code that opened the call (never the code); null or absent otherwise. */
  codeLabel?: string | null;
  result: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
}

/** One personal unlock code as the store hands it out (issue #14): no code, no hash, no index. */
export interface UnlockCodeRow {
  id: number;
  extension: string;
  label: string;
  enabled: boolean;
  /** ISO dates (YYYY-MM-DD, UTC days, both inclusive) or null. */
  validFrom: string | null;
  validUntil: string | null;
  createdAt: number;
  lastUsedAt: number | null;
}

export type AddCodeResult =
  | { kind: 'added'; code: UnlockCodeRow }
  | { kind: 'code-taken' }
  /** The extension already holds `MAX_CODES_PER_EXTENSION` codes (disabled and expired ones count). */
  | { kind: 'too-many-codes' };

/** What the admin's PIN-usage view lists (issue #14); kinds as in the admin API. */
export type PinUsageEventKind =
  | 'wrong-code'
  | 'timeout'
  | 'locked'
  | 'quarantined'
  | 'unlocked'
  | 'code-added'
  | 'code-disabled'
  | 'code-deleted';
export interface PinUsage {
  calls: {
    callId: string;
    extension: string;
    codeLabel: string | null;
    destination: string;
    startedAt: number;
    answeredAt: number | null;
    endedAt: number | null;
    pinOutcome: PinOutcome;
  }[];
  events: {
    at: number;
    extension: string;
    kind: PinUsageEventKind;
    /** The admin, for admin actions; null for the PIN gate's own events. */
    by: string | null;
    codeLabel: string | null;
  }[];
}

/** A product (main or add-on) of the provider's catalogue. */
export interface PinProduct {
  id: string;
  name: string;
  kind: 'main' | 'add-on';
}

/** Who an extension is, its company's dial plan and its PIN-protection grant (routing, policy view). */
export interface ExtensionDirectory {
  findExtension(number: string): ExtensionRecord | null;
  dialPlanOf(companyId: string): DialPlan;
  /** The company's default PIN scope (an extension's own `pinScope` wins). */
  companyPinScope(companyId: string): PinScope;
  /** The product (main first, then add-ons) that carries PIN protection for this extension, if any. */
  pinProtectionProduct(number: string): PinProduct | null;
}

/** Where calls leave their call record (applications). */
export interface CallRecordStore {
  insertCallRecord(record: CallRecord): void;
}

/** What the policy and admin views read (api/policy-view.ts). */
export interface PolicyStore extends ExtensionDirectory {
  companyName(companyId: string): string;
  pinSecurity(extension: string, now: number): PinSecurity;
}

/** What the HTTP API reads and changes (sign-in, policy, admin and provider routes). */
export interface ApiStore extends PolicyStore {
  readonly realm: string;
  /** The stored HA1 of an extension's password (crypto/ha1.ts), or undefined for no such extension. */
  ha1For(username: string, algorithm: 'MD5' | 'SHA-256'): string | undefined;
  listExtensions(companyId: string): ExtensionRecord[];
  setIvrAuthentication(number: string, on: boolean): void;
  /** The set-PIN call: sets the code labelled "Standard"; 'code-taken' when another code is this code. */
  setUnlockCode(number: string, code: string): Promise<'set' | 'code-taken' | 'too-many-codes'>;
  listUnlockCodes(number: string): UnlockCodeRow[];
  addUnlockCode(
    number: string,
    input: { label: string; code: string; validFrom: string | null; validUntil: string | null },
    by: { admin: string; at: number },
  ): Promise<AddCodeResult>;
  updateUnlockCode(
    number: string,
    id: number,
    patch: { label?: string; enabled?: boolean; validFrom?: string | null; validUntil?: string | null },
    by: { admin: string; at: number },
  ): UnlockCodeRow | null;
  deleteUnlockCode(number: string, id: number, by: { admin: string; at: number }): boolean;
  hasUsableUnlockCode(number: string, now: number): boolean;
  setCompanyPinScope(companyId: string, scope: PinScope, by: { admin: string; at: number }): void;
  setPinScope(number: string, scope: PinScope | null, by: { admin: string; at: number }): void;
  pinUsage(extensions: readonly string[], since: number): PinUsage;
  unlock(number: string, by: { admin: string; at: number }): void;
  listSourceBlocks(
    extensions: readonly string[],
    now: number,
  ): { source: string; blockedUntil: number; wrongCodes: number }[];
  verifyAdmin(username: string, password: string): Promise<string | null>;
  verifyProvider(username: string, password: string): Promise<boolean>;
  listProducts(): (PinProduct & { pinProtection: boolean })[];
  /** Provider grant/revoke; the extensions whose policy changed, or null for no such product. */
  setProductPinProtection(productId: string, on: boolean): string[] | null;
  listCallRecords(): CallRecord[];
}

// — The PIN gate's store —

/**
 * Why the PIN gate is closed. Emergency and other free calls never reach the gate. (Defined here so
 * the store needs nothing of ivr/; ivr/pin-gate-port.ts re-exports it.)
 */
export type GateClosed =
  | { kind: 'locked'; until: number }
  /** Repeated lockouts: closed until an admin unlocks (PortaOne: quarantine). */
  | { kind: 'quarantined'; since: number }
  /** Too many wrong codes from this source across extensions. */
  | { kind: 'source-blocked'; until: number }
  /** Another PIN-IVR session of this extension is running (limit is configurable). Not a guess. */
  | { kind: 'busy' };

/** What the store knows about an extension and a source when a session opens or a code arrives. */
export interface GateFacts {
  lockedUntil: number | null;
  quarantinedSince: number | null;
  sourceBlockedUntil: number | null;
}

/** Counts at the moment one more wrong code has been recorded (the counts include it). */
export interface WrongCodeCounts {
  /** This extension's wrong codes within `windowMs` and after its last lock or admin unlock. */
  wrongCodesInWindow: number;
  /** This extension's lockouts (locks and quarantines) within `quarantineWindowMs`, before this code. */
  lockoutsInWindow: number;
  /** This source's wrong codes (any extension) within `windowMs` and after its last block. */
  sourceWrongCodesInWindow: number;
}

export interface WrongCodeDecision {
  /** The extension locks until then, or null. */
  lockUntil: number | null;
  /** The lockout this code causes is the one that quarantines the extension. */
  quarantine: boolean;
  /** The source is blocked until then, or null. */
  blockSourceUntil: number | null;
  /** How many more wrong codes the extension may take before it locks (0 when it locks now). */
  wrongCodesLeftBeforeLock: number;
}

/**
 * The PIN gate's rules as the store applies them inside its transactions. `ivr/lockout.ts` makes
 * them (`storeGateRules`) and the composition root hands them to the store, which imports no rule.
 */
export interface StoreGateRules {
  /** Wrong codes count towards a lock (and a source block) within this window. */
  readonly windowMs: number;
  /** Lockouts count towards quarantine within this window. */
  readonly quarantineWindowMs: number;
  /** Whether a lock or block that ends at `until` is in force at `now`. */
  isLocked(until: number | null, now: number): boolean;
  /** Why the gate is closed for a code, or null. */
  closed(facts: GateFacts, now: number): GateClosed | null;
  /** What one more wrong code does. */
  afterWrongCode(counts: WrongCodeCounts, now: number): WrongCodeDecision;
}

/** One decided code, as the store's transaction recorded it. */
export type PinCodeDecision =
  | { kind: 'closed'; why: GateClosed }
  /** `codeLabel`: the label of the code that opened the call (null from a store without labels). */
  | { kind: 'accepted'; codeLabel: string | null }
  | {
      kind: 'wrong';
      wrongCodesInWindow: number;
      wrongCodesLeftBeforeLock: number;
      locked: { until: number } | null;
      quarantined: boolean;
      sourceBlockedUntil: number | null;
    };

/**
 * A typed code that matched one of the extension's codes. `upgrade` is set when the matched code has
 * no lookup index or an unpeppered hash: run it once the code was accepted (never for a refused one),
 * outside the time the caller waits for the verdict.
 */
export interface CodeMatch {
  codeId: number;
  upgrade?: () => Promise<void>;
}

/** What the PIN gate (ivr/pin-gate.ts) needs from the store; nothing else of it. */
export interface PinGateStore {
  gateFacts(extension: string, source: string): GateFacts;
  /**
   * The extension's code this code matches (keyed index, then one scrypt: store/unlock-codes.ts), or
   * null. A match says nothing yet about the code's state (disabled, expired): `decidePinCode` does.
   */
  compareUnlockCode(extension: string, code: string): Promise<CodeMatch | null>;
  /**
   * Re-checks the gate and the matched code's state, records the outcome and locks, in one
   * transaction (see `PbxDatabase`).
   */
  decidePinCode(input: {
    extension: string;
    source: string;
    callId: string;
    correct: boolean;
    codeId?: number;
    now: number;
  }): PinCodeDecision;
  recordPinEvent(event: {
    extension: string;
    source: string;
    callId: string;
    kind: 'timeout' | 'refused';
    why?: string;
    at: number;
  }): void;
}
