import type { ProfileSummary } from './lib/profile';
import type { ResultFile } from './lib/report';
import { round } from './lib/stats';
import type { benchRegistrar } from './registrar';

/**
 * The registrar section's verdict in docs/benchmarks.md (called by bench/write-docs.ts): whether
 * Tollgate reached 1 × kamailio and, where it did not, what stops it — the per-worker reference and
 * the profile, every figure read from bench/results/registrar.json and profile-registrar.json.
 */
type RegistrarResult = Awaited<ReturnType<typeof benchRegistrar>>['result'];
type Entry = NonNullable<RegistrarResult['kamailio']>;
type Kind = 'connectRegister' | 'reregister';

const WHAT: Record<Kind, string> = {
  connectRegister: 'connect + challenge + register',
  reregister: 're-registrations',
};

function perWorker(registrar: RegistrarResult, kind: Kind): string | null {
  const one = (registrar as { kamailioOneWorker?: Entry | null }).kamailioOneWorker;
  if (!one) return null;
  const ours = registrar.tollgate[kind].perSecond;
  const theirs = one[kind].perSecond;
  if (!(theirs > 0)) return null;
  return `${WHAT[kind]}: ${round(ours / theirs, 2)} × kamailio with one TCP worker (${ours} against ${theirs} /s${one[kind].stable ? '' : `, its windows not stable: ${one[kind].reasons.join('; ')}`})`;
}

function profileLine(profile: ResultFile<ProfileSummary> | null): string {
  if (!profile) return 'No profile of the registrar yet (`npm run bench:profile -- --only=registrar`).';
  const { byArea, byFunction, busyPercent } = profile.result;
  const top = (entries: readonly { name: string; selfPercent: number }[], count: number) =>
    entries
      .slice(0, count)
      .map((entry) => `${entry.name} ${entry.selfPercent} %`)
      .join(', ');
  return `Its profile (${profile.measuredAt.slice(0, 10)}, the PBX busy ${busyPercent} % of the run): by area ${top(byArea, 6)}; by function ${top(byFunction, 6)}.`;
}

export function registrarVerdict(
  registrar: RegistrarResult,
  profile: ResultFile<ProfileSummary> | null,
): string {
  const kinds: Kind[] = ['connectRegister', 'reregister'];
  const missed = kinds.filter((kind) => {
    const ratio = registrar.ratio[kind].ratio;
    return ratio === null || ratio < 1;
  });
  if (missed.length === 0)
    return 'Tollgate reached 1 × kamailio on both figures (median window to median window).';
  const references = kinds.flatMap((kind) => {
    const line = perWorker(registrar, kind);
    return line ? [line] : [];
  });
  return `**What stops 1 × kamailio** (${missed.map((kind) => WHAT[kind]).join(' and ')}): Tollgate's registrar is one
Node thread — WebSocket framing, the SIP scanner, digest checks and the registrar all run on it —
while kamailio spreads the same connections over its TCP workers, and on this machine's cores the
load generator runs too. Per worker, the same run measured ${references.length > 0 ? references.join('; ') : 'no one-worker reference (this result has none)'}.
${profileLine(profile)} The SIP parsing that took most of the time before is a strict scanner now
(\`test/pbx/sip/fast-parse.ts\`, checked against sip.js's grammar message for message); what is left
is mostly the socket writes (\`writev\`: a system call per answer, as in any registrar), Node's own
stream and WebSocket code, garbage collection and the digest's hashing. Going further needs more
than one thread: several processes each holding WebSocket connections, with the bindings and nonce
counts kept in one place (the registrar's state must stay consistent for calls and replay checks) —
not done yet.`;
}
