/**
 * The one retry-and-breaker policy for every remote call docindex makes: embedding providers,
 * the chat model, Elasticsearch. Built on cockatiel (its exponential backoff with full jitter,
 * its consecutive-failure circuit breaker with a half-open trial, its timeouts), with the retry
 * loop here because cockatiel's retry waits cannot be cancelled: ours waits through
 * `node:timers/promises`, so a caller's abort ends a 20-second wait at once.
 *
 * One call = `run(operation)`:
 *
 * 1. An open breaker fails it at once (`CircuitOpen`); after the cool-down one trial call goes
 *    through (half-open), and calls that arrive meanwhile wait for its outcome.
 * 2. Each attempt may get a timeout (`attemptTimeoutMs`); the operation receives a signal that
 *    aborts when it runs out or when the caller aborts.
 * 3. The caller's `classify` says what a failure means (failures.ts). Transient failures are
 *    tried again after the server's Retry-After, else full jitter: uniform in
 *    [0, min(maxDelay, base·2^(attempt-1))]. A second timed-out attempt ends the call: each
 *    already cost a whole timeout. A Retry-After beyond `maxRetryAfterMs` ends it too.
 * 4. The breaker counts calls, not attempts: a call that gave up after its retries is one
 *    failure, and `failureThreshold` of them in a row open the circuit for `cooldownMs`. A
 *    refusal is an answer, so it resets the count like a success; an unrelated error (or the
 *    caller's abort) counts as nothing.
 */
import { setTimeout as wait } from "node:timers/promises";
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  fullJitterGenerator,
  handleWhen,
  timeout,
  type CircuitBreakerPolicy,
  type IBackoff,
  type TimeoutPolicy,
} from "cockatiel";
import { AttemptTimedOut, CircuitOpen, GaveUp, type Verdict } from "./failures.js";

export interface RetrySettings {
  /** Tries per call, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface BreakerSettings {
  /** Consecutive calls that gave up before the circuit opens. */
  failureThreshold: number;
  /** How long an open circuit fails calls at once before one trial goes through. */
  cooldownMs: number;
}

export interface RetryEvent {
  /** The attempt that failed (1 = the first). */
  attempt: number;
  waitMs: number;
  error: unknown;
}

export interface ResilienceOptions {
  retry: RetrySettings;
  /** Omit for no breaker. */
  breaker?: BreakerSettings;
  /** Per attempt. Omit when the operation bounds its own requests. */
  attemptTimeoutMs?: number;
  /** A server-requested wait longer than this ends the call instead (GaveUp.retryAfterMs). */
  maxRetryAfterMs?: number;
  classify(error: unknown): Verdict;
  /** Before each wait, for a log line. */
  onRetry?(event: RetryEvent): void;
}

export type BreakerState = "closed" | "open" | "half-open";

/** A refusal travels through the breaker as a value: the breaker must see an answer (a success). */
interface Outcome<T> {
  value?: T;
  refusal?: { error: unknown };
}

export class Resilience {
  private readonly breaker: CircuitBreakerPolicy | undefined;
  private readonly timeout: TimeoutPolicy | undefined;
  private openedAt = 0;

  constructor(private readonly options: ResilienceOptions) {
    for (const [name, value] of Object.entries(options.retry)) {
      if (!Number.isFinite(value) || value < 0) throw new RangeError(`retry.${name}: ${value}`);
    }
    if (!Number.isInteger(options.retry.maxAttempts) || options.retry.maxAttempts < 1)
      throw new RangeError(`retry.maxAttempts must be a positive integer`);
    if (options.attemptTimeoutMs !== undefined) {
      this.timeout = timeout(options.attemptTimeoutMs, {
        strategy: TimeoutStrategy.Aggressive,
        abortOnReturn: true,
      });
    }
    if (options.breaker) {
      this.breaker = circuitBreaker(
        handleWhen((error) => error instanceof GaveUp),
        {
          halfOpenAfter: options.breaker.cooldownMs,
          breaker: new ConsecutiveBreaker(options.breaker.failureThreshold),
        },
      );
      this.breaker.onBreak(() => (this.openedAt = Date.now()));
    }
  }

  get state(): BreakerState {
    switch (this.breaker?.state) {
      case CircuitState.Open:
      case CircuitState.Isolated:
        return "open";
      case CircuitState.HalfOpen:
        return "half-open";
      default:
        return "closed";
    }
  }

  /** Runs one call under the policy; the operation runs once per attempt. */
  async run<T>(operation: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const breaker = this.breaker;
    if (breaker === undefined) return this.unwrap(await this.attempts(operation, signal));
    let outcome: Outcome<T>;
    try {
      outcome = await breaker.execute(() => this.attempts(operation, signal), signal);
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        const { failureThreshold, cooldownMs } = this.options.breaker!;
        const last = breaker.lastFailure;
        const lastError = last && "error" in last ? last.error : undefined;
        throw new CircuitOpen(
          this.openedAt + cooldownMs,
          failureThreshold,
          lastError instanceof GaveUp ? lastError.cause : lastError,
        );
      }
      throw error;
    }
    return this.unwrap(outcome);
  }

  private unwrap<T>(outcome: Outcome<T>): T {
    if (outcome.refusal) throw outcome.refusal.error;
    return outcome.value as T;
  }

  /** The retry loop: resolves with the value or a refusal, throws GaveUp or anything else. */
  private async attempts<T>(
    operation: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<Outcome<T>> {
    const { retry, classify, maxRetryAfterMs = Infinity } = this.options;
    const schedule = new ExponentialBackoff({
      generator: fullJitterGenerator,
      initialDelay: retry.baseDelayMs,
      maxDelay: retry.maxDelayMs,
    });
    let backoff: IBackoff<unknown> | undefined;
    let timeouts = 0;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        return { value: await this.once(operation, signal) };
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        const verdict: Verdict =
          error instanceof AttemptTimedOut
            ? { kind: "transient", timedOut: true }
            : classify(error);
        if (verdict.kind === "refused") return { refusal: { error } };
        if (verdict.kind === "unrelated") throw error;
        if (verdict.timedOut) timeouts++;
        if (attempt >= retry.maxAttempts || timeouts >= 2) throw new GaveUp(error, attempt);
        backoff = backoff ? backoff.next(undefined) : schedule.next();
        const waitMs = verdict.retryAfterMs ?? backoff.duration;
        if (waitMs > maxRetryAfterMs) throw new GaveUp(error, attempt, waitMs);
        this.options.onRetry?.({ attempt, waitMs, error });
        try {
          await wait(waitMs, undefined, signal ? { signal } : undefined);
        } catch (aborted) {
          throw signal?.reason ?? aborted;
        }
      }
    }
  }

  private async once<T>(
    operation: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const limit = this.timeout;
    if (limit === undefined) return operation(signal ?? new AbortController().signal);
    try {
      return await limit.execute((_context, attemptSignal) => operation(attemptSignal), signal);
    } catch (error) {
      // Aggressive timeouts throw TaskCancelledError on the caller's abort too; only ours is a timeout.
      if (error instanceof TaskCancelledError && !signal?.aborted)
        throw new AttemptTimedOut(this.options.attemptTimeoutMs!);
      throw error;
    }
  }
}
