/**
 * How a caller tells the policy what a failure means (a Verdict), and the errors the policy
 * throws when it stops trying. Callers turn these into their own errors (EmbedderError,
 * ChatError, StoreError), whose messages name the service and what to do.
 */

export type Verdict =
  /**
   * The service could not answer (unreachable, overloaded, restarting, too slow): try again.
   * `retryAfterMs` is the wait the server asked for; `timedOut` marks an attempt that already
   * waited a whole timeout.
   */
  | { kind: "transient"; retryAfterMs?: number; timedOut?: boolean }
  /** The service answered with a refusal (400, 401, 404…): the same request gets the same answer. It is up. */
  | { kind: "refused" }
  /** Says nothing about the service (our configuration, a programming error): passed on as it is. */
  | { kind: "unrelated" };

/** An attempt ran out of the policy's per-attempt timeout. */
export class AttemptTimedOut extends Error {
  override readonly name = "AttemptTimedOut";
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/** Transient failures went on after the last attempt the policy allows. `cause` is the last one. */
export class GaveUp extends Error {
  override readonly name = "GaveUp";
  constructor(
    override readonly cause: unknown,
    /** Attempts made, the first included. */
    readonly attempts: number,
    /** Set when the server asked to wait longer than the policy waits within a call. */
    readonly retryAfterMs?: number,
  ) {
    super(
      `${cause instanceof Error ? cause.message : String(cause)} (gave up after ${attempts} attempt${attempts === 1 ? "" : "s"})`,
    );
  }
}

/** The breaker is open: the call was not attempted. */
export class CircuitOpen extends Error {
  override readonly name = "CircuitOpen";
  constructor(
    /** When a trial call will be let through (ms since the epoch). */
    readonly retryAt: number,
    /** Consecutive failed calls that opened it. */
    readonly failures: number,
    /** The last error of the call that opened it. */
    readonly lastFailure: unknown,
  ) {
    super(
      `circuit open after ${failures} failed calls; next trial at ${new Date(retryAt).toISOString()}`,
    );
  }

  /** Milliseconds until a trial call is let through. */
  get remainingMs(): number {
    return Math.max(0, this.retryAt - Date.now());
  }
}
