/**
 * Lexical and semantic search. Each is one SQL statement that scores candidates, joins chunks
 * and documents, filters, ranks and limits, in that order, so `limit` always counts hits that
 * passed the filters. With onePerDocument the best chunk of each document is kept by grouping
 * on the document (SQLite returns the bare columns of the row holding the min() score). Chunk
 * texts are read for the winners only.
 */
import type Database from "better-sqlite3";
import type { FileKind } from "../../scanners/types.js";
import type { SearchHit, SearchRequest } from "../store.js";
import { searchConditions } from "./filters.js";
import { parseQuery, type QueryOptions } from "./query.js";
import { queryTerms } from "../text/query-terms.js";
import { FTS_COLUMNS } from "./schema.js";
import { makeSnippet } from "../text/snippet.js";
import { toBlob } from "./vectors.js";
import { lexicalTop } from "./lexical-top.js";
import { cachedStatement } from "./statement-cache.js";
import type { AnnReader, AnnSnapshot } from "./ann/ann-reader.js";

export type FtsColumn = (typeof FTS_COLUMNS)[number];
export type ColumnWeights = Record<FtsColumn, number>;

/** Search results are capped: a ranked list longer than this is not read by anyone. */
export const MAX_SEARCH_LIMIT = 1000;

interface HitRow {
  root: string;
  path: string;
  kind: string;
  title: string | null;
  chunk_id: string;
  ordinal: number;
  text: string;
  heading_path: string;
  line_start: number | null;
  line_end: number | null;
  page: number | null;
  score: number;
}

const HIT_COLUMNS = `d.root, d.path, d.kind, d.title, c.chunk_id, c.ordinal, c.text, c.heading_path,
  c.line_start, c.line_end, c.page`;

function searchLimit(request: SearchRequest): number {
  const limit = Math.min(Math.floor(request.limit), MAX_SEARCH_LIMIT);
  return limit > 0 ? limit : 0;
}

/**
 * `scored` is a CTE named m with columns (id = chunk rowid, score, lower is better) and
 * `join` how m reaches the chunks table.
 */
function rankedSql(
  scored: string,
  join: string,
  request: SearchRequest,
): { sql: string; params: unknown[] } {
  const filters = searchConditions(request.filters);
  const where = filters.where.length > 0 ? `WHERE ${filters.where.join(" AND ")}` : "";
  const from = `FROM m JOIN chunks c ON ${join} JOIN documents d ON d.id = c.doc_id ${where}`;
  const top = request.onePerDocument
    ? `top AS (SELECT c.id AS cid, min(m.score) AS score ${from} GROUP BY c.doc_id ORDER BY score, d.root, d.path LIMIT ?)`
    : `top AS (SELECT c.id AS cid, m.score AS score ${from} ORDER BY score, d.root, d.path, c.ordinal LIMIT ?)`;
  const sql = `WITH ${scored}, ${top}
    SELECT ${HIT_COLUMNS}, top.score FROM top JOIN chunks c ON c.id = top.cid JOIN documents d ON d.id = c.doc_id
    ORDER BY top.score, d.root, d.path, c.ordinal`;
  return { sql, params: [...filters.params, searchLimit(request)] };
}

function toHit(
  row: HitRow,
  score: number,
  snippetTerms: string[],
  mode: "lexical" | "semantic",
): SearchHit {
  const hit: SearchHit = {
    root: row.root,
    path: row.path,
    kind: row.kind as FileKind,
    chunkId: row.chunk_id,
    ordinal: row.ordinal,
    score,
    snippet: makeSnippet(row.text, snippetTerms),
    text: row.text,
    headingPath: JSON.parse(row.heading_path) as string[],
    matchedBy: [mode],
  };
  if (row.title !== null) hit.title = row.title;
  if (row.line_start !== null) hit.lineStart = row.line_start;
  if (row.line_end !== null) hit.lineEnd = row.line_end;
  if (row.page !== null) hit.page = row.page;
  return hit;
}

export function lexicalSearch(
  db: Database.Database,
  request: SearchRequest,
  weights: ColumnWeights,
  queryOptions: QueryOptions,
): SearchHit[] {
  const parsed = parseQuery(request.query, queryOptions);
  const limit = searchLimit(request);
  if (parsed === undefined || limit === 0) return [];
  const columnWeights = FTS_COLUMNS.map((c) => weights[c]);
  // One read transaction: ranking and the winners' rows come from the same snapshot.
  const read = db.transaction(() => {
    const top = lexicalTop(db, parsed.match, columnWeights, request, limit);
    if (top.length === 0) return [];
    // The winners' rows, read after ranking: texts are long, and only these are shown.
    const rows = cachedStatement(
      db,
      `SELECT ${HIT_COLUMNS}, c.id FROM chunks c JOIN documents d ON d.id = c.doc_id
         WHERE c.id IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(top.map((t) => t.id))) as (HitRow & { id: number })[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return top.map((t) => ({ row: byId.get(t.id)!, score: t.score }));
  });
  return read.deferred().map(({ row, score }) => toHit(row, -score, parsed.terms, "lexical"));
}

/** Candidates asked of the graph at most; past this, the filters are selective: search exactly. */
const MAX_ANN_CANDIDATES = 4096;
/** Candidates asked of the graph first: ten per hit wanted, re-scored exactly. */
const firstCandidates = (limit: number) => Math.max(10 * limit, 128);

/**
 * Nearest chunks by cosine distance. Exact (every stored vector, or with filters every vector
 * of the rows that pass them) unless `ann` gives a snapshot: then the graph's nearest
 * candidates, with the vectors changed since its file, are scored exactly and filtered in SQL,
 * asking for four times more until `limit` hits pass the filters (one per document if asked)
 * and the last of them is no farther than the farthest candidate;
 * filters that keep so few rows that 4,096 candidates do not hold `limit` of them are served
 * by the exact search over the rows they keep, which is then small.
 */
export function semanticSearch(
  db: Database.Database,
  request: SearchRequest,
  vector: Float32Array,
  distanceFunction: string,
  queryOptions: QueryOptions,
  ann?: AnnReader,
): SearchHit[] {
  const limit = searchLimit(request);
  if (limit === 0) return [];
  const blob = toBlob(vector);
  const exact = (): HitRow[] => {
    const filters = searchConditions(request.filters);
    const scored =
      filters.where.length === 0
        ? `m AS MATERIALIZED (SELECT chunk_id, ${distanceFunction}(vector, ?) AS score FROM chunk_vectors)`
        : `m AS MATERIALIZED (SELECT v.chunk_id, ${distanceFunction}(v.vector, ?) AS score
             FROM chunk_vectors v WHERE v.chunk_id IN (SELECT c.chunk_id FROM chunks c
               JOIN documents d ON d.id = c.doc_id WHERE ${filters.where.join(" AND ")}))`;
    const { sql, params } = rankedSql(scored, "c.chunk_id = m.chunk_id", request);
    return cachedStatement(db, sql).all(blob, ...filters.params, ...params) as HitRow[];
  };
  const approximate = (snapshot: AnnSnapshot): HitRow[] => {
    const scored = `m AS MATERIALIZED (SELECT v.chunk_id, ${distanceFunction}(v.vector, ?) AS score
      FROM json_each(?) j JOIN chunk_vectors v ON v.id = j.value)`;
    const { sql, params } = rankedSql(scored, "c.chunk_id = m.chunk_id", request);
    const statement = cachedStatement(db, sql);
    for (let k = firstCandidates(limit); k <= MAX_ANN_CANDIDATES; k *= 4) {
      const { ids, exhausted, radius } = snapshot.candidates(vector, k);
      const rows = statement.all(blob, JSON.stringify(ids), ...params) as HitRow[];
      // The graph's k nearest cover every vector closer than its k-th (radius): once the
      // limit-th hit that passed the filters is no farther, no vector left out can beat it.
      const enough = rows.length >= limit && rows[limit - 1]!.score <= radius;
      if (enough || exhausted) {
        ann!.lastPlan = { kind: "approximate", candidates: ids.length };
        return rows;
      }
    }
    const first = firstCandidates(limit);
    ann!.lastPlan = {
      kind: "exact",
      why:
        first > MAX_ANN_CANDIDATES
          ? `a limit of ${limit} needs more candidates than the graph is asked for`
          : "filters keep too few of the nearest candidates",
    };
    return exact();
  };
  // One read transaction: the snapshot's delta and the rows it scores come from one state.
  const rows = db
    .transaction(() => {
      const snapshot = ann?.snapshot(db);
      if (snapshot === undefined) {
        if (ann !== undefined) ann.lastPlan = { kind: "exact", why: ann.unavailable };
        return exact();
      }
      return approximate(snapshot);
    })
    .deferred();
  const terms = queryTerms(request.query, queryOptions);
  // Cosine similarity: higher is better, like every store score.
  return rows.map((row) => toHit(row, 1 - row.score, terms, "semantic"));
}

/** Indexed documents with at least one chunk that a search for `term` alone would match. */
export function documentFrequency(db: Database.Database, term: string): number {
  const parsed = parseQuery(term, { stopwords: new Set() });
  if (parsed === undefined) return 0;
  return db
    .prepare(
      `SELECT count(DISTINCT c.doc_id) FROM chunks_fts f JOIN chunks c ON c.id = f.rowid
       WHERE chunks_fts MATCH ?`,
    )
    .pluck()
    .get(parsed.match) as number;
}
