/**
 * The PBX's clock in an attack: real time runs on (calls, prompts and key presses take what they
 * take), and waiting out a lock is a jump forward, not a sleep. Passed to the PBX as `PbxOptions.now`.
 */
export class SimClock {
  private offset = 0;
  readonly startedAt: number;

  constructor(private readonly realNow: () => number = Date.now) {
    this.startedAt = realNow();
  }

  readonly now = (): number => this.realNow() + this.offset;

  advance(ms: number): void {
    this.offset += ms;
  }

  /** Simulated time since the clock was made. */
  elapsed(): number {
    return this.now() - this.startedAt;
  }
}
