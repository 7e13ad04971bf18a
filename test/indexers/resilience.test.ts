/**
 * The shared retry-and-breaker policy (indexers/resilience) on its own, with real timers: what
 * is retried and how long it waits, what ends a call, and when the breaker opens, fails fast,
 * lets one trial through and closes. The embedder, chat and Elasticsearch tests show the same
 * policy against real HTTP servers and a real cluster.
 */
import { describe, expect, it } from "vitest";
import {
  AttemptTimedOut,
  CircuitOpen,
  GaveUp,
  type Verdict,
} from "../../indexers/resilience/failures.js";
import { Resilience, type ResilienceOptions } from "../../indexers/resilience/resilience.js";
import { retryAfterMs } from "../../indexers/resilience/retry-after.js";

/** An error that carries the verdict its thrower wants, so each test scripts its failures. */
class Scripted extends Error {
  constructor(readonly verdict: Verdict) {
    super(`scripted ${verdict.kind}`);
  }
}

const transient = (extra: Partial<Extract<Verdict, { kind: "transient" }>> = {}) =>
  new Scripted({ kind: "transient", ...extra });

function policy(options: Partial<ResilienceOptions> = {}): Resilience {
  return new Resilience({
    retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 4 },
    classify: (error) => (error instanceof Scripted ? error.verdict : { kind: "unrelated" }),
    ...options,
  });
}

/** An operation that throws the given errors in turn, then answers "ok"; counts its calls. */
function script(...errors: Error[]) {
  const op = Object.assign(
    async () => {
      op.calls++;
      const next = errors.shift();
      if (next) throw next;
      return "ok";
    },
    { calls: 0 },
  );
  return op;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("should have failed"),
    (error: unknown) => error,
  );
}

describe("Retry-After", () => {
  it("reads retry-after-ms, Retry-After seconds and HTTP dates, from Headers or a plain record", () => {
    const headers = (h: Record<string, string>) => new Headers(h);
    expect(retryAfterMs(headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
    expect(retryAfterMs(headers({ "retry-after": "2" }))).toBe(2000);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(retryAfterMs(headers({ "retry-after": "Wed, 01 Jan 2025 00:00:03 GMT" }), now)).toBe(
      3000,
    );
    expect(retryAfterMs(headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
    // What the Elasticsearch client hands over: Node's incoming headers.
    expect(retryAfterMs({ "retry-after": "1", "content-type": "application/json" })).toBe(1000);
  });
});

describe("retries", () => {
  it("waits full jitter under an exponential, capped ceiling", async () => {
    const waits: number[][] = [[], [], [], []];
    const p = policy({
      retry: { maxAttempts: 5, baseDelayMs: 8, maxDelayMs: 32 },
      onRetry: ({ attempt, waitMs }) => waits[attempt - 1]!.push(waitMs),
    });
    for (let call = 0; call < 30; call++) {
      expect(await p.run(script(transient(), transient(), transient(), transient()))).toBe("ok");
    }
    const ceilings = [8, 16, 32, 32];
    waits.forEach((sample, i) => {
      expect(sample).toHaveLength(30);
      for (const w of sample) {
        expect(w).toBeGreaterThanOrEqual(0);
        expect(w).toBeLessThan(ceilings[i]!);
      }
      // Spread over the whole range, not a fixed delay: jitter keeps clients apart.
      expect(Math.max(...sample)).toBeGreaterThanOrEqual(ceilings[i]! / 2);
      expect(new Set(sample).size).toBeGreaterThan(1);
    });
  });

  it("waits what the server asked for instead of its own guess", async () => {
    const waits: number[] = [];
    const op = script(transient({ retryAfterMs: 150 }));
    const started = performance.now();
    await policy({ onRetry: ({ waitMs }) => waits.push(waitMs) }).run(op);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(waits).toEqual([150]);
    expect(op.calls).toBe(2);
  });

  it("gives up at once when the server asks for a longer wait than a call may take", async () => {
    const op = script(transient({ retryAfterMs: 120_000 }));
    const error = await rejection(policy({ maxRetryAfterMs: 5000 }).run(op));
    expect(error).toBeInstanceOf(GaveUp);
    expect(error).toMatchObject({ attempts: 1, retryAfterMs: 120_000 });
    expect(op.calls).toBe(1);
  });

  it("gives up after maxAttempts with the last failure", async () => {
    const last = transient();
    const op = script(transient(), transient(), last);
    const error = await rejection(
      policy({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } }).run(op),
    );
    expect(error).toBeInstanceOf(GaveUp);
    expect(error).toMatchObject({ attempts: 3, cause: last });
    expect(op.calls).toBe(3);
  });

  it("never retries a refusal or an unrelated error, and passes them on unchanged", async () => {
    const refusal = new Scripted({ kind: "refused" });
    const refused = script(refusal);
    expect(await rejection(policy().run(refused))).toBe(refusal);
    expect(refused.calls).toBe(1);
    const bug = new TypeError("a bug");
    const unrelated = script(bug);
    expect(await rejection(policy().run(unrelated))).toBe(bug);
    expect(unrelated.calls).toBe(1);
  });

  it("times an attempt out, aborting its signal, and ends the call at the second timeout", async () => {
    const signals: AbortSignal[] = [];
    const hang = (signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<never>(() => undefined);
    };
    const started = performance.now();
    const error = await rejection(policy({ attemptTimeoutMs: 60 }).run(hang));
    expect(error).toBeInstanceOf(GaveUp);
    expect((error as GaveUp).cause).toBeInstanceOf(AttemptTimedOut);
    // Two attempts of a possible five: each one had already cost the whole timeout.
    expect(error).toMatchObject({ attempts: 2 });
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });

  it("treats a timeout the operation reports itself like its own", async () => {
    const op = script(transient({ timedOut: true }), transient(), transient({ timedOut: true }));
    const error = await rejection(policy().run(op));
    expect(error).toMatchObject({ attempts: 3 });
  });

  it("stops waiting as soon as the caller aborts", async () => {
    const controller = new AbortController();
    const op = script(transient({ retryAfterMs: 10_000 }));
    setTimeout(() => controller.abort(new Error("stop")), 50);
    const started = performance.now();
    const error = await rejection(policy().run(op, controller.signal));
    expect((error as Error).message).toBe("stop");
    expect(performance.now() - started).toBeLessThan(2000);
    expect(op.calls).toBe(1);
  });

  it("passes the caller's abort on as the caller's reason, not as a timeout", async () => {
    const controller = new AbortController();
    const pending = policy({ attemptTimeoutMs: 5000 }).run(
      (signal) =>
        new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
      controller.signal,
    );
    controller.abort(new Error("cancelled by the caller"));
    expect(((await rejection(pending)) as Error).message).toBe("cancelled by the caller");
  });
});

describe("circuit breaker", () => {
  const breaking = () =>
    policy({
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      breaker: { failureThreshold: 2, cooldownMs: 200 },
    });

  it("counts calls, not attempts: opens after the threshold of failed calls and fails fast", async () => {
    const p = breaking();
    const lastError = transient();
    // One call that failed both attempts is one failure: still closed.
    expect(await rejection(p.run(script(transient(), transient())))).toBeInstanceOf(GaveUp);
    expect(p.state).toBe("closed");
    expect(await rejection(p.run(script(transient(), lastError)))).toBeInstanceOf(GaveUp);
    expect(p.state).toBe("open");

    const untouched = script();
    const open = await rejection(p.run(untouched));
    expect(open).toBeInstanceOf(CircuitOpen);
    expect(open).toMatchObject({ failures: 2, lastFailure: lastError });
    expect((open as CircuitOpen).remainingMs).toBeGreaterThan(0);
    expect((open as CircuitOpen).remainingMs).toBeLessThanOrEqual(200);
    expect(untouched.calls).toBe(0);
  });

  it("after the cool-down lets one trial through; callers meanwhile wait for its outcome", async () => {
    const p = breaking();
    for (let i = 0; i < 2; i++) await rejection(p.run(script(transient(), transient())));
    await new Promise((r) => setTimeout(r, 220));

    // The trial fails: the circuit opens again at once.
    await rejection(p.run(script(transient(), transient())));
    expect(await rejection(p.run(script()))).toBeInstanceOf(CircuitOpen);
    await new Promise((r) => setTimeout(r, 220));

    const order: string[] = [];
    const slowTrial = async () => {
      await new Promise((r) => setTimeout(r, 80));
      order.push("trial");
      return "trial ok";
    };
    const waiter = async () => {
      order.push("waiter");
      return "waiter ok";
    };
    const trial = p.run(slowTrial);
    expect(p.state).toBe("half-open");
    expect(await Promise.all([trial, p.run(waiter)])).toEqual(["trial ok", "waiter ok"]);
    expect(order).toEqual(["trial", "waiter"]);
    expect(p.state).toBe("closed");
  });

  it("takes a refusal as an answer: it resets the count of failed calls", async () => {
    const p = breaking();
    await rejection(p.run(script(transient(), transient())));
    await rejection(p.run(script(new Scripted({ kind: "refused" }))));
    await rejection(p.run(script(transient(), transient())));
    expect(p.state).toBe("closed");
    // An unrelated error says nothing about the service: it neither resets nor counts.
    await rejection(p.run(script(new TypeError("bug"))));
    await rejection(p.run(script(transient(), transient())));
    expect(p.state).toBe("open");
  });
});
