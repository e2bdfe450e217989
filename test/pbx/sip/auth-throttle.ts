/**
 * Throttling of failed authentication, per source address and per extension (a sliding window of
 * failure times). Pure apart from one unref'd sweep timer; the clock is injected.
 *
 * The rules, in the order the PBX applies them:
 * - Only failed credentials count (a wrong password, an unknown user, a wrong URI, a bad nonce);
 *   a request refused because its source or extension is throttled is not counted again.
 * - Credentials are checked first: the caller asks `check()` after verification, so a throttle
 *   never hides whether the check would have passed from the log. (Admin and provider sign-ins,
 *   which hash with scrypt, ask before hashing too: a throttled source costs no hash.) An emergency
 *   call authenticated on a socket that holds its extension's registration does not ask; any other
 *   emergency request asks like every request (see `SipService.authenticate`).
 * - An extension throttled by failures from elsewhere stays reachable from a source that signed in
 *   to it successfully within `trustMs` (its own phone behind its own address): someone guessing the
 *   password of 201 from another network cannot lock 201's phone out.
 * - SIP and HTTP sign-in each have their own instance, so one cannot exhaust the other.
 */
export interface ThrottleRules {
  /** Failures within `windowMs` that throttle a source or an extension. */
  failuresToThrottle: number;
  windowMs: number;
  /** How long a successful sign-in keeps that source trusted for that extension. */
  trustMs: number;
}

export const DEFAULT_THROTTLE_RULES: ThrottleRules = {
  failuresToThrottle: 10,
  windowMs: 60_000,
  trustMs: 60 * 60_000,
};

export type ThrottleVerdict =
  { throttled: false } | { throttled: true; by: 'source' | 'extension'; retryAfterS: number };

interface Failure {
  at: number;
  extension: string | null;
}

export interface ThrottleEntry {
  key: string;
  failuresInWindow: number;
  throttled: boolean;
  /** When the oldest failure that keeps it throttled leaves the window (ISO), or null. */
  until: string | null;
}

export interface ThrottleSnapshot {
  rules: ThrottleRules;
  sources: ThrottleEntry[];
  extensions: ThrottleEntry[];
}

export class AuthThrottle {
  private readonly bySource = new Map<string, Failure[]>();
  private readonly byExtension = new Map<string, number[]>();
  /** `extension|source` → last successful sign-in. */
  private readonly trusted = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    readonly rules: ThrottleRules,
    private readonly now: () => number,
    sweepIntervalMs = Math.max(1_000, rules.windowMs),
  ) {
    this.sweeper = setInterval(() => this.prune(), sweepIntervalMs);
    this.sweeper.unref();
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  /** Whether a request that authenticated (or failed to) must be refused for earlier failures. */
  check(source: string, extension: string | null): ThrottleVerdict {
    const now = this.now();
    const sourceTimes = this.recent(this.bySource.get(source) ?? [], now).map((failure) => failure.at);
    if (sourceTimes.length >= this.rules.failuresToThrottle) {
      return { throttled: true, by: 'source', retryAfterS: this.retryAfterS(sourceTimes, now) };
    }
    if (extension === null) return { throttled: false };
    const trustedAt = this.trusted.get(`${extension}|${source}`);
    if (trustedAt !== undefined && now - trustedAt <= this.rules.trustMs) return { throttled: false };
    const extensionTimes = (this.byExtension.get(extension) ?? []).filter(
      (at) => at > now - this.rules.windowMs,
    );
    if (extensionTimes.length >= this.rules.failuresToThrottle) {
      return { throttled: true, by: 'extension', retryAfterS: this.retryAfterS(extensionTimes, now) };
    }
    return { throttled: false };
  }

  /** Failed credentials. `extension` only when it names an existing extension (no table of guesses). */
  recordFailure(source: string, extension: string | null): void {
    const now = this.now();
    const failures = this.recent(this.bySource.get(source) ?? [], now);
    failures.push({ at: now, extension });
    // Only the newest `failuresToThrottle` failures matter: memory per key stays bounded.
    this.bySource.set(source, failures.slice(-this.rules.failuresToThrottle));
    if (extension !== null) {
      const times = (this.byExtension.get(extension) ?? []).filter((at) => at > now - this.rules.windowMs);
      times.push(now);
      this.byExtension.set(extension, times.slice(-this.rules.failuresToThrottle));
    }
  }

  recordSuccess(source: string, extension: string): void {
    this.trusted.set(`${extension}|${source}`, this.now());
  }

  /** Sources and extensions with failures in the window; `visible` filters extensions (an admin's company). */
  snapshot(visible: (extension: string) => boolean = () => true): ThrottleSnapshot {
    const now = this.now();
    const entry = (key: string, times: number[]): ThrottleEntry => {
      const throttled = times.length >= this.rules.failuresToThrottle;
      return {
        key,
        failuresInWindow: times.length,
        throttled,
        until: throttled ? new Date(now + this.retryAfterS(times, now) * 1000).toISOString() : null,
      };
    };
    const sources: ThrottleEntry[] = [];
    for (const [source, failures] of this.bySource) {
      const recent = this.recent(failures, now);
      // An admin sees an address only if it failed on one of the admin's extensions.
      if (!recent.some((failure) => failure.extension !== null && visible(failure.extension))) continue;
      sources.push(
        entry(
          source,
          recent.map((failure) => failure.at),
        ),
      );
    }
    const extensions: ThrottleEntry[] = [];
    for (const [extension, times] of this.byExtension) {
      const recent = times.filter((at) => at > now - this.rules.windowMs);
      if (recent.length > 0 && visible(extension)) extensions.push(entry(extension, recent));
    }
    return { rules: this.rules, sources, extensions };
  }

  /** Keys held (for the PBX's stats; zero once every failure left its window and every trust expired). */
  get size(): number {
    return this.bySource.size + this.byExtension.size + this.trusted.size;
  }

  prune(): void {
    const now = this.now();
    for (const [source, failures] of this.bySource) {
      const recent = this.recent(failures, now);
      if (recent.length === 0) this.bySource.delete(source);
      else this.bySource.set(source, recent);
    }
    for (const [extension, times] of this.byExtension) {
      const recent = times.filter((at) => at > now - this.rules.windowMs);
      if (recent.length === 0) this.byExtension.delete(extension);
      else this.byExtension.set(extension, recent);
    }
    for (const [key, at] of this.trusted) if (now - at > this.rules.trustMs) this.trusted.delete(key);
  }

  private recent(failures: Failure[], now: number): Failure[] {
    return failures.filter((failure) => failure.at > now - this.rules.windowMs);
  }

  /** Seconds until enough failures leave the window for the key to be let through again. */
  private retryAfterS(times: number[], now: number): number {
    const sorted = [...times].sort((a, b) => a - b);
    const release = sorted[sorted.length - this.rules.failuresToThrottle] ?? now;
    return Math.max(1, Math.ceil((release + this.rules.windowMs - now) / 1000));
  }
}
