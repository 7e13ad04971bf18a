/**
 * A sheet's rows as blocks that each fit one chunk and stand alone: every block after the
 * first starts with the sheet's header row again, and is headed by the sheet name and the cell
 * range it covers (`Sales`, `A41:D80`), so a hit cites where in the workbook it is. Used by
 * XLSX and ODS alike.
 */
import { estimateTokens } from "../../chunk/tokens.js";
import type { OutlineBuilder } from "./outline.js";

export interface SheetRow {
  /** 1-based row number in the sheet. */
  row: number;
  /** Cell texts from `firstColumn` on, "" for empty cells. */
  cells: string[];
}

/** Chunk budget the blocks aim under when the caller does not know it (the default is 400). */
export const DEFAULT_BLOCK_TOKENS = 400;
/** Columns kept per row at most: a cell at XFD1 must not make every row 16,384 cells wide. */
export const MAX_COLUMNS = 256;

export function columnName(index: number): string {
  let name = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** `B12` → column 1 (0-based); undefined when the reference has no letters. */
export function columnIndex(ref: string): number | undefined {
  const letters = /^[A-Za-z]+/.exec(ref)?.[0];
  if (letters === undefined) return undefined;
  let index = 0;
  for (const ch of letters.toUpperCase()) index = index * 26 + (ch.charCodeAt(0) - 64);
  return index - 1;
}

export function addSheet(
  out: OutlineBuilder,
  sheetName: string,
  rows: readonly SheetRow[],
  firstColumn: number,
  budgetTokens = DEFAULT_BLOCK_TOKENS,
): void {
  const filled = rows
    .map((r) => ({ row: r.row, line: lineOf(r.cells) }))
    .filter((r) => r.line !== "");
  if (filled.length === 0) return;
  const width = Math.max(...rows.map((r) => trimmedWidth(r.cells)));
  const range = (from: number, to: number): string =>
    `${columnName(firstColumn)}${from}:${columnName(firstColumn + Math.max(width, 1) - 1)}${to}`;
  const header = headerRow(rows, filled);
  const headerTokens = estimateTokens(header.line);
  // Room for the repeated header, and slack for the chunker's own estimate of the joined text.
  const budget = Math.max(8, Math.floor(budgetTokens * 0.9));
  let block: typeof filled = [];
  let tokens = 0;
  const flush = (): void => {
    if (block.length === 0) return;
    const lines = block.map((r) => r.line);
    if (block[0]!.row > header.row) lines.unshift(header.line);
    out.add([sheetName, range(block[0]!.row, block[block.length - 1]!.row)], lines.join("\n"));
    block = [];
    tokens = 0;
  };
  for (const r of filled) {
    const cost = estimateTokens(r.line);
    if (block.length > 0 && tokens + cost > budget) flush();
    // A block after the first carries the header line too.
    if (block.length === 0) tokens = r.row > header.row ? headerTokens : 0;
    block.push(r);
    tokens += cost;
  }
  flush();
}

/**
 * The header row: the first of the first rows that fills at least half as many cells as the
 * widest row (and two), so a title line above the table ("Bookings for 01/30/17") is not taken
 * for it; rows above the header stay in the first block.
 */
function headerRow<T extends { row: number; line: string }>(
  rows: readonly SheetRow[],
  filled: T[],
): T {
  const counts = new Map(rows.map((r) => [r.row, r.cells.filter((c) => c.trim() !== "").length]));
  const widest = Math.max(...counts.values());
  const wanted = Math.max(2, Math.ceil(widest / 2));
  return filled.slice(0, 10).find((r) => (counts.get(r.row) ?? 0) >= wanted) ?? filled[0]!;
}

function trimmedWidth(cells: readonly string[]): number {
  let n = cells.length;
  while (n > 0 && cells[n - 1] === "") n--;
  return n;
}

function lineOf(cells: readonly string[]): string {
  const width = trimmedWidth(cells);
  if (width === 0) return "";
  return cells
    .slice(0, width)
    .map((c) => c.replace(/\s+/g, " ").trim())
    .join(" | ");
}
