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

interface Listed {
  id: number;
  root: string;
  path: string;
}

/** UTF-8 byte order, which is SQLite's BINARY collation (JavaScript compares UTF-16 units). */
function compareKeys(a: Listed, root: string, path: string): number {
  return Buffer.compare(Buffer.from(`${a.root}\0${a.path}`), Buffer.from(`${root}\0${path}`));
}

/**
 * Candidate lists kept per (query, filters) while the index is unchanged, so that the pages of
 * one grep (one call, or a client paging with its cursor) run the MATCH and the sort once:
 * choosing each page again cost 6.7 ms on 5,000 files for "function", most of the time of
 * every match. The index has changed when `PRAGMA data_version` (other connections' commits)
 * or `total_changes()` (this connection's) has.
 */
export class TextCandidates {
  private readonly lists = new Map<string, Listed[]>();
  private version = "";
  private readonly versionOf: Database.Statement;
  private readonly textsOf: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.versionOf = db.prepare("SELECT total_changes() AS changes");
    this.textsOf = db.prepare(
      // Sections only place matches on pages: documents without pages skip their JSON.
      `SELECT t.doc_id, t.text, t.gaps, d.root, d.path, d.kind,
         CASE WHEN d.page_count IS NULL THEN NULL ELSE d.sections END AS sections
       FROM documents d JOIN document_text t ON t.doc_id = d.id WHERE d.id = ?`,
    );
  }

  /** Call inside a read transaction, so the list and the texts come from one commit. */
  page(request: TextCandidatesRequest): CandidateRow[] {
    const limit = Math.max(1, Math.min(Math.floor(request.limit) || 1, MAX_CANDIDATES));
    const list = this.list(request);
    let lo = 0;
    if (request.from !== undefined) {
      const { root, path } = request.from;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareKeys(list[mid]!, root, path) < 0) lo = mid + 1;
        else hi = mid;
      }
    }
    const rows: CandidateRow[] = [];
    for (const listed of list.slice(lo, lo + limit)) {
      const row = this.textsOf.get(listed.id) as CandidateRow | undefined;
      if (row !== undefined) rows.push(row);
    }
    return rows;
  }

  private list(request: TextCandidatesRequest): Listed[] {
    const changes = (this.versionOf.get() as { changes: number }).changes;
    const version = `${this.db.pragma("data_version", { simple: true }) as number}:${changes}`;
    if (version !== this.version) {
      this.lists.clear();
      this.version = version;
    }
    const key = JSON.stringify([request.query, request.filters ?? {}]);
    let list = this.lists.get(key);
    if (list === undefined) {
      list = candidateList(this.db, request);
      if (this.lists.size >= 8) this.lists.delete(this.lists.keys().next().value!);
      this.lists.set(key, list);
    }
    return list;
  }
}

/** Every candidate's id and key, in (root, path) order. */
function candidateList(db: Database.Database, request: TextCandidatesRequest): Listed[] {
  const conditions = searchConditions(request.filters);
  conditions.where.push("d.status = 'indexed'");
  const grams = toTrigramQuery(request.query);
  if (!("all" in grams)) {
    conditions.where.push(
      "(d.id IN (SELECT rowid FROM text_grams WHERE text_grams MATCH ?) OR d.id IN (SELECT doc_id FROM text_grams_missing))",
    );
    conditions.params.push(ftsMatch(grams));
  }
  return db
    .prepare(
      `SELECT d.id, d.root, d.path FROM documents d
       WHERE ${conditions.where.join(" AND ")} ORDER BY d.root, d.path`,
    )
    .all(...conditions.params) as Listed[];
}
