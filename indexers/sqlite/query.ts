/**
 * Natural-language text to an FTS5 MATCH expression. User input never reaches FTS5 as syntax:
 * it is cut into words, and each word becomes a quoted FTS5 string, so `"`, `*`, `NEAR(`,
 * `AND`, `col:term` or `^` are searched for as words (or ignored as punctuation), never obeyed.
 * Terms are OR-ed: a chunk that matches some of the words still ranks, by BM25.
 */
import { isCjk } from "./segment.js";
import { ENGLISH_STOPWORDS } from "./stopwords.js";

export interface QueryOptions {
  stopwords?: ReadonlySet<string>;
  /** Count a repeated query word once. */
  dedupe?: boolean;
  /** Longer queries keep their first terms: a pasted page must not turn into a slow query. */
  maxTerms?: number;
}

export interface ParsedQuery {
  /** The MATCH expression. */
  match: string;
  /** The words searched for, as typed (CJK runs as one term), for snippets. */
  terms: string[];
}

const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

function fold(word: string): string {
  return word.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/** A word with CJK characters becomes one term per CJK run and one per other run. */
function splitCjk(word: string): string[] {
  const parts: string[] = [];
  let current = "";
  let currentCjk = false;
  for (const char of word) {
    const cjk = isCjk(char);
    if (current !== "" && cjk !== currentCjk) {
      parts.push(current);
      current = "";
    }
    current += char;
    currentCjk = cjk;
  }
  if (current !== "") parts.push(current);
  return parts;
}

function ftsString(term: string): string {
  const spaced = [...term].every(isCjk) ? [...term].join(" ") : term;
  return `"${spaced.replaceAll('"', '""')}"`;
}

export function parseQuery(query: string, options: QueryOptions = {}): ParsedQuery | undefined {
  const stopwords = options.stopwords ?? ENGLISH_STOPWORDS;
  const maxTerms = options.maxTerms ?? 64;
  const words = (query.normalize("NFC").match(WORD) ?? []).flatMap(splitCjk);
  const content = words.filter((w) => !stopwords.has(fold(w)));
  let terms = content.length > 0 ? content : words;
  if (options.dedupe ?? true) {
    const seen = new Set<string>();
    terms = terms.filter((t) => {
      const key = fold(t);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  terms = terms.slice(0, maxTerms);
  if (terms.length === 0) return undefined;
  return { match: terms.map(ftsString).join(" OR "), terms };
}
