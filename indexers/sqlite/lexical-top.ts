/**
 * Lexical search without joining every match. An OR query matches a large share of the
 * chunks (half of them, for SciFact questions), and joining each match to its chunk and
 * document row before ranking cost three times the FTS5 query itself. So FTS5 ranks alone
 * (`ORDER BY score LIMIT n + 1`, a top-n sort over bm25), and only those n candidates are
 * joined, filtered, grouped per document and ordered; when they hold too few hits, n grows.
 *
 * Exactness: let t be the score of candidate n + 1. Every chunk scoring below t is among the
 * first n, so a document whose best chunk scores below t is ranked exactly as the full query
 * would rank it, and every document left out scores t or worse, behind all of those. Only the
 * candidates below t are kept (ties at t may continue past the cut); when they yield `limit`
 * hits the answer is the full query's, ties broken the same way (root, path, ordinal). When
 * FTS5 returned fewer than n + 1 rows it returned every match.
 *
 * Callers run this and their reading of the winners in one read transaction, so every
 * statement sees the same snapshot of the index (never half of a replaced document).
 */
import type Database from "better-sqlite3";
import type { SearchRequest } from "../store.js";
import { searchConditions } from "./filters.js";
import { FTS_COLUMNS } from "./schema.js";
import { cachedStatement } from "./statement-cache.js";

export interface RankedChunk {
  id: number;
  /** bm25, lower is better. */
  score: number;
}

interface CandidateRow {
  id: number;
  doc_id: number;
  root: string;
  path: string;
  ordinal: number;
}

/** SQLite orders TEXT by its UTF-8 bytes, which is code point order, not UTF-16 units. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (an astral code point) sorts above every BMP unit, as its UTF-8 does.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

const FIRST_CANDIDATES = 64;
const GROWTH = 8;

/** The best `limit` chunks (or documents' best chunks) for `match`, best first. */
export function lexicalTop(
  db: Database.Database,
  match: string,
  weights: readonly number[],
  request: SearchRequest,
  limit: number,
): RankedChunk[] {
  const bm25 = `bm25(chunks_fts, ${FTS_COLUMNS.map(() => "?").join(", ")})`;
  const rank = cachedStatement(
    db,
    `SELECT rowid AS id, ${bm25} AS score FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY score LIMIT ?`,
  ).raw();
  const filters = searchConditions(request.filters);
  const where = ["c.id IN (SELECT value FROM json_each(?))", ...filters.where].join(" AND ");
  const rows = cachedStatement(
    db,
    `SELECT c.id, c.doc_id, d.root, d.path, c.ordinal FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE ${where}`,
  );
  for (let n = Math.max(FIRST_CANDIDATES, limit * 4); ; n *= GROWTH) {
    const ranked = rank.all(...weights, match, n + 1) as [number, number][];
    const complete = ranked.length <= n;
    const cut = complete ? Infinity : ranked[n]![1];
    const scores = new Map<number, number>();
    for (const [id, score] of ranked) if (score < cut) scores.set(id, score);
    const found = (
      rows.all(JSON.stringify([...scores.keys()]), ...filters.params) as CandidateRow[]
    )
      .map((row) => ({ row, score: scores.get(row.id)! }))
      .sort(
        (a, b) =>
          a.score - b.score ||
          compareCodePoints(a.row.root, b.row.root) ||
          compareCodePoints(a.row.path, b.row.path) ||
          a.row.ordinal - b.row.ordinal,
      );
    const hits: RankedChunk[] = [];
    const seen = new Set<number>();
    for (const { row, score } of found) {
      if (request.onePerDocument) {
        if (seen.has(row.doc_id)) continue;
        seen.add(row.doc_id);
      }
      hits.push({ id: row.id, score });
      if (hits.length === limit) break;
    }
    if (hits.length === limit || complete) return hits;
  }
}
