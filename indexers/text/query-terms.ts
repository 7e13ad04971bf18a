/**
 * A natural-language query cut into the words both stores search for. The words are runs of
 * letters, digits and marks (CJK runs split off, because CJK text is indexed per character:
 * segment.ts); stopwords are dropped when other words remain, so "to be" still searches;
 * repeats are dropped, and long queries keep their first terms. Each store turns the words into
 * its own query (an FTS5 MATCH string, an Elasticsearch bool query), so user input is never
 * query syntax in either. Snippets are cut around the same words.
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

/** The words searched for, as typed (CJK runs as one term); empty when the query has none. */
export function queryTerms(query: string, options: QueryOptions = {}): string[] {
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
  return terms.slice(0, maxTerms);
}
