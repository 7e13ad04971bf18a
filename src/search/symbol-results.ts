/**
 * The public shape of a symbol answer, shared by the `symbols` tool and `docindex symbols`:
 * where each definition is (path relative to its root, its lines) and what it is.
 */
import type { SymbolHit } from "../../indexers/store.js";
import { roundScore } from "./format.js";

export interface PublicSymbol {
  name: string;
  kind: string;
  /** Enclosing definitions, outermost first, joined by "."; absent at top level. */
  container?: string;
  path: string;
  root: string;
  /** The definition's lines, to cite and to read. */
  lines: { start: number; end: number };
  /** The line the name is on. */
  line: number;
  signature: string;
  score: number;
}

export function toPublicSymbol(hit: SymbolHit): PublicSymbol {
  const symbol: PublicSymbol = {
    name: hit.name,
    kind: hit.kind,
    path: hit.path,
    root: hit.root,
    lines: { start: hit.lineStart, end: hit.lineEnd },
    line: hit.nameLine,
    signature: hit.signature,
    score: roundScore(hit.score),
  };
  if (hit.container !== "") symbol.container = hit.container;
  return symbol;
}

/** "src/parser.ts:12-40": how a person cites a definition. */
export function symbolCitation(symbol: PublicSymbol): string {
  return `${symbol.path}:${symbol.lines.start}-${symbol.lines.end}`;
}

export function formatSymbolsText(symbols: PublicSymbol[], empty: string): string {
  if (symbols.length === 0) return empty;
  return symbols
    .map((s, i) => {
      const qualified = s.container ? `${s.container}.${s.name}` : s.name;
      return `${i + 1}. ${s.kind} ${qualified}  ${symbolCitation(s)}\n   ${s.signature}`;
    })
    .join("\n");
}
