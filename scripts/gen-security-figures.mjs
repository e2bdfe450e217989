#!/usr/bin/env node
/**
 * Writes the measured PIN-guessing figures of docs/security.md (between `<!-- attack:begin -->` and
 * `<!-- attack:end -->`) and the mutation score (between `<!-- mutation:begin -->` and
 * `<!-- mutation:end -->`) from result files, so no figure there is typed by hand:
 *
 * - bench/results/attack.json            `npm run attack` with the default rules (after the fix)
 * - bench/results/attack-before-fix.json the same campaign against the PBX before issue #10, if kept
 * - bench/results/mutation.json          summary of Stryker's JSON report; refreshed from
 *                                        reports/mutation/mutation.json when that exists
 *
 * and the worst case the default rules allow (between `<!-- bound:begin -->` and `<!-- bound:end -->`),
 * computed with `guessingBound` and `DEFAULT_LOCKOUT_RULES` from test/pbx/ivr/lockout.ts (the rules
 * the PBX enforces), next to the measured best strategy.
 *
 *   node scripts/gen-security-figures.mjs [--check]   (--check: fail if the doc is out of date)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { tsImport } from 'tsx/esm/api';

const {
  DEFAULT_LOCKOUT_RULES,
  DEFAULT_CODE_LIMITS,
  guessingBound,
  expectedGuessesToHit,
  expectedGuessesLowerBound,
  codeLimitsWorstCase,
  mostCodesHolding,
} = await tsImport('../test/pbx/ivr/lockout.ts', import.meta.url);

const DOC = 'docs/security.md';
const ATTACK = 'bench/results/attack.json';
const BEFORE = 'bench/results/attack-before-fix.json';
const STRYKER_REPORT = 'reports/mutation/mutation.json';
const MUTATION = 'bench/results/mutation.json';

const number = (value, digits = 0) =>
  new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(
    value,
  );
const HOUR = 3_600_000;
const duration = (ms) => {
  if (ms >= 48 * HOUR) return `${number(ms / (24 * HOUR), 1)} days`;
  if (ms >= 2 * HOUR) return `${number(ms / HOUR, 1)} h`;
  return `${number(ms / 60_000, 1)} min`;
};
const expectedGuesses = (digits) => (10 ** digits + 1) / 2;
/** Expected time to hit a random code of `digits` digits at `perHour` guesses an hour, in words. */
const expectedTime = (digits, perHour) => {
  if (perHour <= 0) return 'never (no guesses)';
  const hours = expectedGuesses(digits) / perHour;
  if (hours >= 2 * 24 * 365) return `${number(hours / 24 / 365, 1)} years`;
  if (hours >= 48) return `${number(hours / 24, 1)} days`;
  return `${number(hours, 1)} hours`;
};
const ruleText = (rules) => {
  const parts = [
    `lock after ${rules.wrongCodesToLock} wrong codes within ${duration(rules.windowMs)} for ${duration(rules.lockMs)}`,
  ];
  if (rules.lockoutsToQuarantine)
    parts.push(
      `lockout number ${rules.lockoutsToQuarantine} within ${duration(rules.quarantineWindowMs)} quarantines the extension until an admin unlocks it`,
    );
  if (rules.maxPinSessionsPerExtension)
    parts.push(`${rules.maxPinSessionsPerExtension} PIN session(s) per extension at a time`);
  if (rules.wrongCodesPerSourceToBlock)
    parts.push(
      `a source with ${rules.wrongCodesPerSourceToBlock} wrong codes is blocked for ${duration(rules.sourceBlockMs)}`,
    );
  return parts.join('; ');
};
const best = (strategies, key) => strategies.reduce((a, b) => (key(b) > key(a) ? b : a));
/** Each extension has its own PIN: a strategy spread over n extensions guesses each at 1/n the rate. */
const extensionsOf = (s) => s.extensions ?? (s.strategy === 'two-extensions' ? 2 : 1);
const perPin = (s) => s.guessesPerHour / extensionsOf(s);

function attackSection() {
  if (!existsSync(ATTACK)) return `_No attack results yet: run \`npm run attack\`._`;
  const run = JSON.parse(readFileSync(ATTACK, 'utf8'));
  const rows = run.strategies.map(
    (s) =>
      `| ${s.title} | ${s.calls} | ${s.guesses} | ${s.recorded ? s.recorded.wrongCodes : 'n/a'} | ${s.allowed} | ` +
      `${duration(s.simulatedMs)} | ${number(perPin(s), 2)} | ${number(s.burstGuessesPerHour, 0)} |`,
  );
  const top = best(run.strategies, perPin);
  const quarantined = (top.refusals.quarantined ?? 0) > 0;
  const lines = [
    `Measured by \`npm run attack\` (${run.generatedAt.slice(0, 10)}, \`${ATTACK}\`): an autodialer of its own`,
    '(`test/security/attack/`, sip.js + werift, it hears the prompts by their audio) runs each strategy against a',
    `fresh PBX with the default rules — ${ruleText(run.rules)} — and waits out every lock`,
    `on a simulated clock, for up to ${duration(run.horizonMs)} of simulated time or ${run.maxCalls} calls. _Guesses_ are codes the`,
    'PBX took (answered with a wrong-PIN prompt or goodbye, or not refused), _recorded_ what the PBX counted',
    '(`db.pinSecurity`), _allowed_ what the rules allow in that time (`allowedWrongCodes`).',
    '',
    '| Strategy | Calls | Guesses | Recorded | Allowed | Simulated time | Guesses/h per PIN (whole run) | Guesses/h (until first refused) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `${run.held ? 'Every strategy stayed within the budget.' : '**Some strategy got more guesses than the rules allow.**'}`,
    `Each extension has its own PIN, so a strategy spread over n extensions guesses each PIN at 1/n of its rate.`,
    `The best strategy against one PIN, _${top.title}_, got **${number(perPin(top), 2)} guesses per hour** over the run. At that rate`,
    `a random 4-digit PIN (${number(expectedGuesses(4), 1)} guesses on average) takes **${expectedTime(4, perPin(top))}**, a`,
    `6-digit PIN **${expectedTime(6, perPin(top))}**` +
      (quarantined
        ? ' — and keeping that rate needs an admin to lift every quarantine, since a quarantined extension takes no more guesses at all.'
        : ', with no admin ever lifting anything: it stays below the quarantine. More sources do not help: the budget is per extension.'),
  ];
  if (existsSync(BEFORE)) {
    const before = JSON.parse(readFileSync(BEFORE, 'utf8'));
    const worst = best(before.strategies, perPin);
    const single = best(
      before.strategies.filter((s) => s.strategy === 'one-then-hang-up'),
      perPin,
    );
    lines.push(
      '',
      `Before issue #10 (the campaign against the old PBX, at most ${before.maxCalls} calls per strategy, \`${BEFORE}\`), _${worst.title}_ got`,
      `${number(perPin(worst), 0)} guesses per hour and was never refused: a 4-digit PIN in`,
      `${expectedTime(4, perPin(worst))}, a 6-digit PIN in ${expectedTime(6, perPin(worst))}; one dialler typing _1 code and hanging up_`,
      `got ${number(perPin(single), 0)} an hour, never counted.`,
    );
  }
  return lines.join('\n');
}

/**
 * What the default rules allow at most against one PIN, whatever the strategy: `guessingBound` (the
 * attacker types instantly, never waits for a prompt, and uses as many sources as it likes). Three
 * cases: no admin ever lifts a quarantine (the attacker paces below it), an admin lifts each one after a
 * day, and a careless admin who lifts each one after an hour.
 */
function boundSection() {
  const rules = DEFAULT_LOCKOUT_RULES;
  const DAY = 24 * HOUR;
  const perDay = (bound) => bound.guessesPerDay;
  const never = guessingBound(rules, { digits: 4, adminLiftsQuarantineAfterMs: Number.POSITIVE_INFINITY });
  const cases = [
    { title: 'no admin lifts a quarantine (paced below it)', lift: Number.POSITIVE_INFINITY },
    { title: 'an admin lifts each quarantine after a day', lift: DAY },
    { title: 'an admin lifts each quarantine after an hour', lift: HOUR },
  ].map((c) => ({
    ...c,
    four: guessingBound(rules, { digits: 4, adminLiftsQuarantineAfterMs: c.lift }),
    six: guessingBound(rules, { digits: 6, adminLiftsQuarantineAfterMs: c.lift }),
  }));
  const days = (bound) =>
    `${number(bound.expectedDays, 0)} days (${number(bound.expectedDays / 365, 1)} years)`;
  const windows = Math.ceil(rules.quarantineWindowMs / rules.windowMs);
  const pacedPerWindow =
    (rules.lockoutsToQuarantine - 1) * rules.wrongCodesToLock + (rules.wrongCodesToLock - 1) * windows;
  // The same count in words; it must agree with guessingBound (a changed formula fails the script).
  if (Math.abs((pacedPerWindow * DAY) / rules.quarantineWindowMs - never.pacedGuessesPerDay) > 1e-9)
    throw new Error('the paced count in words disagrees with guessingBound');
  const lines = [
    'The attack table shows what the strategies got; this is what the default rules allow at most against',
    'one PIN, whatever the strategy (`guessingBound` in `test/pbx/ivr/lockout.ts`, with `DEFAULT_LOCKOUT_RULES`;',
    'the attacker is assumed to type instantly and to use as many source addresses as it likes).',
    '',
    `Without a quarantine the attacker stays below it: ${rules.lockoutsToQuarantine - 1} locks × ${rules.wrongCodesToLock} wrong codes +`,
    `${rules.wrongCodesToLock - 1} more that do not lock = **${number(pacedPerWindow, 0)} codes per ${duration(rules.quarantineWindowMs)}**`,
    `(${number(perDay(never) / 24, 2)} per hour): a random 4-digit PIN takes ${days(never)} on average.`,
    '',
    '| Case | Codes per day | Codes per hour | Expected time, 4-digit PIN | Expected time, 6-digit PIN |',
    '| --- | --- | --- | --- | --- |',
    ...cases.map(
      (c) =>
        `| ${c.title} | ${number(perDay(c.four), 1)} | ${number(perDay(c.four) / 24, 2)} | ${days(c.four)} | ${days(c.six)} |`,
    ),
  ];
  if (existsSync(ATTACK)) {
    const run = JSON.parse(readFileSync(ATTACK, 'utf8'));
    const top = best(run.strategies, perPin);
    lines.push(
      '',
      `The measured best strategy (_${top.title}_, ${number(perPin(top), 2)} guesses per hour) stays below the`,
      `no-lift bound of ${number(perDay(never) / 24, 2)} per hour: it loses time to prompts and call set-up, which the bound ignores.`,
      'Admins should lift a quarantine only after finding out why it happened: every early lift buys the attacker',
      'another round of locks (last row).',
    );
  }
  // Issue #14: several personal codes on one extension; any of them opens its calls. The code limits
  // (DEFAULT_CODE_LIMITS, enforced by the admin API) are what keeps the year.
  const limits = DEFAULT_CODE_LIMITS;
  const withCodes = (digits, k) => {
    const bound = guessingBound(rules, {
      digits,
      adminLiftsQuarantineAfterMs: Number.POSITIVE_INFINITY,
      validCodes: k,
    });
    // The same figure from the formula in words; a changed formula fails the script.
    if (Math.abs(bound.expectedGuesses - expectedGuessesToHit(digits, k)) > 1e-9)
      throw new Error('expectedGuessesToHit disagrees with guessingBound');
    return bound;
  };
  const allowed = (k) => codeLimitsWorstCase(rules, { ...limits, maxCodesPerExtension: k });
  const worst = allowed(limits.maxCodesPerExtension);
  const most = mostCodesHolding(rules, limits, 365);
  if (worst.expectedDays < 365)
    throw new Error(
      'the code limits no longer keep a year: lower MAX_CODES_PER_EXTENSION or raise PERSONAL_CODE_MIN_DIGITS',
    );
  const codeCounts = [...new Set([1, 2, 3, 5, 10, limits.maxCodesPerExtension])].sort((a, b) => a - b);
  const std = limits.standardCodeMinDigits;
  const personal = limits.personalCodeMinDigits;
  lines.push(
    '',
    '**Several codes on one extension** (personal codes, issue #14). Any valid code of the extension opens its',
    'calls, so with _k_ codes each guess is _k_ times as likely to hit one: a random guesser needs (10^digits + 1) / (k + 1)',
    'guesses on average instead of (10^digits + 1) / 2 (`expectedGuessesToHit`). The budget stays per extension,',
    'not per code, so the time shrinks by about (k + 1) / 2. Left alone, an admin could weaken the gate just by adding',
    `codes: ${std}-digit codes no longer hold a year from 2 codes on. So the PBX sets limits, by rule:`,
    '',
    `- a personal code added through the codes API has at least **${personal} digits** (\`400 code-too-short\`);`,
    `  the extension's Standard code, set by the set-PIN call, keeps ${std} to 16 digits, so nothing set before breaks;`,
    `- an extension holds at most **${limits.maxCodesPerExtension} codes**, its Standard code and disabled or expired codes included`,
    '  (`409 too-many-codes`, also for a set-PIN call that would make a new Standard code).',
    '',
    '`PERSONAL_CODE_MIN_DIGITS` and `MAX_CODES_PER_EXTENSION` (`shared/policy/unlock-code.ts`, where the admin form',
    'reads them too) are re-exported next to `DEFAULT_LOCKOUT_RULES` as `DEFAULT_CODE_LIMITS`; the API, this table and',
    '`test/unit/pbx/code-limits.test.ts` use them. The worst case they allow is a',
    `${std}-digit Standard code plus ${limits.maxCodesPerExtension - 1} personal codes of ${personal} digits. Codes of different lengths`,
    'are bounded from below (`expectedGuessesLowerBound`): each guess is one string of one length, so after _g_ guesses',
    'a code of _d_ digits has been tried with probability at most _g_ / 10^d, whatever the strategy, also one that knows',
    'every length. At the no-lift bound above:',
    '',
    `| Codes on the extension | All ${std}-digit (not allowed: personal codes are longer) | All ${personal}-digit | ${std}-digit Standard + ${personal}-digit personal codes (allowed), at least |`,
    '| --- | --- | --- | --- |',
    ...codeCounts.map(
      (k) => `| ${k} | ${days(withCodes(std, k))} | ${days(withCodes(personal, k))} | ${days(allowed(k))} |`,
    ),
    `| ${limits.maxCodesPerExtension + 1} (refused) | ${days(withCodes(std, limits.maxCodesPerExtension + 1))} | ${days(withCodes(personal, limits.maxCodesPerExtension + 1))} | ${days(allowed(limits.maxCodesPerExtension + 1))} |`,
    '',
    `The worst case the limits allow needs at least ${number(worst.expectedGuesses, 1)} guesses on average: **${days(worst)}**`,
    `at ${number(worst.guessesPerDay, 1)} codes a day, with no admin lifting anything. ${most} codes is the most that keeps a year; with`,
    `${most + 1} it would be ${days(allowed(most + 1))}, with personal codes of ${personal - 1} digits ${days(codeLimitsWorstCase(rules, { ...limits, personalCodeMinDigits: personal - 1 }))}.`,
    `The unit test fails when either limit is loosened that far, and this script refuses to write the page.`,
  );
  if (Math.abs(expectedGuessesLowerBound([std]) - expectedGuessesToHit(std, 1)) > 1e-6)
    throw new Error('expectedGuessesLowerBound disagrees with expectedGuessesToHit for one code');
  lines.push(
    '',
    `**Sources are IP addresses.** The per-source block (${rules.wrongCodesPerSourceToBlock} wrong codes across all extensions`,
    `within ${duration(rules.windowMs)} block the address for ${duration(rules.sourceBlockMs)}) keys on the caller's transport address as the PBX sees it.`,
    'Everyone behind one NAT address shares it: one guesser there blocks PIN calls for all of them (emergency',
    'and free calls never reach the PIN gate, and the block ends only the PIN sessions from that address). An',
    'attacker with many addresses — an IPv6 prefix hands out more than it will ever need — is not slowed by the',
    'block at all. What holds either way is the per-extension budget: it counts wrong codes from every source',
    `together, so however many addresses an attacker rotates through, one PIN gets no more than the bound above`,
    `(${number(perDay(never), 0)} codes a day without a lifted quarantine); more addresses only let it spread over more extensions, each with its own PIN and budget.`,
  );
  return lines.join('\n');
}

function summariseStryker() {
  const report = JSON.parse(readFileSync(STRYKER_REPORT, 'utf8'));
  const files = Object.entries(report.files).map(([path, file]) => {
    const count = (status) => file.mutants.filter((mutant) => mutant.status === status).length;
    const killed = count('Killed') + count('Timeout');
    const survived = count('Survived');
    const noCoverage = count('NoCoverage');
    return { path, killed, survived, noCoverage, total: killed + survived + noCoverage };
  });
  const sum = (key) => files.reduce((total, file) => total + file[key], 0);
  return {
    generatedAt: new Date().toISOString(),
    files,
    killed: sum('killed'),
    survived: sum('survived'),
    noCoverage: sum('noCoverage'),
    total: sum('total'),
  };
}

function mutationSection() {
  // --check only reads: it must not rewrite the summary (its time stamp) behind the caller's back.
  if (existsSync(STRYKER_REPORT) && !process.argv.includes('--check'))
    writeFileSync(MUTATION, `${JSON.stringify(summariseStryker(), null, 2)}\n`);
  if (!existsSync(MUTATION)) return '_No mutation run yet: run `npm run test:mutation`._';
  const run = JSON.parse(readFileSync(MUTATION, 'utf8'));
  const score = (file) => (file.total ? (100 * file.killed) / file.total : 0);
  return [
    `Stryker (\`npm run test:mutation\`, ${run.generatedAt.slice(0, 10)}, \`${MUTATION}\`): **${number(score(run), 1)} %**`,
    `of ${run.total} mutants killed (${run.survived} survived, ${run.noCoverage} not covered).`,
    '',
    '| Module | Mutants | Killed | Survived | No coverage | Score |',
    '| --- | --- | --- | --- | --- | --- |',
    ...run.files.map(
      (file) =>
        `| \`${file.path}\` | ${file.total} | ${file.killed} | ${file.survived} | ${file.noCoverage} | ${number(score(file), 1)} % |`,
    ),
  ].join('\n');
}

function replaceBetween(text, name, body) {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${DOC} has no ${begin} … ${end} section`);
  return `${text.slice(0, from + begin.length)}\n<!-- generated by scripts/gen-security-figures.mjs; do not edit -->\n\n${body}\n\n${text.slice(to)}`;
}

const current = readFileSync(DOC, 'utf8');
const next = await format(
  replaceBetween(
    replaceBetween(replaceBetween(current, 'attack', attackSection()), 'bound', boundSection()),
    'mutation',
    mutationSection(),
  ),
  { ...(await resolveConfig(DOC)), filepath: DOC },
);
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error(`${DOC} is out of date: run node scripts/gen-security-figures.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(DOC, next);
  console.log(`wrote ${DOC}`);
}
