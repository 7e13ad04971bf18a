/**
 * Stops hammering a provider that is down. After `failureThreshold` consecutive failed requests
 * the circuit opens and calls fail fast for `cooldownMs`; then exactly one trial request goes
 * through (half-open). Its success closes the circuit, its failure opens it for another
 * cool-down. Without this, a backlog of thousands of chunks would spend every request on a full
 * retry schedule against a dead endpoint.
 */

export interface CircuitOptions {
  failureThreshold: number;
  cooldownMs: number;
}

export const DEFAULT_CIRCUIT: CircuitOptions = { failureThreshold: 5, cooldownMs: 30_000 };

export type CircuitState = "closed" | "open" | "half-open";

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private opened = false;
  private trialInFlight = false;
  private trialWaiters: (() => void)[] = [];

  constructor(
    private readonly options: CircuitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): CircuitState {
    if (!this.opened) return "closed";
    return this.now() - this.openedAt >= this.options.cooldownMs ? "half-open" : "open";
  }

  /** Milliseconds until a trial request is allowed; 0 when one may go now. */
  get remainingMs(): number {
    if (!this.opened) return 0;
    return Math.max(0, this.options.cooldownMs - (this.now() - this.openedAt));
  }

  /**
   * Whether a request may be sent now. In half-open state only the first caller gets true, and
   * must report the outcome with success() or failure() (or release() when it never ran).
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === "closed") return true;
    if (state === "open" || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  /**
   * Resolves when the half-open trial in flight has an outcome, so concurrent callers learn it
   * instead of failing while the provider may already be back.
   */
  trialSettled(): Promise<void> {
    if (!this.trialInFlight) return Promise.resolve();
    return new Promise((resolve) => this.trialWaiters.push(resolve));
  }

  success(): void {
    this.failures = 0;
    this.opened = false;
    this.endTrial();
  }

  failure(): void {
    this.failures++;
    if (this.trialInFlight || this.failures >= this.options.failureThreshold) {
      this.opened = true;
      this.openedAt = this.now();
    }
    this.endTrial();
  }

  /** The request was cancelled by its caller: neither a success nor a provider failure. */
  release(): void {
    this.endTrial();
  }

  private endTrial(): void {
    this.trialInFlight = false;
    const waiters = this.trialWaiters;
    this.trialWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
