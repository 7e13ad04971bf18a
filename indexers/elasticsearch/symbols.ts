/**
 * Symbols in Elasticsearch live on their document's record: `symbols` (stored, not indexed)
 * holds every definition, `symbol_names` (keyword) their folded names. A record is replaced
 * whole, so its symbols change with its chunks (see README.md). A lookup finds the records
 * whose names match (term, prefix, or for fuzzy a wildcard of the query's characters in
 * order), then scores and ranks each matching symbol with indexers/symbol-match.ts, as the
 * SQLite store does.
 */
import type { estypes } from "@elastic/elasticsearch";
import type { CodeSymbol } from "../../scanners/types.js";
import type { SymbolHit, SymbolQuery } from "../store.js";
import { checkedSymbolName, compareSymbolHits, foldName, symbolScore } from "../symbol-match.js";
import type { EsConnection } from "./connection.js";
import { searchFilters } from "./queries.js";

type Query = estypes.QueryDslQueryContainer;

/** Records read per lookup at most; their symbols are then ranked here. */
const MAX_RECORDS = 2000;

/** The record fields of a document's symbols. */
export function symbolFields(symbols: CodeSymbol[] | undefined): {
  symbols?: CodeSymbol[];
  symbol_names?: string[];
} {
  if (symbols === undefined || symbols.length === 0) return {};
  return { symbols, symbol_names: [...new Set(symbols.map((s) => foldName(s.name)))] };
}

function nameQuery(query: SymbolQuery, name: string): Query {
  const folded = foldName(name);
  if (query.match === "exact") return { term: { symbol_names: folded } };
  if (query.match === "prefix") return { prefix: { symbol_names: folded } };
  // Wildcard syntax is only "*", "?" and "\\": escaped, the query's characters are literal.
  const pattern = [...folded].map((c) => (c === "*" || c === "?" || c === "\\" ? `\\${c}` : c));
  return { wildcard: { symbol_names: { value: `*${pattern.join("*")}*` } } };
}

export async function findSymbols(
  conn: EsConnection,
  index: string,
  query: SymbolQuery,
): Promise<SymbolHit[]> {
  const name = checkedSymbolName(query.name);
  const { filter, mustNot } = searchFilters({
    roots: query.roots,
    pathPrefix: query.pathPrefix,
    pathGlob: query.pathGlob,
  });
  // searchFilters is made for chunks; symbols are on records.
  filter[0] = { term: { type: "doc" } };
  filter.push({ term: { status: "indexed" } }, nameQuery(query, name));
  const result = await conn.call("find symbols", (c) =>
    c.search<{ root: string; path: string; symbols?: CodeSymbol[] }>({
      index,
      size: MAX_RECORDS,
      query: { bool: { filter, must_not: mustNot } },
      _source: ["root", "path", "symbols"],
    }),
  );
  const kinds =
    query.kinds !== undefined && query.kinds.length > 0 ? new Set(query.kinds) : undefined;
  const hits: SymbolHit[] = [];
  for (const hit of result.hits.hits) {
    const source = hit._source;
    if (source === undefined) continue;
    for (const symbol of source.symbols ?? []) {
      if (kinds !== undefined && !kinds.has(symbol.kind)) continue;
      const score = symbolScore(name, symbol.name, query.match);
      if (score !== undefined)
        hits.push({ ...symbol, root: source.root, path: source.path, score });
    }
  }
  const limit = Math.max(1, Math.min(Math.floor(query.limit) || 1, 1000));
  return hits.sort(compareSymbolHits).slice(0, limit);
}
