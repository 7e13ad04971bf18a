/**
 * How a symbol query matches stored names, shared by both stores so that they rank alike.
 * Names compare case-insensitively; a name in the query's exact case ranks first. "prefix"
 * matches names that start with the query; "fuzzy" matches names that hold the query's
 * characters in order, the way an editor's "go to symbol" does, and ranks them by how the
 * characters fall: consecutive runs and word starts (after "_", ".", "-", or at a capital
 * letter) score, gaps cost.
 */
import type { SymbolMatch } from "./store.js";

/** Longer queries are not names. */
export const MAX_SYMBOL_QUERY = 200;
/** A fuzzy query's candidates the stores score, at most (the best of those are kept). */
export const MAX_FUZZY_CANDIDATES = 20_000;

export function foldName(name: string): string {
  return name.toLowerCase();
}

/** The query's name, checked: a clear error rather than a query that matches nothing or everything. */
export function checkedSymbolName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === "")
    throw new RangeError("A symbol query needs a name (or, for prefix and fuzzy, some of it).");
  if (trimmed.length > MAX_SYMBOL_QUERY)
    throw new RangeError(
      `A symbol name is at most ${MAX_SYMBOL_QUERY} characters; this one has ${trimmed.length}.`,
    );
  return trimmed;
}

/** The score of a stored name for the query, or undefined when it does not match. */
export function symbolScore(query: string, name: string, match: SymbolMatch): number | undefined {
  const q = foldName(query);
  const n = foldName(name);
  const caseBonus = name === query || name.startsWith(query) ? 0.5 : 0;
  if (n === q) return 3 + caseBonus;
  if (match === "exact") return undefined;
  if (n.startsWith(q)) return 2 + caseBonus - Math.min(0.4, (n.length - q.length) / 100);
  if (match === "prefix") return undefined;
  const closeness = subsequenceScore(q, name);
  return closeness === undefined ? undefined : closeness;
}

/** 0 to 1 when the folded query's characters appear in order in the name, else undefined. */
function subsequenceScore(q: string, name: string): number | undefined {
  const n = foldName(name);
  let at = 0;
  let points = 0;
  let previous = -2;
  for (const ch of q) {
    const found = n.indexOf(ch, at);
    if (found < 0) return undefined;
    let point = 1;
    if (found === previous + 1) point += 2;
    if (isWordStart(name, found)) point += 2;
    points += point;
    previous = found;
    at = found + 1;
  }
  const best = 5 * q.length;
  // Extra length in the name beyond the query is a small cost, so "parse" prefers "parseX" to "parseXYZ".
  return Math.max(0, points / best - (n.length - q.length) / (20 * n.length + 1));
}

function isWordStart(name: string, i: number): boolean {
  if (i === 0) return true;
  const before = name[i - 1] ?? "";
  const here = name[i] ?? "";
  if ("_.-:$ ".includes(before)) return true;
  return here !== here.toLowerCase() && before === before.toLowerCase();
}

/** A SQL LIKE pattern (escape "\\") for names that hold the query's characters in order. */
export function fuzzyLikePattern(query: string): string {
  const escape = (c: string): string => (c === "%" || c === "_" || c === "\\" ? `\\${c}` : c);
  return `%${[...foldName(query)].map(escape).join("%")}%`;
}

/** Best first: score, then shorter names, then path and line (a stable order for equal scores). */
export function compareSymbolHits(
  a: { score: number; name: string; root: string; path: string; nameLine: number },
  b: { score: number; name: string; root: string; path: string; nameLine: number },
): number {
  return (
    b.score - a.score ||
    a.name.length - b.name.length ||
    (a.root < b.root ? -1 : a.root > b.root ? 1 : 0) ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    a.nameLine - b.nameLine
  );
}
