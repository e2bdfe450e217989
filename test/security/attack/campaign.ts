import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_LOCKOUT_RULES } from '../../pbx/ivr/lockout';
import type { PbxOptions } from '../../pbx/server';
import { DEMO, startTestPbx } from '../../support/pbx-fixture';
import { type GateRules, HOUR_MS } from './budget';
import { SimClock } from './sim-clock';
import { type AttackResult, runAttack, STRATEGIES } from './strategies';

/**
 * `npm run attack`: every strategy against a fresh PBX with the default lockout rules, each waiting
 * out every lock for up to two simulated days (a quarantine ends the attack: nothing more to take), and the results in
 * `bench/results/attack.json`, from which `scripts/gen-security-figures.mjs` writes the guessing
 * figures of `docs/security.md`.
 *
 *   npm run attack -- [--only <strategy id>] [--hours 48] [--max-calls 120] [--out path]
 */
const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    hours: { type: 'string', default: '48' },
    'max-calls': { type: 'string', default: '120' },
    out: { type: 'string', default: 'bench/results/attack.json' },
  },
});

const rules: GateRules = DEFAULT_LOCKOUT_RULES;
const horizonMs = Number(values.hours) * HOUR_MS;
const maxCalls = Number(values['max-calls']);

const results: AttackResult[] = [];
// Parallel calls are left to the test suite (one PIN session per extension makes them a slower
// sequential attack; with more sessions allowed the lock still comes at exactly the budget).
const chosen = STRATEGIES.filter((candidate) =>
  values.only ? candidate.id === values.only : !candidate.parallelCalls,
);
for (const strategy of chosen) {
  const clock = new SimClock();
  const { pbx, addresses } = await startTestPbx({
    now: clock.now,
    ...(strategy.earlyMedia ? { promptStyle: 'early-media' as const } : {}),
  } satisfies Partial<PbxOptions>);
  try {
    const result = await runAttack(
      { ...strategy, waitOutLocks: true },
      {
        pbx,
        addresses,
        clock,
        rules,
        targets: strategy.spreadOverExtensions
          ? [DEMO.protectedExtension, DEMO.addOnExtension]
          : [DEMO.protectedExtension],
        destination: '0301234567',
        limits: {
          maxGuesses: 10_000,
          maxCalls,
          maxWaits: Math.ceil(horizonMs / rules.lockMs),
          maxRounds: strategy.parallelCalls ? 3 : 1,
          horizonMs,
        },
      },
    );
    results.push(result);
    console.log(
      `${result.strategy}: ${result.guesses} guesses (recorded ${result.recorded?.wrongCodes ?? 'n/a'}, ` +
        `allowed ${result.allowed}) in ${(result.simulatedMs / HOUR_MS).toFixed(2)} simulated h = ` +
        `${result.guessesPerHour.toFixed(2)}/h; while open ${result.burstGuessesPerHour.toFixed(0)}/h; ` +
        `${result.calls} calls, refusals ${JSON.stringify(result.refusals)}`,
    );
  } finally {
    await pbx.stop();
  }
}

// Results of strategies not run this time are kept from the last run (`--only` reruns one).
const previous: AttackResult[] = existsSync(values.out)
  ? (JSON.parse(readFileSync(values.out, 'utf8')) as { strategies: AttackResult[] }).strategies
  : [];
const ran = new Set(results.map((result) => result.strategy));
const all = [...previous.filter((result) => !ran.has(result.strategy)), ...results].sort(
  (a, b) =>
    STRATEGIES.findIndex((s) => s.id === a.strategy) - STRATEGIES.findIndex((s) => s.id === b.strategy),
);
const held = all.every((result) => result.guesses <= result.allowed);
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(
  values.out,
  `${JSON.stringify(
    {
      generatedAt: new Date().toISOString(),
      node: process.version,
      horizonMs,
      maxCalls,
      rules: Object.fromEntries(
        Object.entries(rules).map(([key, value]) => [key, Number.isFinite(value) ? value : null]),
      ),
      held,
      strategies: all,
    },
    null,
    2,
  )}\n`,
);
console.log(`${held ? 'held' : 'NOT HELD'}; wrote ${values.out}`);
process.exit(held ? 0 : 1);
