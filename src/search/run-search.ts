/**
 * One search as the CLI and the `search` tool both run it: the store's ranking, turned into
 * public results, with a plain notice when the requested mode cannot be served (semantic and
 * hybrid need an embedder) instead of an error.
 */
import type { SearchFilters, SearchMode, Store } from "../../indexers/store.js";
import { toPublicResult, type PublicSearchResult } from "./format.js";

export interface SearchQuery {
  query: string;
  limit: number;
  mode?: SearchMode;
  filters?: SearchFilters;
  /** At most one hit per document. */
  perDocument: boolean;
}

export interface SearchAnswer {
  query: string;
  /** The mode that produced the results. */
  mode: SearchMode;
  notice?: string;
  results: PublicSearchResult[];
}

export interface SearchCapabilities {
  /** Whether vectors exist (an embedder is configured and has embedded the index). */
  vectors: boolean;
  /** Why vectors are not available, for the notice. */
  vectorsUnavailableReason?: string;
}

export const NO_EMBEDDER_REASON =
  "no embedder is configured (set embedder in mcp.json or DOCINDEX_EMBEDDER)";

export async function runSearchQuery(
  store: Store,
  request: SearchQuery,
  capabilities: SearchCapabilities = { vectors: false, vectorsUnavailableReason: NO_EMBEDDER_REASON },
): Promise<SearchAnswer> {
  const wanted = request.mode ?? (capabilities.vectors ? "hybrid" : "lexical");
  let mode = wanted;
  let notice: string | undefined;
  if (wanted !== "lexical" && !capabilities.vectors) {
    mode = "lexical";
    notice = `${wanted} search is not available: ${capabilities.vectorsUnavailableReason ?? NO_EMBEDDER_REASON}; answered with lexical (BM25) search.`;
  }
  const hits = await store.search({
    query: request.query,
    limit: request.limit,
    mode,
    filters: request.filters,
    onePerDocument: request.perDocument,
  });
  const answer: SearchAnswer = { query: request.query, mode, results: hits.map(toPublicResult) };
  if (notice) answer.notice = notice;
  return answer;
}
