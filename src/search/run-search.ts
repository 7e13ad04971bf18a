/**
 * One search as the CLI and the `search` tool both run it. Lexical is BM25 in the store;
 * semantic is the store's nearest neighbours of the query's embedding; hybrid fuses both
 * rankings by reciprocal rank fusion (fusion.ts). When vectors cannot be had (no embedder, or
 * it is down), the answer is lexical with a notice that says why, never an error.
 */
import type { SearchFilters, SearchHit, SearchMode, Store } from "../../indexers/store.js";
import { toPublicResult, type PublicSearchResult } from "./format.js";
import { bestPerDocument, reciprocalRankFusion } from "./fusion.js";
import { boostDefinitions, type DefinitionLookup } from "./definition-boost.js";

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

/** What the search needs of the vector side (pipeline/vectors.ts's VectorIndexer). */
export interface VectorSupport {
  /** An embedder is configured (hybrid becomes the default mode). */
  readonly enabled: boolean;
  queryVector(query: string): Promise<{ vector?: Float32Array; reason?: string }>;
  status(): { pending?: number };
}

export interface FusionSettings {
  rrfK: number;
  /** Candidates taken from each ranking before fusion. */
  candidates: number;
}

export const NO_EMBEDDER_REASON =
  "no embedder is configured (set embedder in mcp.json, DOCINDEX_EMBEDDER or --embedder)";

export async function runSearchQuery(
  store: Pick<Store, "search">,
  request: SearchQuery,
  vectors?: VectorSupport,
  fusion: FusionSettings = { rrfK: 20, candidates: 100 },
  /** The store's symbols: with them, a chunk that defines a name the query gives comes first. */
  definitions?: DefinitionLookup,
): Promise<SearchAnswer> {
  const wanted: SearchMode = request.mode ?? (vectors?.enabled ? "hybrid" : "lexical");
  const base = { query: request.query, filters: request.filters };
  const lexical = (limit: number, onePerDocument: boolean) =>
    store.search({ ...base, limit, mode: "lexical", onePerDocument });

  let vector: Float32Array | undefined;
  let notice: string | undefined;
  if (wanted !== "lexical") {
    const answer = vectors
      ? await vectors.queryVector(request.query)
      : { reason: NO_EMBEDDER_REASON };
    vector = answer.vector;
    if (!vector)
      notice = `${wanted} search is not available: ${answer.reason ?? NO_EMBEDDER_REASON}; answered with lexical (BM25) search.`;
  }
  const pending = vectors?.status().pending ?? 0;
  if (vector && pending > 0)
    notice = `${pending} chunks are still waiting for embeddings; ${wanted} results may miss them.`;

  let mode: SearchMode = wanted;
  let hits: SearchHit[];
  if (!vector) {
    mode = "lexical";
    hits = await lexical(request.limit, request.perDocument);
  } else if (wanted === "semantic") {
    hits = await store.search({
      ...base,
      limit: request.limit,
      mode: "semantic",
      vector,
      onePerDocument: request.perDocument,
    });
  } else {
    const depth = Math.max(fusion.candidates, request.limit);
    const [lexicalHits, semanticHits] = await Promise.all([
      lexical(depth, false),
      store.search({ ...base, limit: depth, mode: "semantic", vector, onePerDocument: false }),
    ]);
    // Lexical first: a hit found by both keeps the lexical snippet, which shows the words.
    const fused = reciprocalRankFusion([lexicalHits, semanticHits], fusion.rrfK);
    hits = (request.perDocument ? bestPerDocument(fused) : fused).slice(0, request.limit);
  }
  let results = hits.map(toPublicResult);
  if (definitions !== undefined)
    results = await boostDefinitions(definitions, request.query, request.filters, results, request);
  const answer: SearchAnswer = { query: request.query, mode, results };
  if (notice) answer.notice = notice;
  return answer;
}
