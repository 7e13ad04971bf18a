/**
 * Prepared statements kept per connection, keyed by their SQL. Search SQL varies with the
 * filters, so it cannot be prepared once up front; preparing it for every query cost a few
 * per cent of a search. The cache is bounded so that unusual filter mixes cannot grow it.
 */
import type Database from "better-sqlite3";

const STATEMENTS = new WeakMap<Database.Database, Map<string, Database.Statement>>();
const MAX_CACHED = 64;

export function cachedStatement(db: Database.Database, sql: string): Database.Statement {
  let cache = STATEMENTS.get(db);
  if (cache === undefined) STATEMENTS.set(db, (cache = new Map()));
  let prepared = cache.get(sql);
  if (prepared === undefined) {
    if (cache.size >= MAX_CACHED) cache.clear();
    prepared = db.prepare(sql);
    cache.set(sql, prepared);
  }
  return prepared;
}
