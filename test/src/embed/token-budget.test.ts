import { describe, expect, it } from "vitest";
import { estimateTokens } from "../../../scanners/chunk/tokens.js";
import { planBatches, truncateToTokens } from "../../../src/embed/token-budget.js";

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
