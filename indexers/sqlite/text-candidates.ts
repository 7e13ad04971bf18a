/**
 * grep's candidates from the n-gram index: the documents whose text_grams row holds every
 * trigram the pattern needs (an FTS5 MATCH of AND/OR over quoted trigrams), plus those indexed
 * before text_grams existed (text_grams_missing), filtered like search and listed in
 * (root, path) order from a resume point. `{ all: true }` lists every indexed document.
 */
import type Database from "better-sqlite3";
import type { TextCandidatesRequest, TextQuery } from "../store.js";
import { toTrigramQuery } from "../text/text-query.js";
import { searchConditions } from "./filters.js";
import type { TextRow } from "./rows.js";

/** Candidates per call at most. */
export const MAX_CANDIDATES = 1000;

export interface CandidateRow extends TextRow {
  root: string;
  path: string;
  kind: string;
  sections: string | null;
}

/** FTS5 query syntax for a trigram tree: each trigram a quoted string ("" escapes a quote). */
export function ftsMatch(query: TextQuery): string {
  if ("literal" in query) return `"${query.literal.replaceAll('"', '""')}"`;
  if ("and" in query) return `(${query.and.map(ftsMatch).join(" AND ")})`;
  if ("or" in query) return `(${query.or.map(ftsMatch).join(" OR ")})`;
  throw new Error("ftsMatch: `all` has no FTS5 form");
}

export function textCandidates(
  db: Database.Database,
  request: TextCandidatesRequest,
): CandidateRow[] {
  const limit = Math.max(1, Math.min(Math.floor(request.limit) || 1, MAX_CANDIDATES));
  const conditions = searchConditions(request.filters);
  conditions.where.push("d.status = 'indexed'");
  const grams = toTrigramQuery(request.query);
  const params: unknown[] = [];
  if (!("all" in grams)) {
    conditions.where.push(
      "(d.id IN (SELECT rowid FROM text_grams WHERE text_grams MATCH ?) OR d.id IN (SELECT doc_id FROM text_grams_missing))",
    );
    params.push(ftsMatch(grams));
  }
  if (request.from !== undefined) {
    conditions.where.push("(d.root, d.path) >= (?, ?)");
    params.push(request.from.root, request.from.path);
  }
  // The MATCH and resume parameters come after the filters', in the order of `where`.
  return db
    .prepare(
      `SELECT t.doc_id, t.text, t.gaps, d.root, d.path, d.kind, d.sections
       FROM documents d JOIN document_text t ON t.doc_id = d.id
       WHERE ${conditions.where.join(" AND ")}
       ORDER BY d.root, d.path LIMIT ?`,
    )
    .all(...conditions.params, ...params, limit) as CandidateRow[];
}
