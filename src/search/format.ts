/**
 * The public shape of a search hit, shared by the CLI's --json output and the MCP `search`
 * tool: paths relative to their root, and the line range or page to cite.
 */
import type { SearchHit } from "../../indexers/store.js";

export interface PublicSearchResult {
  path: string;
  root: string;
  score: number;
  snippet: string;
  kind: string;
  title?: string;
  headingPath: string[];
  lines?: { start: number; end: number };
  page?: number;
  chunkId: string;
  /** Which rankings found the hit: ["lexical"], ["semantic"] or both (hybrid). */
  matchedBy?: ("lexical" | "semantic")[];
  /** Set when the passage defines an identifier the query names (definition-boost.ts). */
  definition?: { name: string; kind: string; line: number };
}

/** Four decimals: enough to order by, without float noise in the answer. */
export function roundScore(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}

export function toPublicResult(hit: SearchHit): PublicSearchResult {
  const result: PublicSearchResult = {
    path: hit.path,
    root: hit.root,
    score: roundScore(hit.score),
    snippet: hit.snippet,
    kind: hit.kind,
    headingPath: hit.headingPath,
    chunkId: hit.chunkId,
  };
  if (hit.title) result.title = hit.title;
  if (hit.lineStart !== undefined && hit.lineEnd !== undefined) {
    result.lines = { start: hit.lineStart, end: hit.lineEnd };
  }
  if (hit.page !== undefined) result.page = hit.page;
  if (hit.matchedBy) result.matchedBy = hit.matchedBy;
  return result;
}

/** "docs/a.md:12-40" or "paper.pdf (page 3)": how a person cites a hit. */
export function citation(result: PublicSearchResult): string {
  if (result.lines) return `${result.path}:${result.lines.start}-${result.lines.end}`;
  if (result.page !== undefined) return `${result.path} (page ${result.page})`;
  return result.path;
}

export function formatResultsText(results: PublicSearchResult[], query: string): string {
  if (results.length === 0) return `No results for "${query}".`;
  return results
    .map((r, i) => {
      const heading = r.headingPath.length > 0 ? `  ${r.headingPath.join(" > ")}` : "";
      const snippet = r.snippet.replace(/\s+/g, " ").trim();
      return `${i + 1}. ${citation(r)}  (score ${r.score.toFixed(2)})${heading}\n   ${snippet}`;
    })
    .join("\n");
}
