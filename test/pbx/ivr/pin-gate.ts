import { BoundedSlots } from '../crypto/bounded-slots';
import type { PbxLog } from '../log';
import type { LockoutRules } from './lockout';
import { gateClosed } from './lockout';
import type { PinGateStore } from '../store/ports';
import type { GateClosed, PinGatePort, PinSession, PinVerdict } from './pin-gate-port';

/** What the gate needs from the store: a port of the store (store/ports.ts). */
export type { PinGateStore } from '../store/ports';

/**
 * How many unlock-code checks (scrypt, on libuv's four-thread pool) run at once and how many wait.
 * A code beyond that is not checked: its verdict is `busy` (the caller hears the busy prompt and may
 * call again), it is recorded as a refusal and never counted as a wrong code. Bounding the queue
 * keeps `#` → destination short for the calls that are checked (issue #16, IVR capacity).
 */
export interface PinCheckCapacity {
  maxConcurrentPinChecks: number;
  maxQueuedPinChecks: number;
  /**
   * PIN sessions the gate holds at once (open, or closed with a code still being checked); a call
   * beyond that is refused `busy` before its prompt (issue #15). Each session has at most one code
   * in flight, so with maxPinSessions ≤ maxConcurrentPinChecks + maxQueuedPinChecks no code of an
   * admitted call is ever turned away busy: the PBX refuses load at the door, not a right PIN.
   */
  maxPinSessions: number;
}
/**
 * Two checks at once (the two cores); up to 510 waiting, as many as the 512 PIN sessions the gate
 * admits, so an admitted call's code is always checked (issue #15: a queue of 48 turned 14 of 64
 * simultaneous right PINs away). One check costs about 30 ms here (the calibration in
 * bench/results): the queue only grows that long if hundreds of callers press `#` at once.
 */
export const DEFAULT_PIN_CHECK_CAPACITY: PinCheckCapacity = {
  maxConcurrentPinChecks: 2,
  maxQueuedPinChecks: 510,
  maxPinSessions: 512,
};

export interface PinGateDeps {
  store: PinGateStore;
  rules: LockoutRules;
  capacity?: Partial<PinCheckCapacity>;
  now(): number;
  log: PbxLog;
  /** An extension was locked or quarantined (push its policy so the phone shows it). */
  lockChanged?(extension: string): void;
}

/**
 * The PIN gate over the store: the only place that decides whether a code may be tried, whether it
 * was right, and what a wrong one does. Sessions are counted in memory (one PBX process owns its
 * calls); every decided code, timeout and refusal is persisted. Log events carry no code or digit.
 */
export class PinGate implements PinGatePort {
  private readonly sessions = new Map<string, Set<GateSession>>();
  /** Each listener with the session it speaks for, if it said (see `onClosed`). */
  private readonly listeners = new Map<
    (extension: string, why: GateClosed) => void,
    PinSession | undefined
  >();
  /** Codes being hashed or decided, so a stopping PBX can still count them (`drain`). */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly checks: BoundedSlots;
  /** Sessions holding one of the `maxPinSessions` places, with their codes in flight. */
  private readonly places = new Map<GateSession, number>();
  private readonly maxPinSessions: number;

  constructor(private readonly deps: PinGateDeps) {
    const capacity = { ...DEFAULT_PIN_CHECK_CAPACITY, ...deps.capacity };
    this.checks = new BoundedSlots(capacity.maxConcurrentPinChecks, capacity.maxQueuedPinChecks);
    this.maxPinSessions = capacity.maxPinSessions;
  }

  open(extension: string, source: string, callId: string): PinSession | GateClosed {
    const now = this.deps.now();
    const open = this.sessions.get(extension) ?? new Set<GateSession>();
    const closed = gateClosed(this.deps.store.gateFacts(extension, source), now, this.deps.rules, open.size);
    if (closed) {
      this.refuse(extension, source, callId, closed, now);
      return closed;
    }
    if (this.places.size >= this.maxPinSessions) {
      const busy = { kind: 'busy' } as const;
      this.refuse(extension, source, callId, busy, now);
      return busy;
    }
    const session = new GateSession(this, extension, source, callId);
    this.places.set(session, 0);
    open.add(session);
    this.sessions.set(extension, open);
    this.deps.log('pin-session-opened', { callId, extension, source });
    return session;
  }

  onClosed(listener: (extension: string, why: GateClosed) => void, session?: PinSession): () => void {
    this.listeners.set(listener, session);
    return () => this.listeners.delete(listener);
  }

  /** Unlock-code checks hashing now and waiting for a slot. */
  get pinChecks(): { running: number; queued: number } {
    return { running: this.checks.running, queued: this.checks.queued };
  }

  /** PIN sessions of this extension running now. */
  openSessions(extension: string): number {
    return this.sessions.get(extension)?.size ?? 0;
  }

  /** Resolves once every code submitted so far is decided and recorded (call before closing the store). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /**
   * @internal The session's steps; kept here so all gate decisions sit in one class. Never rejects:
   * a failure fails closed (see `decide`).
   */
  verify(session: GateSession, code: string): Promise<PinVerdict> {
    this.places.set(session, (this.places.get(session) ?? 0) + 1);
    const verdict = this.decide(session, code).catch((): PinVerdict => ({ kind: 'busy' }));
    this.inFlight.add(verdict);
    void verdict.then(() => {
      this.inFlight.delete(verdict);
      const left = (this.places.get(session) ?? 1) - 1;
      const stillOpen = this.sessions.get(session.extension)?.has(session) ?? false;
      if (left > 0 || stillOpen) this.places.set(session, left);
      else this.places.delete(session);
    });
    return verdict;
  }

  private async decide(session: GateSession, code: string): Promise<PinVerdict> {
    const { extension, source, callId } = session;
    const { store, rules } = this.deps;
    let decision: ReturnType<PinGateStore['decidePinCode']>;
    let now: number;
    let upgrade: (() => Promise<void>) | undefined;
    try {
      const before = gateClosed(store.gateFacts(extension, source), this.deps.now(), rules);
      if (before) {
        this.refuse(extension, source, callId, before, this.deps.now());
        return before;
      }
      const checking = this.checks.tryRun(() => store.compareUnlockCode(extension, code));
      if (!checking) {
        // Every check slot and queue place is taken: not checked, so not counted; the caller hears
        // the busy prompt and may try again.
        const busy = { kind: 'busy' } as const;
        this.refuse(extension, source, callId, busy, this.deps.now());
        return busy;
      }
      const check = await checking;
      upgrade = check?.upgrade;
      now = this.deps.now();
      decision = store.decidePinCode({
        extension,
        source,
        callId,
        correct: check !== null,
        ...(check ? { codeId: check.codeId } : {}),
        now,
      });
    } catch (error) {
      // The store is gone (PBX stopping) or failed: fail closed, count nothing, say why in the log.
      this.deps.log('pin-gate-error', {
        callId,
        extension,
        error: error instanceof Error ? error.message : String(error),
      });
      return { kind: 'busy' };
    }
    switch (decision.kind) {
      case 'closed':
        this.deps.log('pin-refused', { callId, extension, why: decision.why.kind });
        return decision.why;
      case 'accepted':
        // The label is no secret (the admin named the person); the code never is logged.
        this.deps.log('pin-accepted', { callId, extension, codeLabel: decision.codeLabel });
        if (upgrade) this.afterVerdict(callId, extension, upgrade);
        return { kind: 'accepted', codeLabel: decision.codeLabel };
      case 'wrong': {
        this.deps.log('pin-wrong-code', {
          callId,
          extension,
          source,
          wrongCodesInWindow: decision.wrongCodesInWindow,
        });
        this.afterWrongCode(extension, source, decision, now);
        // A wrong code that closes the gate is still a wrong code (the call record counts it); it
        // says how the gate is closed now, so the caller hears why.
        const closes = closedBy(decision, now);
        if (closes) return { kind: 'wrong', wrongCodesLeftBeforeLock: 0, closes };
        return { kind: 'wrong', wrongCodesLeftBeforeLock: decision.wrongCodesLeftBeforeLock };
      }
    }
  }

  /**
   * Gives an accepted migrated code its index and peppered hash (a second scrypt) after the verdict
   * went out: only an accepted code pays it, so the time to the verdict never tells a right but
   * disabled code from a wrong one (audit N1). `drain` waits for it; a failure is logged, not fatal.
   */
  private afterVerdict(callId: string, extension: string, upgrade: () => Promise<void>): void {
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(upgrade)
      .catch((error: unknown) => {
        this.deps.log('pin-code-upgrade-error', {
          callId,
          extension,
          error: error instanceof Error ? error.message : String(error),
        });
      });
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
  }

  /** @internal */
  recordTimeout(session: GateSession): void {
    const { extension, source, callId } = session;
    this.deps.store.recordPinEvent({ extension, source, callId, kind: 'timeout', at: this.deps.now() });
    this.deps.log('pin-timeout', { callId, extension });
  }

  /** @internal */
  release(session: GateSession): void {
    const open = this.sessions.get(session.extension);
    open?.delete(session);
    if (open?.size === 0) this.sessions.delete(session.extension);
    // Its place is free once no code of it is being checked any more.
    if (!this.places.get(session)) this.places.delete(session);
  }

  private refuse(extension: string, source: string, callId: string, why: GateClosed, now: number): void {
    this.deps.store.recordPinEvent({ extension, source, callId, kind: 'refused', why: why.kind, at: now });
    this.deps.log('pin-refused', { callId, extension, why: why.kind });
  }

  private afterWrongCode(
    extension: string,
    source: string,
    decision: Extract<ReturnType<PinGateStore['decidePinCode']>, { kind: 'wrong' }>,
    now: number,
  ): void {
    if (decision.quarantined) {
      this.deps.log('extension-quarantined', { extension });
      this.closed(extension, { kind: 'quarantined', since: now });
    } else if (decision.locked) {
      this.deps.log('extension-locked', {
        extension,
        until: decision.locked.until,
        wrongCodes: decision.wrongCodesInWindow,
      });
      this.closed(extension, { kind: 'locked', until: decision.locked.until });
    }
    if (decision.sourceBlockedUntil !== null) {
      const until = decision.sourceBlockedUntil;
      this.deps.log('pin-source-blocked', { source, until });
      const extensions = new Set<string>();
      for (const [number, open] of this.sessions)
        for (const session of open) if (session.source === source) extensions.add(number);
      // Only the sessions from that source end: other callers of the same extension (another
      // address, the extension's own phone) are not blocked and keep their prompt.
      for (const number of extensions) this.notify(number, { kind: 'source-blocked', until }, source);
    }
  }

  private closed(extension: string, why: GateClosed): void {
    this.deps.lockChanged?.(extension);
    this.notify(extension, why);
  }

  /** Tells the listeners; with `source` (a source block) only those whose session comes from it. */
  private notify(extension: string, why: GateClosed, source?: string): void {
    for (const [listener, session] of [...this.listeners]) {
      if (source !== undefined && session !== undefined && session.source !== source) continue;
      try {
        listener(extension, why);
      } catch (error) {
        this.deps.log('pin-gate-listener-error', {
          extension,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
}

/** How a wrong code closed the gate, if it did: quarantine over lock over source block. */
function closedBy(
  decision: Extract<ReturnType<PinGateStore['decidePinCode']>, { kind: 'wrong' }>,
  now: number,
): GateClosed | null {
  if (decision.quarantined) return { kind: 'quarantined', since: now };
  if (decision.locked) return { kind: 'locked', until: decision.locked.until };
  if (decision.sourceBlockedUntil !== null)
    return { kind: 'source-blocked', until: decision.sourceBlockedUntil };
  return null;
}

class GateSession implements PinSession {
  private closed = false;
  codeLabel: string | null = null;

  constructor(
    private readonly gate: PinGate,
    readonly extension: string,
    readonly source: string,
    readonly callId: string,
  ) {}

  verify(code: string): Promise<PinVerdict> {
    return this.gate.verify(this, code).then((verdict) => {
      // Set before the caller's own continuation runs, so the IVR's `accepted` step can read it.
      if (verdict.kind === 'accepted') this.codeLabel = verdict.codeLabel ?? null;
      return verdict;
    });
  }

  recordTimeout(): void {
    this.gate.recordTimeout(this);
  }

  close(pendingCode?: string): void {
    if (this.closed) return;
    this.closed = true;
    this.gate.release(this);
    // Digits typed without `#` are a code like any other: decided and counted after the call ended.
    if (pendingCode !== undefined && pendingCode !== '') void this.gate.verify(this, pendingCode);
  }
}
