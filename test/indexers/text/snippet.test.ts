/**
 * The SQLite store's snippets (indexers/sqlite/snippet.ts): plain text around the place where
 * most of the query's words meet, cut at word boundaries, marked with … where text was left out.
 */
import { describe, expect, it } from "vitest";
import { makeSnippet } from "../../../indexers/text/snippet.js";

const filler = (word: string, n: number) => Array.from({ length: n }, () => word).join(" ");

describe("makeSnippet", () => {
  it("returns a short text whole, with its whitespace collapsed", () => {
    expect(makeSnippet("  one\n\ttwo   three \n", ["two"])).toBe("one two three");
  });

  it("centres on the window with the most distinct query words, not the most repeats", () => {
    const text =
      `${filler("alpha", 40)} apple apple apple apple ${filler("beta", 40)} ` +
      `apple orange pear ${filler("gamma", 40)}`;
    const snippet = makeSnippet(text, ["apple", "orange", "pear"], 60);
    expect(snippet).toContain("apple orange pear");
    expect(snippet.startsWith("…")).toBe(true);
    expect(snippet.endsWith("…")).toBe(true);
    // Cut between words, never inside one: every word is whole.
    for (const word of snippet.replace(/…/g, "").trim().split(" ")) {
      expect(["beta", "gamma", "apple", "orange", "pear"]).toContain(word);
    }
    expect(snippet.replace(/…/g, "").length).toBeLessThanOrEqual(60);
  });

  it("starts at the beginning without a leading … when the match is there", () => {
    const text = `Needle at the start ${filler("hay", 100)}`;
    const snippet = makeSnippet(text, ["needle"], 50);
    expect(snippet.startsWith("Needle at the start")).toBe(true);
    expect(snippet.endsWith("…")).toBe(true);
  });

  it("matches words the way the index stemmed them, and accents loosely", () => {
    const text = `${filler("x", 120)} the indexers were indexing ${filler("y", 120)} café ${filler("z", 120)}`;
    expect(makeSnippet(text, ["indexed"], 40)).toContain("indexers were indexing");
    expect(makeSnippet(text, ["CAFE"], 30)).toContain("café");
    // Short words must match exactly: "ind" is not "indexers".
    expect(makeSnippet(text, ["ind"], 40)).not.toContain("indexers");
  });

  it("finds a CJK term inside a longer unspaced run", () => {
    const text = `${filler("word", 80)} 東京都庁の近く ${filler("word", 80)}`;
    expect(makeSnippet(text, ["東京"], 40)).toContain("東京都庁の近く");
  });

  it("falls back to the start when no query word occurs", () => {
    const text = filler("lorem", 100);
    expect(makeSnippet(text, ["absent"], 30)).toBe(`${filler("lorem", 5)}…`);
  });
});
