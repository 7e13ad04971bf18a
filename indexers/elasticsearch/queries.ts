/**
 * Query DSL for searches and listings. User text only ever reaches Elasticsearch as the
 * `query` of match-type queries over words the parser cut out (never query_string), so no
 * input is syntax. Filters are `filter` clauses, inside `knn.filter` for vector searches, so
 * they apply before the top hits are chosen.
 */
import type { estypes } from "@elastic/elasticsearch";
import { isCjk } from "../text/segment.js";
import type { DocumentFilter, SearchFilters } from "../store.js";
import { globToRegexp } from "./glob-regexp.js";
import { SEARCH_FIELDS, type SearchColumn } from "./mapping.js";
import { indexForm } from "./text-form.js";

type Query = estypes.QueryDslQueryContainer;

export type ColumnWeights = Record<SearchColumn, number>;

const listed = (values: readonly string[] | undefined): values is readonly string[] =>
  values !== undefined && values.length > 0;

export function searchFilters(filters: SearchFilters = {}): { filter: Query[]; mustNot: Query[] } {
  const filter: Query[] = [{ term: { type: "chunk" } }];
  const mustNot: Query[] = [];
  if (listed(filters.roots)) filter.push({ terms: { root: [...filters.roots] } });
  if (filters.pathPrefix !== undefined && filters.pathPrefix !== "") {
    filter.push({ prefix: { path: filters.pathPrefix } });
  }
  if (filters.pathGlob !== undefined && filters.pathGlob !== "") {
    const glob = globToRegexp(filters.pathGlob);
    if (glob.regexp !== ".*") {
      const clause: Query = { regexp: { path: { value: glob.regexp, flags: "NONE" } } };
      (glob.negated ? mustNot : filter).push(clause);
    }
  }
  if (listed(filters.kinds)) filter.push({ terms: { kind: [...filters.kinds] } });
  if (filters.modifiedSinceMs !== undefined)
    filter.push({ range: { mtime: { gte: filters.modifiedSinceMs } } });
  return { filter, mustNot };
}

export function documentFilters(filter: DocumentFilter = {}): Query[] {
  const clauses: Query[] = [{ term: { type: "doc" } }];
  if (listed(filter.roots)) clauses.push({ terms: { root: [...filter.roots] } });
  if (filter.pathPrefix !== undefined && filter.pathPrefix !== "") {
    clauses.push({ prefix: { path: filter.pathPrefix } });
  }
  if (listed(filter.statuses)) clauses.push({ terms: { status: [...filter.statuses] } });
  if (listed(filter.kinds)) clauses.push({ terms: { kind: [...filter.kinds] } });
  return clauses;
}

function weightedFields(weights: ColumnWeights): string[] {
  return (Object.keys(SEARCH_FIELDS) as SearchColumn[])
    .filter((c) => weights[c] > 0)
    .map((c) => (weights[c] === 1 ? SEARCH_FIELDS[c] : `${SEARCH_FIELDS[c]}^${weights[c]}`));
}

/**
 * BM25 over the parsed query words. `combined_fields` scores title, heading, path and body as
 * one field with per-field weights (BM25F), which is what the SQLite store's FTS5 bm25() does
 * with its column weights; a CJK run is a phrase of its characters, as in the SQLite store.
 */
export function lexicalQuery(terms: string[], weights: ColumnWeights): Query | undefined {
  const fields = weightedFields(weights);
  const words: string[] = [];
  const should: Query[] = [];
  for (const term of terms) {
    const form = indexForm(term);
    if (form === "") continue;
    if ([...term].some(isCjk)) {
      should.push({ multi_match: { query: form, type: "phrase", fields } });
    } else {
      words.push(form);
    }
  }
  if (words.length > 0) {
    should.unshift({ combined_fields: { query: words.join(" "), fields, operator: "or" } });
  }
  if (should.length === 0) return undefined;
  return should.length === 1 ? should[0] : { bool: { should } };
}
