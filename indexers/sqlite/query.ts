/**
 * Query words (../text/query-terms.ts) to an FTS5 MATCH expression. User input never reaches
 * FTS5 as syntax: each word becomes a quoted FTS5 string, so `"`, `*`, `NEAR(`, `AND`,
 * `col:term` or `^` are searched for as words (or were dropped as punctuation), never obeyed.
 * Terms are OR-ed: a chunk that matches some of the words still ranks, by BM25.
 */
import { queryTerms, type QueryOptions } from "../text/query-terms.js";
import { isCjk } from "../text/segment.js";

export type { QueryOptions };

export interface ParsedQuery {
  /** The MATCH expression. */
  match: string;
  /** The words searched for, as typed (CJK runs as one term), for snippets. */
  terms: string[];
}

/** A CJK run is indexed per character, so it is searched as a phrase of its characters. */
function ftsString(term: string): string {
  const spaced = [...term].every(isCjk) ? [...term].join(" ") : term;
  return `"${spaced.replaceAll('"', '""')}"`;
}

export function parseQuery(query: string, options: QueryOptions = {}): ParsedQuery | undefined {
  const terms = queryTerms(query, options);
  if (terms.length === 0) return undefined;
  return { match: terms.map(ftsString).join(" OR "), terms };
}
