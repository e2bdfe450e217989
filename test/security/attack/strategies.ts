import type { EventEmitter } from 'node:events';
import type { PbxAddresses, PbxServer } from '../../pbx/server';
import { AttackPhone, type AttackCall, type Credentials, type GateAnswer, within } from './autodialer';
import { allowedWrongCodes, type GateRules, perHour } from './budget';
import type { SimClock } from './sim-clock';

/**
 * Autodialer strategies against the PIN gate. Each is a way toll fraudsters actually guess: give up
 * before the PBX's per-call limit, hang up while the code is checked, run calls in parallel, change
 * devices, spread over extensions, wait out locks. The runner counts, from the attacker's side, the
 * codes the PBX took as guesses, and reads what the PBX recorded.
 */
export type Ending =
  /** Hear the verdict of the last code, then BYE (CANCEL in early media). */
  | 'hang-up-after-verdict'
  /** BYE (CANCEL) right after the `#`, while the code is being checked. */
  | 'hang-up-while-checking'
  /** Drop the WebSocket right after the `#` (no BYE at all). */
  | 'drop-while-checking'
  /** Keep typing until the PBX ends the call. */
  | 'full-call';

export interface Strategy {
  id: string;
  title: string;
  codesPerCall: number;
  ending: Ending;
  /** FreePBX style: the prompt plays in early media, so hanging up is a CANCEL. */
  earlyMedia?: boolean;
  /** Calls dialled at once per round; their codes are typed at the same moment. */
  parallelCalls?: number;
  /** 'new-websocket': a fresh registration on a new connection for every call; 'two-devices': alternate. */
  devices?: 'one' | 'new-websocket' | 'two-devices';
  /** Rotate over all the targets (extensions of one company). */
  spreadOverExtensions?: boolean;
  /** When every target refuses, move the clock on by the lock time and dial again. */
  waitOutLocks?: boolean;
  /**
   * Never trigger the quarantine: after one lockout less than quarantines, type one code less than
   * locks, then wait until the last lockout has left the quarantine window (knows the rules).
   */
  pacedBelowQuarantine?: boolean;
}

export const STRATEGIES: readonly Strategy[] = [
  {
    id: 'one-then-hang-up',
    title: '1 wrong code, hear the verdict, hang up',
    codesPerCall: 1,
    ending: 'hang-up-after-verdict',
  },
  {
    id: 'two-then-hang-up',
    title: '2 wrong codes, hang up',
    codesPerCall: 2,
    ending: 'hang-up-after-verdict',
  },
  { id: 'full-call', title: '3 wrong codes (full call)', codesPerCall: 99, ending: 'full-call' },
  {
    id: 'hang-up-while-checking',
    title: 'hang up while the code is being checked',
    codesPerCall: 1,
    ending: 'hang-up-while-checking',
  },
  {
    id: 'cancel-after-typing',
    title: 'CANCEL during the prompt after typing (early media)',
    codesPerCall: 1,
    ending: 'hang-up-after-verdict',
    earlyMedia: true,
  },
  {
    id: 'parallel-10',
    title: '10 parallel calls typing at once',
    codesPerCall: 1,
    ending: 'hang-up-after-verdict',
    parallelCalls: 10,
  },
  {
    id: 'new-websocket',
    title: 'new registration on a new WebSocket for every call, connection dropped while checking',
    codesPerCall: 1,
    ending: 'drop-while-checking',
    devices: 'new-websocket',
  },
  {
    id: 'two-devices',
    title: 'two registered devices of one extension, alternating',
    codesPerCall: 1,
    ending: 'hang-up-after-verdict',
    devices: 'two-devices',
  },
  {
    id: 'two-extensions',
    title: 'calls spread over two extensions of one company',
    codesPerCall: 1,
    ending: 'hang-up-after-verdict',
    spreadOverExtensions: true,
  },
  {
    id: 'paced-below-quarantine',
    title: 'paced below the quarantine (waits out locks, never the last lockout)',
    codesPerCall: 1,
    ending: 'hang-up-after-verdict',
    waitOutLocks: true,
    pacedBelowQuarantine: true,
  },
  {
    id: 'wait-out-locks',
    title: 'waiting out each lock (1 code per call)',
    codesPerCall: 1,
    ending: 'hang-up-after-verdict',
    waitOutLocks: true,
  },
];

export interface AttackLimits {
  /** Stop once this many guesses were taken (the test has failed by then). */
  maxGuesses: number;
  maxCalls: number;
  /** Lock waits before giving up (waitOutLocks). */
  maxWaits: number;
  /** Parallel rounds (parallelCalls). */
  maxRounds: number;
  /**
   * Simulated time the attack may span: no new call after it, and a quarantine (nothing more to
   * take without an admin) moves the clock to its end at once instead of redialling in vain.
   */
  horizonMs?: number;
}

export interface AttackResult {
  strategy: string;
  title: string;
  calls: number;
  /** Calls the PBX refused before asking for a code, by what the attacker heard. */
  refusals: Record<string, number>;
  /** Codes typed after the PBX asked for one. */
  codesTyped: number;
  /** Codes the PBX took as guesses from the attacker's view: not refused (answered or unheard). */
  guesses: number;
  /**
   * Wrong codes the PBX answered: a wrong-PIN prompt or the goodbye after a submitted code (or, with
   * no other call running, the lock prompt right after it: that code locked the extension).
   */
  answered: number;
  /** Codes typed in parallel calls that were refused (gate closed meanwhile), maybe never checked. */
  refusedCodes: number;
  accepted: number;
  /** What the PBX recorded (`db.pinSecurity`), summed over the targets; null when it cannot say. */
  recorded: { wrongCodes: number; timeouts: number } | null;
  /** Typed codes the PBX had not decided (no pin-wrong-code/-accepted/-refused event) in time. */
  undecided: number | null;
  lockWaits: number;
  simulatedMs: number;
  /** When the gate first turned the attacker away, and how many guesses he had by then. */
  firstRefusal: { atMs: number; guesses: number } | null;
  /** Guesses per hour while the gate was still open (before the first refusal). */
  burstGuessesPerHour: number;
  guessesPerHour: number;
  answeredPerHour: number;
  /** Extensions attacked (each has its own PIN). */
  extensions: number;
  /** What the policy allows in the simulated time (allowedWrongCodes). */
  allowed: number;
}

export interface AttackEnvironment {
  pbx: PbxServer;
  addresses: PbxAddresses;
  clock: SimClock;
  rules: GateRules;
  targets: readonly Credentials[];
  /** A paid number. */
  destination: string;
  limits: AttackLimits;
}

/** The parts of the gate's contract the runner reads, looked up softly so it runs on older PBXes. */
interface GateView {
  events?: EventEmitter;
  db: { pinSecurity?(extension: string, now: number): { wrongCodes: number; timeouts: number } };
}

const DECISIONS = ['pin-wrong-code', 'pin-accepted', 'pin-refused'] as const;

export async function runAttack(strategy: Strategy, env: AttackEnvironment): Promise<AttackResult> {
  const gate = env.pbx as unknown as GateView;
  const decided = new Map<string, number>();
  const decisions = { wake: () => {} };
  const onDecision = (fields: { callId?: string }) => {
    if (fields.callId) decided.set(fields.callId, (decided.get(fields.callId) ?? 0) + 1);
    decisions.wake();
  };
  for (const name of DECISIONS) gate.events?.on(name, onDecision);
  // Calls the PBX has finished, so a strategy that drops its connection can wait until the PBX let
  // go of the call (and its PIN session) instead of redialling into "busy".
  const endedCalls = new Set<string>();
  const callEnded = { wake: () => {} };
  const onCallEnded = (fields: { callId?: string }) => {
    if (fields.callId) endedCalls.add(fields.callId);
    callEnded.wake();
  };
  gate.events?.on('call-ended', onCallEnded);
  const untilEnded = async (callId: string) => {
    const deadline = Date.now() + 20_000;
    while (gate.events && !endedCalls.has(callId)) {
      const next = new Promise<boolean>((resolve) => (callEnded.wake = () => resolve(true)));
      if (!(await within(next, deadline - Date.now(), false))) return;
    }
  };
  const typedByCall = new Map<string, number>();

  const tally = {
    calls: 0,
    refusals: {} as Record<string, number>,
    codesTyped: 0,
    guesses: 0,
    answered: 0,
    refusedCodes: 0,
    accepted: 0,
  };
  /** With ATTACK_TRACE set: what each call heard and did, for reading a failed run. */
  const trace: string[] | null = process.env['ATTACK_TRACE'] ? [] : null;
  const note = (call: AttackCall, what: string) =>
    trace?.push(`${(env.clock.elapsed() / 1000).toFixed(1)}s ${call.callId.slice(0, 6)} ${what}`);
  let nextCode = 0;
  const code = () => String(nextCode++ % 10_000).padStart(4, '0'); // the demo PINs have 6 digits: all wrong

  const phones: AttackPhone[] = [];
  const newPhone = async (target: Credentials) => {
    const phone = await AttackPhone.register(env.addresses, target);
    phones.push(phone);
    return phone;
  };
  const standing = new Map<string, AttackPhone[]>();
  for (const target of env.targets) {
    const count = strategy.devices === 'two-devices' ? 2 : strategy.devices === 'new-websocket' ? 0 : 1;
    const list: AttackPhone[] = [];
    for (let i = 0; i < count; i++) list.push(await newPhone(target));
    standing.set(target.number, list);
  }

  const seen: { firstRefusal: { atMs: number; guesses: number } | null } = { firstRefusal: null };
  const noteRefusal = (answer: Extract<GateAnswer, { kind: 'refused' }>) => {
    const key = refusalKey(answer);
    // "Busy" (another PIN session runs) does not close the gate; everything else does.
    if (!isBusy(answer)) seen.firstRefusal ??= { atMs: env.clock.elapsed(), guesses: tally.guesses };
    tally.refusals[key] = (tally.refusals[key] ?? 0) + 1;
  };

  /** One call: reach the prompt, type codes as the strategy says, end the call its way. */
  const attackCall = async (call: AttackCall, phone: AttackPhone, answer: GateAnswer) => {
    note(call, `gate ${JSON.stringify(answer)}`);
    if (answer.kind === 'refused') {
      noteRefusal(answer);
      await call.hangUp();
      await call.ended();
      return;
    }
    for (let typed = 0; typed < strategy.codesPerCall; typed++) {
      await call.submit(code());
      tally.codesTyped++;
      typedByCall.set(call.callId, (typedByCall.get(call.callId) ?? 0) + 1);
      const last = typed === strategy.codesPerCall - 1;
      if (last && strategy.ending === 'hang-up-while-checking') {
        await call.hangUp();
        tally.guesses++; // unheard: counted as a guess, the attacker cannot tell
        break;
      }
      if (last && strategy.ending === 'drop-while-checking') {
        await phone.dropConnection(call);
        tally.guesses++;
        await untilEnded(call.callId);
        break;
      }
      const verdict = await call.verdict();
      note(call, `code ${typed + 1}: ${JSON.stringify(verdict)} heard ${call.heard().join(',')}`);
      if (verdict.kind === 'refused') {
        // With no other call of the attacker running, a refusal right after his code can only be
        // that code's verdict: it was wrong and closed the gate. With parallel calls, another call's
        // code may have closed it, and this one may never have been checked.
        if (strategy.parallelCalls) tally.refusedCodes++;
        else {
          tally.guesses++;
          tally.answered++;
        }
        break;
      }
      tally.guesses++;
      if (verdict.kind === 'accepted') {
        tally.accepted++;
        break;
      }
      if (verdict.kind === 'wrong') tally.answered++;
      if (verdict.kind !== 'wrong' || !verdict.callGoesOn) break;
    }
    if (strategy.ending !== 'drop-while-checking') {
      await call.hangUp();
      await call.ended();
    }
  };

  const phoneFor = async (target: Credentials, index: number) => {
    if (strategy.devices === 'new-websocket') return newPhone(target);
    const list = standing.get(target.number) ?? [];
    const phone = list[index % list.length];
    if (!phone) throw new Error(`No phone for ${target.number}`);
    return phone;
  };

  let waits = 0;
  try {
    if (strategy.parallelCalls) {
      const [target] = env.targets;
      if (!target) throw new Error('No target');
      for (let round = 0; round < env.limits.maxRounds && tally.guesses <= env.limits.maxGuesses; round++) {
        const phone = await phoneFor(target, 0);
        const calls = Array.from({ length: strategy.parallelCalls }, () =>
          phone.dial(env.destination, strategy.earlyMedia ?? false),
        );
        tally.calls += calls.length;
        // Every call reaches the prompt first, then all type at the same moment.
        const answers = await Promise.all(calls.map((call) => call.gate()));
        await Promise.all(calls.map((call, i) => attackCall(call, phone, answers[i] ?? { kind: 'open' })));
        if (!answers.every((answer) => answer.kind === 'refused')) continue;
        if (!strategy.waitOutLocks || waits >= env.limits.maxWaits) break;
        env.clock.advance(env.rules.lockMs);
        waits++;
      }
    } else {
      let refusedInARow = 0;
      const pace = { locks: 0, lastLockAt: 0, guessesAtLastLock: 0 };
      const horizonMs = env.limits.horizonMs ?? Infinity;
      while (
        tally.calls < env.limits.maxCalls &&
        tally.guesses <= env.limits.maxGuesses &&
        env.clock.elapsed() < horizonMs
      ) {
        if (
          strategy.pacedBelowQuarantine &&
          pace.locks >= env.rules.lockoutsToQuarantine - 1 &&
          tally.guesses - pace.guessesAtLastLock >= env.rules.wrongCodesToLock - 1
        ) {
          if (waits >= env.limits.maxWaits) break;
          const until = pace.lastLockAt + env.rules.quarantineWindowMs + 1;
          env.clock.advance(Math.max(0, until - env.clock.now()));
          waits++;
          pace.locks = 0;
          pace.guessesAtLastLock = tally.guesses;
        }
        const target = env.targets[strategy.spreadOverExtensions ? tally.calls % env.targets.length : 0];
        if (!target) throw new Error('No target');
        const phone = await phoneFor(target, tally.calls);
        const call = phone.dial(env.destination, strategy.earlyMedia ?? false);
        tally.calls++;
        const answer = await call.gate();
        await attackCall(call, phone, answer);
        if (strategy.devices === 'new-websocket') await phone.stop();
        if (answer.kind === 'open') {
          refusedInARow = 0;
          continue;
        }
        // Busy (the PBX still holds the last call's PIN session, e.g. after a dropped connection): redial.
        if (isBusy(answer)) continue;
        refusedInARow++;
        const everyTargetRefused = refusedInARow >= (strategy.spreadOverExtensions ? env.targets.length : 1);
        if (!everyTargetRefused) continue;
        if (!strategy.waitOutLocks || waits >= env.limits.maxWaits) break;
        if (answer.kind === 'refused' && answer.heard === 'quarantined' && horizonMs < Infinity) {
          env.clock.advance(Math.max(0, horizonMs - env.clock.elapsed()));
          waits++;
          break;
        }
        if (answer.kind === 'refused' && answer.heard === 'locked') {
          pace.locks++;
          pace.lastLockAt = env.clock.now();
          pace.guessesAtLastLock = tally.guesses;
        }
        env.clock.advance(env.rules.lockMs);
        waits++;
        refusedInARow = 0;
      }
    }
    const undecided = gate.events ? await waitForDecisions(typedByCall, decided, decisions) : null;
    const simulatedMs = env.clock.elapsed();
    const recorded = gate.db.pinSecurity
      ? env.targets.reduce(
          (sum, target) => {
            const view = gate.db.pinSecurity?.(target.number, env.clock.now());
            return {
              wrongCodes: sum.wrongCodes + (view?.wrongCodes ?? 0),
              timeouts: sum.timeouts + (view?.timeouts ?? 0),
            };
          },
          { wrongCodes: 0, timeouts: 0 },
        )
      : null;
    if (trace) console.info(trace.join('\n'));
    return {
      strategy: strategy.id,
      title: strategy.title,
      ...tally,
      recorded,
      undecided,
      lockWaits: waits,
      simulatedMs,
      firstRefusal: seen.firstRefusal,
      burstGuessesPerHour: seen.firstRefusal
        ? perHour(seen.firstRefusal.guesses, seen.firstRefusal.atMs)
        : perHour(tally.guesses, simulatedMs),
      guessesPerHour: perHour(tally.guesses, simulatedMs),
      answeredPerHour: perHour(tally.answered, simulatedMs),
      extensions: strategy.spreadOverExtensions ? env.targets.length : 1,
      allowed: allowedWrongCodes(
        env.rules,
        simulatedMs,
        strategy.spreadOverExtensions ? env.targets.length : 1,
      ),
    };
  } finally {
    for (const name of DECISIONS) gate.events?.off(name, onDecision);
    gate.events?.off('call-ended', onCallEnded);
    await Promise.all(phones.map((phone) => phone.stop()));
  }
}

const refusalKey = (answer: Extract<GateAnswer, { kind: 'refused' }>) =>
  answer.heard ?? `sip ${answer.status ?? ''} ${answer.reason ?? ''}`.trim();

const isBusy = (answer: GateAnswer) => answer.kind === 'refused' && /busy|486/i.test(refusalKey(answer));

/**
 * Waits until the PBX decided every typed code (one decision event per code), bounded: codes still
 * undecided then are returned, and the tests require none.
 */
async function waitForDecisions(
  typed: Map<string, number>,
  decided: Map<string, number>,
  decisions: { wake: () => void },
) {
  const undecided = () =>
    [...typed].reduce((sum, [callId, count]) => sum + Math.max(0, count - (decided.get(callId) ?? 0)), 0);
  const deadline = Date.now() + 20_000;
  while (undecided() > 0) {
    const another = new Promise<boolean>((resolve) => (decisions.wake = () => resolve(true)));
    if (!(await within(another, deadline - Date.now(), false))) break;
  }
  return undecided();
}
