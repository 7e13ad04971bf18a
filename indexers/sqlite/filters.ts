/**
 * Search and listing filters as SQL conditions on the `documents` table (alias `d`). Every
 * filter, the glob included, runs inside the query, so LIMIT counts only rows that pass.
 * An empty list (roots: [], kinds: []) means "no restriction", like an absent one.
 */
import type Database from "better-sqlite3";
import picomatch from "picomatch";
import type { DocumentFilter, SearchFilters } from "../store.js";

export interface SqlCondition {
  where: string[];
  params: unknown[];
}

export const GLOB_FUNCTION = "docindex_glob";

/** The smallest string greater than every string that starts with `prefix` (code point order). */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = [...prefix].map((c) => c.codePointAt(0) ?? 0);
  while (points.length > 0) {
    const last = points.pop() ?? 0;
    if (last < 0x10ffff) {
      points.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...points);
    }
  }
  return undefined;
}

/** Registers the glob matcher SQLite calls; compiled patterns are cached per connection. */
export function registerGlob(db: Database.Database): void {
  const cache = new Map<string, (path: string) => boolean>();
  db.function(GLOB_FUNCTION, { deterministic: true }, (pattern: unknown, path: unknown) => {
    if (typeof pattern !== "string" || typeof path !== "string") return 0;
    let matcher = cache.get(pattern);
    if (matcher === undefined) {
      matcher = picomatch(pattern, { dot: true });
      if (cache.size > 256) cache.clear();
      cache.set(pattern, matcher);
    }
    return matcher(path) ? 1 : 0;
  });
}

function inList(column: string, values: readonly string[] | undefined, out: SqlCondition): void {
  if (values === undefined || values.length === 0) return;
  out.where.push(`${column} IN (${values.map(() => "?").join(", ")})`);
  out.params.push(...values);
}

function prefix(pathPrefix: string | undefined, out: SqlCondition): void {
  if (pathPrefix === undefined || pathPrefix === "") return;
  out.where.push("d.path >= ?");
  out.params.push(pathPrefix);
  const upper = prefixUpperBound(pathPrefix);
  if (upper !== undefined) {
    out.where.push("d.path < ?");
    out.params.push(upper);
  }
}

export function searchConditions(filters: SearchFilters = {}): SqlCondition {
  const out: SqlCondition = { where: [], params: [] };
  inList("d.root", filters.roots, out);
  prefix(filters.pathPrefix, out);
  if (filters.pathGlob !== undefined && filters.pathGlob !== "") {
    out.where.push(`${GLOB_FUNCTION}(?, d.path)`);
    out.params.push(filters.pathGlob);
  }
  inList("d.kind", filters.kinds, out);
  if (filters.modifiedSinceMs !== undefined) {
    out.where.push("d.mtime_ms >= ?");
    out.params.push(filters.modifiedSinceMs);
  }
  return out;
}

export function documentConditions(filter: DocumentFilter = {}): SqlCondition {
  const out: SqlCondition = { where: [], params: [] };
  inList("d.root", filter.roots, out);
  prefix(filter.pathPrefix, out);
  inList("d.status", filter.statuses, out);
  inList("d.kind", filter.kinds, out);
  return out;
}
