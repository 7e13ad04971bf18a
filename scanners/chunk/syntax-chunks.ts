/**
 * Chunking along a syntax tree (code with a tree-sitter grammar, scanners/syntax). The file is
 * a sequence of units: each multi-line node the outline holds, and each line outside them.
 * Units are packed in order into chunks of at most the budget; a unit that does not fit in the
 * current chunk starts the next, so chunks end between declarations (or between statements,
 * one level down). A unit larger than the budget is opened: its own children and lines become
 * the units, under its heading path. A node without multi-line children that is still too large
 * (a long string, a table of data) is cut by the line chunker. Comment, decorator and attribute
 * lines just before a unit that starts a new chunk move with it, so a doc comment stays with
 * its function. A chunk's heading path is its container chain: every definition that holds the
 * whole chunk ("class Parser", "method parse"), its leading comments aside.
 */
import { LEADING_LINE } from "../parsers/code-declarations.js";
import type { SyntaxBlock } from "../types.js";
import type { ChunkDraft } from "./ids.js";
import { LineIndex } from "../line-index.js";
import { chunkByLines } from "./line-chunks.js";
import { lineCosts } from "./lines.js";

/** Lines before a unit too large for a chunk join its first chunk while they cost at most this share of the budget. */
const HEADER_FRACTION = 0.25;

/** 0-based inclusive lines; `block` for a node, undefined for a lone line. */
interface Unit {
  first: number;
  last: number;
  block?: SyntaxBlock;
  /** The heading path of whatever is inside the unit. */
  path: string[];
}

export function chunkBySyntax(
  text: string,
  lines: LineIndex,
  outline: readonly SyntaxBlock[],
  budget: number,
  overlap: number,
): ChunkDraft[] {
  const n = lines.count;
  const { spans, blank: blankLine, prefix } = lineCosts(text, lines);
  const tokens = (first: number, last: number): number =>
    (prefix[last + 1] ?? 0) - (prefix[first] ?? 0);
  const lineText = (i: number): string => {
    const span = spans[i];
    return span === undefined ? "" : text.slice(span.start, span.end);
  };
  const blank = (i: number): boolean => blankLine[i] ?? true;
  const leading = (unit: Unit): boolean =>
    unit.block === undefined && (blank(unit.first) || LEADING_LINE.test(lineText(unit.first)));

  const drafts: ChunkDraft[] = [];

  const emit = (group: Unit[], containerPath: string[]): void => {
    let first = group[0]?.first ?? 0;
    let last = group[group.length - 1]?.last ?? -1;
    while (first <= last && blank(first)) first++;
    while (last >= first && blank(last)) last--;
    if (last < first) return;
    const start = spans[first]?.start ?? 0;
    let end = spans[last]?.end ?? 0;
    while (end > start && /\s/.test(text[end - 1] ?? "")) end--;
    drafts.push({
      text: text.slice(start, end),
      headingPath: pathOf(group, containerPath, leading),
      lineStart: first + 1,
      lineEnd: last + 1,
      tokens: tokens(first, last),
    });
  };

  /** A unit too large for a chunk, with nothing inside it to cut at: the line chunker's way. */
  const cutByLines = (unit: Unit): void => {
    const start = spans[unit.first]?.start ?? 0;
    const end = spans[unit.last]?.end ?? 0;
    const slice = text.slice(start, end);
    for (const draft of chunkByLines(slice, new LineIndex(slice), [], budget, overlap)) {
      drafts.push({
        ...draft,
        headingPath: unit.path,
        lineStart: (draft.lineStart ?? 1) + unit.first,
        lineEnd: (draft.lineEnd ?? 1) + unit.first,
      });
    }
  };

  const pack = (units: Unit[], containerPath: string[]): void => {
    let group: Unit[] = [];
    let groupTokens = 0;
    for (const unit of units) {
      const cost = tokens(unit.first, unit.last);
      if (cost > budget) {
        // Lines just before the unit with no definition among them (a class's header, a
        // function's signature, a comment) open its first chunk rather than make a scrap.
        const lead =
          groupTokens <= budget * HEADER_FRACTION &&
          !group.some((u) => u.block?.heading !== undefined)
            ? group
            : [];
        if (lead.length === 0) emit(group, containerPath);
        group = [];
        groupTokens = 0;
        const children = unit.block?.children ?? [];
        if (children.length > 0)
          pack([...lead, ...unitsOf(unit.first, unit.last, children, unit.path)], unit.path);
        else cutByLines({ ...unit, first: lead[0]?.first ?? unit.first });
        continue;
      }
      if (groupTokens + cost > budget) {
        // The comments and decorators at the end of the group belong to this unit.
        let keep = group.length;
        while (keep > 0 && group[keep - 1] !== undefined && leading(group[keep - 1] as Unit))
          keep--;
        const carried = group.slice(keep);
        const carriedTokens = carried.reduce((sum, u) => sum + tokens(u.first, u.last), 0);
        if (carriedTokens + cost > budget || keep === 0) {
          emit(group, containerPath);
          group = [];
        } else {
          emit(group.slice(0, keep), containerPath);
          group = carried;
        }
        groupTokens = group.reduce((sum, u) => sum + tokens(u.first, u.last), 0);
      }
      group.push(unit);
      groupTokens += cost;
    }
    emit(group, containerPath);
  };

  pack(unitsOf(0, n - 1, outline, []), []);
  return drafts.filter((d) => d.text.trim() !== "");
}

/** The lines first..last (0-based) as units: the child blocks, and each line outside them. */
function unitsOf(
  first: number,
  last: number,
  children: readonly SyntaxBlock[],
  path: string[],
): Unit[] {
  const units: Unit[] = [];
  let cursor = first;
  for (const child of children) {
    const start = Math.max(child.lineStart - 1, cursor);
    const end = Math.min(child.lineEnd - 1, last);
    if (end < start) continue;
    for (; cursor < start; cursor++) units.push({ first: cursor, last: cursor, path });
    const unit: Unit = { first: start, last: end, block: child, path };
    if (child.heading !== undefined) unit.path = [...path, child.heading];
    units.push(unit);
    cursor = end + 1;
  }
  for (; cursor <= last; cursor++) units.push({ first: cursor, last: cursor, path });
  return units;
}

/**
 * A chunk's heading path: the one definition it holds, when it holds one and otherwise only
 * comments, decorators and blank lines; else the container the group was packed in.
 */
function pathOf(
  group: Unit[],
  containerPath: string[],
  leading: (unit: Unit) => boolean,
): string[] {
  const substantive = group.filter((u) => !leading(u));
  const only = substantive[0];
  if (substantive.length === 1 && only?.block?.heading !== undefined) return only.path;
  return containerPath;
}
