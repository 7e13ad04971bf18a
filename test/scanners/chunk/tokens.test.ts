import { describe, expect, it } from "vitest";
import { estimateTokens } from "../../../scanners/chunk/index.js";

describe("estimateTokens", () => {
  it("is zero for nothing and whitespace", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens(" \n\t ")).toBe(0);
  });

  it("gives English prose about 1.2 to 1.5 tokens per word", () => {
    const prose =
      "The quick brown fox jumps over the lazy dog. Retrieval systems split documents into passages, " +
      "and each passage is embedded separately; the index then answers questions about them.";
    const words = prose.split(/\s+/).length;
    const ratio = estimateTokens(prose) / words;
    expect(ratio).toBeGreaterThan(1.1);
    expect(ratio).toBeLessThan(1.6);
  });

  it("splits identifiers and counts punctuation in code", () => {
    expect(estimateTokens("getUserName")).toBe(3);
    expect(estimateTokens("snake_case_name")).toBe(3);
    expect(estimateTokens("foo(bar);")).toBe(4);
    expect(estimateTokens("12345678")).toBe(3);
  });

  it("counts one token per CJK character", () => {
    expect(estimateTokens("東京都")).toBe(3);
  });

  it("is additive across whitespace, which the chunker relies on", () => {
    const a = "function alpha(x) { return x + 1; }";
    const b = "Some prose, with punctuation!";
    expect(estimateTokens(`${a}\n\n${b}`)).toBe(estimateTokens(a) + estimateTokens(b));
  });

  it("costs accented Latin words like plain ones, and other scripts one token per two letters", () => {
    expect(estimateTokens("Déjà vu: naïve café")).toBe(estimateTokens("Deja vu: naive cafe"));
    // Déjà, vu, ":", naïve, café, "✓", "—", 100, "%"
    expect(estimateTokens("Déjà vu: naïve café ✓ — 100%")).toBe(9);
    expect(estimateTokens("Überraschungsei")).toBe(3); // 15 letters: 1 + ceil(7 / 5)
    expect(estimateTokens("Привет")).toBe(3);
  });
});

describe("estimateTokens: the ASCII fast path", () => {
  it("agrees with the Unicode path", () => {
    const samples = [
      "getUserName(HTTPServer_config, 12345); // TODO: fix ---- ====",
      "The quick brown fox, internationalization and XMLHttpRequest2 objects.",
      "a_b__c ___ 0x1F __init__ snake_case_Name ABCDef",
    ];
    // " é" is one Latin word of one token, and forces the Unicode path.
    for (const s of samples) expect(estimateTokens(`${s} é`)).toBe(estimateTokens(s) + 1);
  });
});
