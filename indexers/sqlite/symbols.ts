/**
 * Symbol lookups on the `symbols` table: exact and prefix names through the index on
 * name_folded (a range scan), fuzzy names through a LIKE pattern of the query's characters in
 * order, then scored and ranked by indexers/symbol-match.ts like the Elasticsearch store.
 * Only indexed documents' symbols are stored, so no status filter is needed.
 */
import type Database from "better-sqlite3";
import type { SymbolKind } from "../../scanners/types.js";
import type { SymbolHit, SymbolQuery } from "../store.js";
import {
  checkedSymbolName,
  compareSymbolHits,
  foldName,
  fuzzyLikePattern,
  MAX_FUZZY_CANDIDATES,
  symbolScore,
} from "../symbol-match.js";
import { prefixUpperBound, searchConditions } from "./filters.js";

interface SymbolRow {
  root: string;
  path: string;
  name: string;
  kind: string;
  container: string;
  line_start: number;
  line_end: number;
  name_line: number;
  signature: string;
}

const MAX_LIMIT = 1000;

export function findSymbols(db: Database.Database, query: SymbolQuery): SymbolHit[] {
  const name = checkedSymbolName(query.name);
  const folded = foldName(name);
  const limit = Math.max(1, Math.min(Math.floor(query.limit) || 1, MAX_LIMIT));
  const filters = searchConditions({
    roots: query.roots,
    pathPrefix: query.pathPrefix,
    pathGlob: query.pathGlob,
  });
  const where = [...filters.where];
  const params = [...filters.params];
  if (query.match === "exact") {
    where.push("s.name_folded = ?");
    params.push(folded);
  } else {
    // Prefix and fuzzy both need every candidate that starts with the query; fuzzy adds the rest.
    where.push(
      query.match === "prefix" ? "s.name_folded >= ?" : "s.name_folded LIKE ? ESCAPE '\\'",
    );
    params.push(query.match === "prefix" ? folded : fuzzyLikePattern(name));
    const upper = query.match === "prefix" ? prefixUpperBound(folded) : undefined;
    if (upper !== undefined) {
      where.push("s.name_folded < ?");
      params.push(upper);
    }
  }
  if (query.kinds !== undefined && query.kinds.length > 0) {
    where.push(`s.kind IN (${query.kinds.map(() => "?").join(", ")})`);
    params.push(...query.kinds);
  }
  const rows = db
    .prepare(
      `SELECT d.root, d.path, s.name, s.kind, s.container, s.line_start, s.line_end, s.name_line, s.signature
       FROM symbols s JOIN documents d ON d.id = s.doc_id
       WHERE ${where.join(" AND ")}
       LIMIT ?`,
    )
    .all(...params, MAX_FUZZY_CANDIDATES) as SymbolRow[];
  const hits: SymbolHit[] = [];
  for (const row of rows) {
    const score = symbolScore(name, row.name, query.match);
    if (score === undefined) continue;
    hits.push({
      root: row.root,
      path: row.path,
      name: row.name,
      kind: row.kind as SymbolKind,
      container: row.container,
      lineStart: row.line_start,
      lineEnd: row.line_end,
      nameLine: row.name_line,
      signature: row.signature,
      score,
    });
  }
  return hits.sort(compareSymbolHits).slice(0, limit);
}
