/**
 * What `analyze` computes, in this process over a real SQLite index of a small corpus: key
 * terms, exact and near duplicates, related files, set figures and the overview; and the text
 * measures they rest on (shingles, similarity, statistics, terms).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DocumentRecord } from "../../../indexers/store.js";
import {
  allDocuments,
  analyzeDocument,
  analyzeSet,
  corpusOverview,
  isGlob,
  matchDocuments,
} from "../../../src/analysis/analyze.js";
import { keyTerms } from "../../../src/analysis/key-terms.js";
import { shingles, similarity } from "../../../src/analysis/similarity.js";
import { termsOf, textStatistics } from "../../../src/analysis/text-stats.js";
import { indexTree, type IndexedTree } from "../../helpers/indexed-tree.js";

const OTTERS =
  "# Otters\n\nSea otters float on their backs and crack urchins with stones. " +
  "An otter raft drifts with the kelp while the pups sleep on their mothers.\n\n" +
  "## Habitat\n\nOtters live along rocky coasts where kelp forests grow thick and cold.\n";
const BADGERS =
  "# Badgers\n\nBadgers dig setts under hedgerows and forage for worms at night. " +
  "A badger clan shares its sett for generations.\n";

let tree: IndexedTree;
let docs: DocumentRecord[];

beforeAll(async () => {
  tree = await indexTree({
    "otters.md": OTTERS,
    "copies/otters.md": OTTERS,
    "otters-edited.md": OTTERS.replace("cold.", "cold, and the water is clear."),
    "badgers.md": BADGERS,
    ".hidden.md": "# Hidden\n\nA dotfile about kelp.\n",
    "broken.pdf": "%PDF-1.7\nthis is not really a PDF\n",
  });
  docs = await allDocuments(tree.store);
});
afterAll(() => tree.close());

describe("one document", () => {
  it("finds its distinctive terms, its copy, its near copy and the files it shares words with", async () => {
    // The full record, sections included, as the analyze tool reads it.
    const record = await tree.store.getDocument(tree.root, "otters.md");
    const analysis = await analyzeDocument(tree.store, [tree.root], record!, { rrfK: 20 });
    const terms = analysis.keyTerms.map((t) => t.term);
    expect(terms).not.toContain("the");
    // Three uses in a file, and in 3 of the 6 documents: the most distinctive term here.
    expect(analysis.keyTerms[0]).toMatchObject({ term: "otters", count: 3, documents: 3 });
    expect(analysis.keyTerms.find((t) => t.term === "kelp")).toMatchObject({
      count: 2,
      documents: 4,
    });
    const scores = analysis.keyTerms.map((t) => t.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(analysis.duplicates).toContainEqual({
      path: "copies/otters.md",
      root: tree.root,
      kind: "exact",
      similarity: 1,
    });
    const near = analysis.duplicates.find((d) => d.path === "otters-edited.md");
    expect(near?.kind).toBe("near");
    expect(near!.similarity).toBeGreaterThan(0.5);
    expect(near!.similarity).toBeLessThan(1);
    expect(analysis.related.map((r) => r.path)).not.toContain("otters.md");
    expect(analysis.outline).toEqual([
      { level: 1, title: "Otters", lines: expect.objectContaining({ start: 1 }) },
      { level: 2, title: "Habitat", lines: expect.objectContaining({ start: 5 }) },
    ]);
    expect(analysis).toMatchObject({ kind: "markdown", title: "Otters" });
    expect(analysis.chunks).toBeGreaterThan(0);
  });

  it("has no key terms when only stop words are left", async () => {
    expect(await keyTerms(tree.store, "the and of it is was")).toEqual([]);
  });
});

describe("a set of documents", () => {
  it("sums their figures and pairs exact and near duplicates inside the set", async () => {
    const matched = matchDocuments(docs, "**/otters*.md");
    expect(matched.map((d) => d.path).sort()).toEqual([
      "copies/otters.md",
      "otters-edited.md",
      "otters.md",
    ]);
    const set = await analyzeSet(tree.store, "**/otters*.md", matched);
    expect(set.matched).toBe(3);
    expect(set.byKind).toEqual({ markdown: 3 });
    expect(set.statistics.words).toBe(set.documents.reduce((sum, d) => sum + d.words, 0));
    const pairs = set.duplicates.map((d) => [[d.a, d.b].sort().join(" + "), d.kind]);
    expect(pairs).toContainEqual(["copies/otters.md + otters.md", "exact"]);
    expect(pairs).toContainEqual(["otters-edited.md + otters.md", "near"]);
    expect(pairs).toContainEqual(["copies/otters.md + otters-edited.md", "near"]);
    expect(set.keyTerms[0]!.count).toBeGreaterThanOrEqual(3);
  });

  it("matches dotfiles, and only indexed documents", () => {
    expect(isGlob("**/*.md")).toBe(true);
    expect(isGlob("otters.md")).toBe(false);
    const all = matchDocuments(docs, "**/*").map((d) => d.path);
    expect(all).toContain(".hidden.md");
    expect(all).not.toContain("broken.pdf");
  });
});

describe("the whole index", () => {
  it("counts by status and kind, ranks the largest files and lists what failed, with why", async () => {
    const overview = await corpusOverview(tree.store);
    expect(overview.documents).toBe(6);
    expect(overview.byStatus).toMatchObject({ indexed: 5, failed: 1 });
    expect(overview.byKind.markdown!.files).toBe(5);
    expect(overview.totalBytes).toBe(docs.reduce((sum, d) => sum + d.size, 0));
    const sizes = overview.largest.map((d) => d.size);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    // The edited copy is the longest; the two equal copies follow, ordered by path.
    expect(overview.largest.slice(0, 3).map((d) => d.path)).toEqual([
      "otters-edited.md",
      "copies/otters.md",
      "otters.md",
    ]);
    expect(overview.mostChunked.every((d) => d.chunks > 0)).toBe(true);
    expect(overview.failures).toEqual([
      { path: "broken.pdf", root: tree.root, status: "failed", reason: expect.any(String) },
    ]);
    expect(overview.failures[0]!.reason).not.toBe("");
  });
});

describe("text measures", () => {
  it("compares texts by five-word shingles, ignoring case and punctuation", () => {
    const a = shingles("The quick, brown fox jumps over the lazy dog!");
    expect(similarity(a, shingles("the QUICK brown fox jumps over the lazy dog"))).toBe(1);
    expect(similarity(a, shingles("an entirely different sentence about other things"))).toBe(0);
    // Under five words a text is one shingle: equal or not at all.
    expect(shingles("two words")).toEqual(new Set(["two words"]));
    expect(similarity(shingles("two words"), shingles("Two, words."))).toBe(1);
    expect(shingles("")).toEqual(new Set());
    expect(similarity(new Set(), new Set())).toBe(1);
  });

  it("samples long texts to 2,000 shingles and still tells near from far", () => {
    const words = Array.from({ length: 5000 }, (_, i) => `w${i % 997}x${i % 13}`);
    const long = words.join(" ");
    expect(shingles(long).size).toBe(2000);
    const edited = [...words.slice(0, 4500), ...Array.from({ length: 500 }, (_, i) => `new${i}`)];
    const score = similarity(shingles(long), shingles(edited.join(" ")));
    expect(score).toBeGreaterThan(0.7);
    expect(score).toBeLessThan(1);
  });

  it("counts lines, words and characters as a reader would", () => {
    expect(textStatistics("")).toEqual({ characters: 0, words: 0, lines: 0, estimatedTokens: 0 });
    expect(textStatistics("one\ntwo").lines).toBe(2);
    expect(textStatistics("one\ntwo\n").lines).toBe(2);
    expect(textStatistics("\n").lines).toBe(1);
    // Apostrophes, hyphens and underscores stay inside a word; a CJK run is a word.
    expect(textStatistics("don't stop-gap re_use 東京").words).toBe(4);
  });

  it("takes words of three or more letters up to 40 as terms, never bare numbers", () => {
    expect(termsOf(`An ox ate 42 figs x1 abc9 ${"a".repeat(41)} ${"b".repeat(40)}`)).toEqual([
      "ate",
      "figs",
      "abc9",
      "b".repeat(40),
    ]);
  });
});
