import { PolicySchema, type Policy } from '../../../shared/policy/policy';
import { readEventStream } from '../../../shared/policy/event-stream';

/**
 * Fetches the extension policy from the PBX, keeps it fresh through the PBX's push channel and
 * caches the last one. The policy only informs the UI: the PBX enforces the PIN either way.
 */
export type PolicyStatus =
  | { kind: 'no-api' }
  | { kind: 'loading' }
  | { kind: 'fresh'; policy: Policy; fetchedAt: number }
  | { kind: 'stale'; policy: Policy; fetchedAt: number; problem: PolicyProblem; failures: number }
  | { kind: 'unavailable'; problem: PolicyProblem; failures: number };

export type PolicyProblem = 'network' | 'credentials' | 'invalid-response' | 'server';

export interface PolicyClientDeps {
  fetch: typeof fetch;
  storage: Storage;
  now(): number;
  /** Delay before the n-th reconnect attempt. */
  backoffMs(attempt: number): number;
}

interface CachedPolicy {
  policy: Policy;
  fetchedAt: number;
}

export const defaultBackoff = (attempt: number): number =>
  Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5));

/** After this many failed attempts in a row the Konto tab says "policy API unreachable". */
export const POLICY_UNREACHABLE_AFTER = 3;
/** The longest wait between two attempts. */
export const POLICY_BACKOFF_CAP_MS = 10 * 60_000;

/**
 * Exponential backoff with "equal jitter": half of the capped delay fixed, half random, so many
 * phones behind one PBX do not retry in step, and a wrong address is asked about every few
 * minutes rather than every 30 s forever. `random` is in [0, 1).
 */
export function policyBackoff(attempt: number, random: number): number {
  const capped = Math.min(POLICY_BACKOFF_CAP_MS, 2_000 * 2 ** Math.min(attempt, 20));
  return Math.round(capped / 2 + (capped / 2) * random);
}

/** Whether the API has failed often enough in a row to tell the user (and offer a retry). */
export function policyUnreachable(status: PolicyStatus): boolean {
  return (
    (status.kind === 'stale' || status.kind === 'unavailable') && status.failures >= POLICY_UNREACHABLE_AFTER
  );
}

export class PolicyClient {
  private status: PolicyStatus = { kind: 'loading' };
  private readonly listeners = new Set<(status: PolicyStatus) => void>();
  private token: string | null = null;
  private abort: AbortController | null = null;
  private stopped = false;
  private attempt = 0;
  /** Failed attempts in a row, reset by the first good policy. */
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly apiUrl: string,
    private readonly extension: string,
    private readonly password: string,
    private readonly deps: PolicyClientDeps,
  ) {
    const cached = this.readCache();
    if (cached)
      this.status = {
        kind: 'stale',
        policy: cached.policy,
        fetchedAt: cached.fetchedAt,
        problem: 'network',
        failures: 0,
      };
  }

  get current(): PolicyStatus {
    return this.status;
  }

  subscribe(listener: (status: PolicyStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  /** Fetch again now (after the network came back, or the user pressed "Retry"); backoff restarts. */
  refresh(): void {
    if (this.stopped) return;
    this.attempt = 0;
    this.abort?.abort();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    void this.connect();
  }

  private async connect(): Promise<void> {
    const controller = new AbortController();
    this.abort = controller;
    try {
      if (!this.token) this.token = await this.signIn(controller.signal);
      const response = await this.deps.fetch(`${this.apiUrl}/policy/events`, {
        headers: { Authorization: `Bearer ${this.token}` },
        signal: controller.signal,
      });
      if (response.status === 401) {
        this.token = null;
        throw new PolicyFailure('credentials');
      }
      if (!response.ok || !response.body) throw new PolicyFailure('server');
      await readEventStream(response.body, (event) => {
        if (event.event === 'policy') this.accept(event.data);
      });
      throw new PolicyFailure('network');
    } catch (error) {
      if (this.stopped || controller.signal.aborted) return;
      const problem = error instanceof PolicyFailure ? error.problem : 'network';
      this.fail(problem);
      // Wrong credentials will not fix themselves quickly: retry, but slowly.
      const delay = this.deps.backoffMs(
        problem === 'credentials' ? Math.max(5, this.attempt++) : this.attempt++,
      );
      this.retryTimer = setTimeout(() => void this.connect(), delay);
    }
  }

  private async signIn(signal: AbortSignal): Promise<string> {
    const response = await this.deps.fetch(`${this.apiUrl}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ extension: this.extension, password: this.password }),
      signal,
    });
    if (response.status === 401 || response.status === 400) throw new PolicyFailure('credentials');
    if (!response.ok) throw new PolicyFailure('server');
    const body = (await response.json().catch(() => null)) as { token?: unknown } | null;
    if (typeof body?.token !== 'string') throw new PolicyFailure('invalid-response');
    return body.token;
  }

  private accept(data: string): void {
    let parsed: ReturnType<typeof PolicySchema.safeParse>;
    try {
      parsed = PolicySchema.safeParse(JSON.parse(data));
    } catch {
      return this.fail('invalid-response');
    }
    if (!parsed.success) return this.fail('invalid-response');
    this.attempt = 0;
    this.failures = 0;
    const fetchedAt = this.deps.now();
    this.writeCache({ policy: parsed.data, fetchedAt });
    this.set({ kind: 'fresh', policy: parsed.data, fetchedAt });
  }

  private fail(problem: PolicyProblem): void {
    const last = this.status.kind === 'fresh' || this.status.kind === 'stale' ? this.status : null;
    const cached = last ?? this.readCache();
    const failures = ++this.failures;
    this.set(
      cached
        ? { kind: 'stale', policy: cached.policy, fetchedAt: cached.fetchedAt, problem, failures }
        : { kind: 'unavailable', problem, failures },
    );
  }

  private set(status: PolicyStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }

  private get cacheKey(): string {
    return `tollgate.policy:${this.apiUrl}:${this.extension}`;
  }

  private readCache(): CachedPolicy | null {
    try {
      const raw = JSON.parse(this.deps.storage.getItem(this.cacheKey) ?? 'null') as {
        policy?: unknown;
        fetchedAt?: unknown;
      } | null;
      const policy = PolicySchema.safeParse(raw?.policy);
      return policy.success && typeof raw?.fetchedAt === 'number'
        ? { policy: policy.data, fetchedAt: raw.fetchedAt }
        : null;
    } catch {
      return null;
    }
  }

  private writeCache(cached: CachedPolicy): void {
    try {
      this.deps.storage.setItem(this.cacheKey, JSON.stringify(cached));
    } catch {
      // A full storage only costs the offline cache.
    }
  }
}

class PolicyFailure extends Error {
  constructor(readonly problem: PolicyProblem) {
    super(problem);
  }
}
