/**
 * Jupyter notebooks (nbformat 3 and 4). The text is the cells' sources joined by blank lines;
 * markdown cells contribute headings, every cell starts a section (level 0 for code and raw
 * cells) whose heading path is the latest markdown heading above it.
 *
 * Outputs are dropped: they are derived from the code, often huge (logs, base64 images,
 * dataframes) and would drown the source in search results.
 */
import type { ParsedDocument, ParseOutcome } from "../types.js";
import { normalizeNewlines, splitLines } from "./lines.js";
import { markdownHeadings } from "./markdown-headings.js";
import { corrupt, indexed, REASONS, skipped } from "./outcome.js";
import { buildSections, HeadingStack, type SectionStart } from "./sections.js";

interface Cell {
  cell_type?: unknown;
  source?: unknown;
  input?: unknown;
}

interface Notebook {
  cells?: unknown;
  worksheets?: { cells?: unknown }[];
  metadata?: {
    title?: unknown;
    kernelspec?: { language?: unknown; name?: unknown };
    language_info?: { name?: unknown };
  };
}

export function parseNotebook(json: string): ParseOutcome {
  let notebook: Notebook;
  try {
    notebook = JSON.parse(json) as Notebook;
  } catch (error) {
    return corrupt(error);
  }
  if (notebook === null || typeof notebook !== "object")
    return corrupt("not a Jupyter notebook (no cells)");
  const cells = notebook.cells ?? notebook.worksheets?.[0]?.cells;
  if (!Array.isArray(cells)) return corrupt("not a Jupyter notebook (no cells)");

  const pieces: string[] = [];
  const starts: SectionStart[] = [];
  const stack = new HeadingStack();
  let offset = 0;
  let title: string | undefined;
  let codeCells = 0;
  for (const cell of cells as (Cell | null)[]) {
    if (cell === null || typeof cell !== "object") continue;
    const source = normalizeNewlines(sourceOf(cell)).replace(/\s+$/, "");
    if (source.trim() === "") continue;
    if (pieces.length > 0) offset += 2;
    const marks = cell.cell_type === "markdown" ? markdownHeadings(splitLines(source), 0) : [];
    if (marks[0]?.start !== 0) starts.push({ start: offset, level: 0, headingPath: stack.path() });
    for (const mark of marks) {
      starts.push({
        start: offset + mark.start,
        level: mark.level,
        headingPath: stack.enter(mark.level, mark.title),
      });
      if (mark.level === 1) title ??= mark.title;
    }
    if (cell.cell_type === "code") codeCells++;
    pieces.push(source);
    offset += source.length;
  }
  const text = pieces.join("\n\n");
  if (text === "") return skipped(REASONS.noText);

  const doc: ParsedDocument = {
    text,
    sections: buildSections(text, starts),
    linesMatchSource: false,
    metadata: { cells: pieces.length, codeCells },
  };
  const declaredTitle = notebook.metadata?.title;
  if (typeof declaredTitle === "string" && declaredTitle.trim() !== "")
    doc.title = declaredTitle.trim();
  else if (title !== undefined) doc.title = title;
  const language =
    notebook.metadata?.kernelspec?.language ?? notebook.metadata?.language_info?.name;
  if (typeof language === "string" && language !== "") doc.language = language.toLowerCase();
  return indexed(doc);
}

function sourceOf(cell: Cell): string {
  const source = cell.source ?? cell.input;
  if (Array.isArray(source)) return source.map((s) => (typeof s === "string" ? s : "")).join("");
  return typeof source === "string" ? source : "";
}
