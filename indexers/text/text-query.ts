/**
 * grep's prefilter (store.ts `TextQuery`) as the stores' n-gram indexes can answer it: literals
 * folded to lower case, split at characters whose case folding the index and JavaScript might
 * disagree on, and reduced to the trigrams every match must contain. A part with no trigram
 * becomes `{ all: true }`, which an `and` drops and an `or` spreads to the whole `or`.
 */
import type { TextQuery } from "../store.js";

/** The n-gram size of both stores' indexes (FTS5's `trigram` tokenizer is fixed at three). */
export const GRAM_SIZE = 3;

const ALL: TextQuery = { all: true };

/**
 * Characters that fold the same everywhere: ASCII (lower-cased here) and characters without
 * case (CJK, digits, punctuation). A cased non-ASCII letter (Σ, İ, ß) may fold differently in
 * SQLite's Unicode tables, Elasticsearch's and JavaScript's, so a literal is cut there.
 */
function foldsSafely(ch: string): boolean {
  if (ch.charCodeAt(0) < 0x80) return true;
  return ch.toLowerCase() === ch && ch.toUpperCase() === ch;
}

/** The runs of a literal that can be looked up in the index, lower-cased. */
export function foldedRuns(literal: string): string[] {
  const runs: string[] = [];
  let run = "";
  for (const ch of literal) {
    if (foldsSafely(ch)) run += ch.toLowerCase();
    else {
      if (run !== "") runs.push(run);
      run = "";
    }
  }
  if (run !== "") runs.push(run);
  return runs;
}

/** Distinct trigrams of a folded run, in order of first appearance. */
export function trigramsOf(run: string): string[] {
  const chars = [...run];
  const grams = new Set<string>();
  for (let i = 0; i + GRAM_SIZE <= chars.length; i++)
    grams.add(chars.slice(i, i + GRAM_SIZE).join(""));
  return [...grams];
}

/**
 * The query with literals folded (each literal becomes an `and` of its usable runs), `all`
 * propagated, and nesting flattened. Runs shorter than three characters are kept for stores
 * whose index takes any length (Elasticsearch's wildcard field); `toTrigramQuery` drops them.
 */
export function foldTextQuery(query: TextQuery): TextQuery {
  if ("all" in query) return ALL;
  if ("literal" in query) {
    const runs = foldedRuns(query.literal);
    if (runs.length === 0) return ALL;
    return runs.length === 1 ? { literal: runs[0]! } : { and: runs.map((literal) => ({ literal })) };
  }
  if ("and" in query) {
    const parts = query.and.map(foldTextQuery).filter((part) => !("all" in part));
    const flat = parts.flatMap((part) => ("and" in part ? part.and : [part]));
    return flat.length === 0 ? ALL : flat.length === 1 ? flat[0]! : { and: flat };
  }
  const parts = query.or.map(foldTextQuery);
  if (parts.length === 0 || parts.some((part) => "all" in part)) return ALL;
  const flat = parts.flatMap((part) => ("or" in part ? part.or : [part]));
  return flat.length === 1 ? flat[0]! : { or: flat };
}

/**
 * The distinct trigrams of a document's text as a store without a trigram tokenizer indexes
 * them (Elasticsearch): the runs `foldedRuns` cuts, so a query's trigrams are always among
 * them. The Kelvin sign and the long s fold to ASCII k and s (a case-insensitive `k` matches
 * them, and FTS5's trigram tokenizer folds them the same way).
 */
export function textTrigrams(text: string): string[] {
  const grams = new Set<string>();
  for (const run of foldedRuns(text.replace(/\u212A/g, "k").replace(/\u017F/g, "s")))
    for (const gram of trigramsOf(run)) grams.add(gram);
  return [...grams];
}

/**
 * Trigrams kept of one literal: any subset of a literal's trigrams is still a prefilter, and a
 * few spread along it select as well as all of them (and keep a long literal's query small).
 */
export const MAX_GRAMS_PER_LITERAL = 24;

function spread<T>(items: T[], most: number): T[] {
  if (items.length <= most) return items;
  const step = items.length / most;
  return Array.from({ length: most }, (_, i) => items[Math.floor(i * step)]!);
}

/** A tree of trigrams (each `literal` exactly three characters), or `all`. */
export function toTrigramQuery(query: TextQuery): TextQuery {
  const folded = foldTextQuery(query);
  const grams = (q: TextQuery): TextQuery => {
    if ("all" in q) return ALL;
    if ("literal" in q) {
      const list = spread(trigramsOf(q.literal), MAX_GRAMS_PER_LITERAL);
      if (list.length === 0) return ALL;
      return list.length === 1 ? { literal: list[0]! } : { and: list.map((g) => ({ literal: g })) };
    }
    if ("and" in q) return foldTextQuery({ and: q.and.map(grams) });
    return foldTextQuery({ or: q.or.map(grams) });
  };
  // Folding again is harmless: trigrams are already lower case and fold to themselves.
  return grams(folded);
}
