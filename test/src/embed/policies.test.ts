import { describe, expect, it } from "vitest";
import { estimateTokens } from "../../../scanners/chunk/tokens.js";
import { CircuitBreaker } from "../../../src/embed/circuit-breaker.js";
import { backoffDelay, retryAfterMs } from "../../../src/embed/retry-policy.js";
import { planBatches, truncateToTokens } from "../../../src/embed/token-budget.js";

const headers = (h: Record<string, string>) => new Headers(h);

describe("retry policy", () => {
  it("reads retry-after-ms, Retry-After seconds and HTTP dates", () => {
    expect(retryAfterMs(headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
    expect(retryAfterMs(headers({ "retry-after": "2" }))).toBe(2000);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(retryAfterMs(headers({ "retry-after": "Wed, 01 Jan 2025 00:00:03 GMT" }), now)).toBe(
      3000,
    );
    expect(retryAfterMs(headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it("draws full-jitter delays under an exponential, capped ceiling", () => {
    const options = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, options, () => 0.999)).toBe(99);
    expect(backoffDelay(3, options, () => 0.5)).toBe(200);
    expect(backoffDelay(10, options, () => 0.999)).toBe(999);
    expect(backoffDelay(4, options, () => 0)).toBe(0);
  });
});

describe("circuit breaker", () => {
  it("opens after the threshold, half-opens for one trial after the cool-down", () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 100 }, () => now);
    breaker.failure();
    expect(breaker.state).toBe("closed");
    breaker.failure();
    expect(breaker.tryAcquire()).toBe(false);
    now = 100;
    expect(breaker.state).toBe("half-open");
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.success();
    expect(breaker.state).toBe("closed");
    expect(breaker.tryAcquire()).toBe(true);
  });
});

describe("token budget", () => {
  it("truncates to the longest prefix that fits, never splitting a surrogate pair", () => {
    const text = "alpha beta gamma delta epsilon zeta eta theta";
    const cut = truncateToTokens(text, 3);
    expect(estimateTokens(cut)).toBeLessThanOrEqual(3);
    expect(text.startsWith(cut)).toBe(true);
    expect(cut.length).toBeGreaterThan("alpha beta".length);
    expect(truncateToTokens(text, 100)).toBe(text);
    const emoji = truncateToTokens("😀😀😀😀😀😀😀😀😀😀", 2);
    expect(emoji).not.toMatch(/[\ud800-\udbff]$/);
  });

  it("plans consecutive batches under both limits, an oversized input alone", () => {
    expect(planBatches([1, 1, 1, 1, 1], { maxItems: 2, maxTokens: 100 })).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 4 },
      { start: 4, end: 5 },
    ]);
    expect(planBatches([4, 4, 50, 1], { maxItems: 10, maxTokens: 10 })).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 3 },
      { start: 3, end: 4 },
    ]);
    expect(planBatches([], { maxItems: 1, maxTokens: 1 })).toEqual([]);
  });
});
