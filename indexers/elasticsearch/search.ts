/**
 * Lexical and vector search, consistent per document. Chunks of a document's next version are
 * written before its record names that version, and the old version's chunks are deleted only
 * after; a document's record and chunks share a shard. A search therefore opens a point in time
 * (one snapshot per shard), finds chunks, then reads the records of the documents it found from
 * the same snapshot, and keeps a chunk only if its record names the chunk's generation. A
 * snapshot that holds a record of generation g holds every chunk of g (they were acknowledged
 * before the record was written), so a search sees one whole version of each document, never a
 * mix, whatever refreshes happened in between. Chunks dropped by that check (a version in
 * flight, leftovers of a crash) are made up for by fetching more from the same snapshot.
 *
 * One result per document is chosen here, not by `collapse`: collapsing makes Lucene score every
 * matching chunk (an OR query of SciFact words matches half of them), while a plain top-k sorted
 * by score alone lets it skip chunks that cannot compete. The top chunks are sorted with the
 * SQLite store's tie-breaks in JavaScript and the first of each document kept; a window whose
 * last chunk ties with the last result kept is widened, so ties are broken as SQLite breaks them
 * and never by where the window happened to end (bench/README.md, `elasticsearch-ratios`).
 */
import type { estypes } from "@elastic/elasticsearch";
import picomatch from "picomatch";
import type { FileKind } from "../../scanners/types.js";
import { queryTerms, type QueryOptions } from "../text/query-terms.js";
import { makeSnippet } from "../text/snippet.js";
import type { SearchHit, SearchRequest } from "../store.js";
import type { EsConnection } from "./connection.js";
import type { StoredVectorModel } from "./mapping.js";
import { PIT_KEEP_ALIVE, type PitCache } from "./pit-cache.js";
import { lexicalQuery, searchFilters, type ColumnWeights } from "./queries.js";
import { CHUNK_READ_FIELDS, recordId, type ChunkSource, type RecordSource } from "./sources.js";

/** Search results are capped, as in the SQLite store. */
export const MAX_SEARCH_LIMIT = 1000;
/** Elasticsearch's default index.max_result_window, and the largest knn k. */
const MAX_WINDOW = 10_000;

type Query = estypes.QueryDslQueryContainer;

/** Score alone, so Lucene can skip what cannot compete; ties are broken in compareHits. */
const LEXICAL_ORDER: estypes.Sort = [{ _score: { order: "desc" } }];

export interface SearchContext {
  conn: EsConnection;
  index: string;
  weights: ColumnWeights;
  queryOptions: QueryOptions;
  pits: PitCache;
  /** The last write this search must see, and the last one a finished refresh made visible. */
  needed: number;
  covered: number;
}

interface Plan {
  body: (size: number) => estypes.SearchRequest;
  terms: string[];
}

function plan(
  ctx: SearchContext,
  request: SearchRequest,
  model: StoredVectorModel | undefined,
): Plan | undefined {
  const { filter, mustNot } = searchFilters(request.filters);
  const terms = queryTerms(request.query, ctx.queryOptions);
  if (request.mode === "lexical") {
    const match = lexicalQuery(terms, ctx.weights);
    if (match === undefined) return undefined;
    return {
      terms,
      body: (size) => ({
        size,
        query: { bool: { must: [match], filter, must_not: mustNot } },
        sort: LEXICAL_ORDER,
      }),
    };
  }
  if (model === undefined || request.vector === undefined) return undefined;
  const vector = Array.from(request.vector);
  const knnFilter: Query = { bool: { filter, must_not: mustNot } };
  return {
    terms,
    body: (size) => ({
      size,
      knn: {
        field: model.field,
        query_vector: vector,
        k: size,
        num_candidates: Math.min(MAX_WINDOW, Math.max(100, size * 10)),
        filter: knnFilter,
      },
    }),
  };
}

type RecordView = Pick<
  RecordSource,
  "gen" | "root" | "path" | "kind" | "title" | "mtime" | "status"
>;

/** A chunk that passed the version check, before its snippet is cut. */
interface Candidate {
  score: number;
  root: string;
  path: string;
  ordinal: number;
  chunk: ChunkSource;
  record: RecordView;
}

type Ranked = Pick<Candidate, "score" | "root" | "path" | "ordinal">;

/** The SQLite store's order: score, then root, path and ordinal. */
function compareHits(a: Ranked, b: Ranked): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.root !== b.root) return a.root < b.root ? -1 : 1;
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return a.ordinal - b.ordinal;
}

/** Sorted candidates, the best of each document (by its key) only. */
function bestOfEachDocument(candidates: Candidate[]): Candidate[] {
  const documents = new Set<string>();
  const best: Candidate[] = [];
  for (const candidate of candidates) {
    if (documents.has(candidate.chunk.key)) continue;
    documents.add(candidate.chunk.key);
    best.push(candidate);
  }
  return best;
}

/** knn scores cosine as (1 + cos) / 2; hits carry the cosine itself, as in SQLite. */
function hitScore(score: number | null | undefined, mode: SearchRequest["mode"]): number {
  const value = score ?? 0;
  return mode === "lexical" ? value : 2 * value - 1;
}

export async function runSearch(
  ctx: SearchContext,
  request: SearchRequest,
  model: StoredVectorModel | undefined,
): Promise<SearchHit[]> {
  const limit = Math.min(Math.floor(request.limit), MAX_SEARCH_LIMIT);
  if (!(limit > 0)) return [];
  const planned = plan(ctx, request, model);
  if (planned === undefined) return [];
  const since = request.filters?.modifiedSinceMs;
  const glob = request.filters?.pathGlob
    ? picomatch(request.filters.pathGlob, { dot: true })
    : undefined;
  const client = ctx.conn.client;

  const once = async (): Promise<SearchHit[]> => {
    const lease = await ctx.pits.lease(ctx.index, ctx.needed, ctx.covered);
    let failed = true;
    try {
      for (
        let want = Math.min(MAX_WINDOW, limit + Math.max(10, Math.ceil(limit / 4)));
        ;
        want = Math.min(MAX_WINDOW, want * 4)
      ) {
        const found = await client.search<ChunkSource>({
          ...planned.body(want),
          pit: { id: lease.id, keep_alive: PIT_KEEP_ALIVE },
          _source: CHUNK_READ_FIELDS,
          track_total_hits: false,
          allow_partial_search_results: false,
        });
        if (found.pit_id !== undefined) lease.renamed(found.pit_id);
        const records = await readRecords(ctx, lease.id, found.hits.hits);
        const candidates: Candidate[] = [];
        for (const hit of found.hits.hits) {
          const chunk = hit._source;
          const record = chunk === undefined ? undefined : records.get(chunk.key);
          if (chunk === undefined || record === undefined || record.gen !== chunk.gen) continue;
          if (record.status !== "indexed") continue;
          if (since !== undefined && record.mtime < since) continue;
          if (glob !== undefined && !glob(record.path)) continue;
          const score = hitScore(hit._score, request.mode);
          const { root, path } = record;
          candidates.push({ score, root, path, ordinal: chunk.ord, chunk, record });
        }
        candidates.sort(compareHits);
        const results = request.onePerDocument ? bestOfEachDocument(candidates) : candidates;
        const fetched = found.hits.hits;
        const exhausted = fetched.length < want || want >= MAX_WINDOW;
        // Chunks past the window may tie with the last result: they could win its tie-break.
        const cut = results[limit - 1];
        const last = fetched[fetched.length - 1];
        const tiesPastWindow =
          cut !== undefined &&
          last !== undefined &&
          hitScore(last._score, request.mode) === cut.score;
        if (exhausted || (cut !== undefined && !tiesPastWindow)) {
          failed = false;
          return results
            .slice(0, limit)
            .map((c) => toHit(c.chunk, c.record, c.score, planned.terms, request.mode));
        }
      }
    } finally {
      await lease.release(failed);
    }
  };
  return ctx.conn.attempt("search", async () => {
    try {
      return await once();
    } catch (error) {
      // A shared PIT outlives the index it was opened on when a rebuild swaps the alias and
      // deletes the old index (here or in another process): the failed search dropped it, and
      // one more try opens a PIT on what the alias names now.
      if (!isStalePit(error)) throw error;
      return once();
    }
  });
}

function isStalePit(error: unknown): boolean {
  const type = (error as { body?: { error?: { type?: string; root_cause?: { type?: string }[] } } })
    ?.body?.error;
  const types = [type?.type, ...(type?.root_cause ?? []).map((cause) => cause.type)];
  return types.some(
    (t) => t === "index_not_found_exception" || t === "search_context_missing_exception",
  );
}

async function readRecords(
  ctx: SearchContext,
  pit: string,
  hits: estypes.SearchHit<ChunkSource>[],
): Promise<Map<string, RecordView>> {
  const keys = [
    ...new Set(hits.map((h) => h._source?.key).filter((k): k is string => k !== undefined)),
  ];
  const records = new Map<string, RecordView>();
  if (keys.length === 0) return records;
  const result = await ctx.conn.client.search<RecordSource>({
    pit: { id: pit },
    size: keys.length,
    query: {
      bool: { filter: [{ term: { type: "doc" } }, { ids: { values: keys.map(recordId) } }] },
    },
    _source: ["key", "gen", "root", "path", "kind", "title", "mtime", "status"],
    track_total_hits: false,
    allow_partial_search_results: false,
  });
  for (const hit of result.hits.hits) {
    if (hit._source !== undefined) records.set(hit._source.key, hit._source);
  }
  return records;
}

function toHit(
  chunk: ChunkSource,
  record: RecordView,
  score: number,
  terms: string[],
  mode: SearchRequest["mode"],
): SearchHit {
  const hit: SearchHit = {
    root: record.root,
    path: record.path,
    kind: record.kind as FileKind,
    chunkId: chunk.chunk_id,
    ordinal: chunk.ord,
    score,
    snippet: makeSnippet(chunk.text, terms),
    text: chunk.text,
    headingPath: chunk.heading_path,
    matchedBy: [mode === "semantic" ? "semantic" : "lexical"],
  };
  if (record.title !== undefined) hit.title = record.title;
  if (chunk.line_start !== undefined) hit.lineStart = chunk.line_start;
  if (chunk.line_end !== undefined) hit.lineEnd = chunk.line_end;
  if (chunk.page !== undefined) hit.page = chunk.page;
  return hit;
}
