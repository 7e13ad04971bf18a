/**
 * Chunking for code and plain text, where lines are the unit of citation. Chunks are runs of
 * whole lines; when a run must end, it ends where a reader would cut: before a top-level
 * declaration (a column-0 line after a blank line, or a section start a parser reported), else
 * after a blank line, else anywhere. A line is only cut when it alone exceeds the budget.
 */
import type { Section } from "../types.js";
import { sharedHeadingPath } from "./heading-paths.js";
import type { ChunkDraft } from "./ids.js";
import type { LineIndex } from "../line-index.js";
import { lineCosts } from "./lines.js";
import { splitSpan } from "./split-span.js";

/** A break this early in a chunk wastes too much of the budget, whatever its quality. */
const MIN_FILL = 0.25;
/** Where splitSpan starts on a line too long for the budget: it has no paragraphs, so sentences. */
const SENTENCE_DEPTH = 1;

export function chunkByLines(
  text: string,
  lines: LineIndex,
  sections: readonly Section[],
  budget: number,
  overlap: number,
): ChunkDraft[] {
  const n = lines.count;
  const { spans, cost, blank, prefix } = lineCosts(text, lines);
  const sectionStarts = new Set(sections.map((s) => lines.lineOf(s.start) - 1));

  const score = (i: number): number => {
    if (blank[i]) return 1;
    if (sectionStarts.has(i)) return 3;
    if (i > 0 && blank[i - 1]) return /\s/.test(text[spans[i]?.start ?? 0] ?? "") ? 2 : 3;
    return 1;
  };

  const drafts: ChunkDraft[] = [];
  const emit = (first: number, last: number): void => {
    while (last > first && blank[last]) last--;
    const start = spans[first]?.start ?? 0;
    let end = spans[last]?.end ?? 0;
    while (end > start && /\s/.test(text[end - 1] ?? "")) end--;
    if (end <= start) return;
    drafts.push({
      text: text.slice(start, end),
      headingPath: sharedHeadingPath(sections, start, end),
      lineStart: first + 1,
      lineEnd: last + 1,
      tokens: (prefix[last + 1] ?? 0) - (prefix[first] ?? 0),
    });
  };

  let s = 0;
  while (s < n) {
    while (s < n && blank[s]) s++;
    if (s >= n) break;
    const line = spans[s];
    if (line !== undefined && (cost[s] ?? 0) > budget) {
      for (const piece of splitSpan(text, line, budget, overlap, SENTENCE_DEPTH)) {
        drafts.push({
          text: text.slice(piece.start, piece.end).trim(),
          headingPath: sharedHeadingPath(sections, piece.start, piece.end),
          lineStart: s + 1,
          lineEnd: s + 1,
        });
      }
      s++;
      continue;
    }
    let j = s;
    while (j < n && (prefix[j + 1] ?? 0) - (prefix[s] ?? 0) <= budget) j++;
    if (j >= n) {
      emit(s, n - 1);
      break;
    }
    let best = j;
    if ((cost[j] ?? 0) <= budget) {
      let bestValue = -1;
      for (let b = j; b > s; b--) {
        const fill = ((prefix[b] ?? 0) - (prefix[s] ?? 0)) / budget;
        if (fill < MIN_FILL && b !== j) break;
        const value = score(b) + fill;
        if (value > bestValue) {
          bestValue = value;
          best = b;
        }
      }
    }
    emit(s, best - 1);
    let next = best;
    let carried = 0;
    // No overlap before a line that must be cut: the overlap would become a chunk of its own.
    while (
      overlap > 0 &&
      (cost[best] ?? 0) <= budget &&
      next - 1 > s &&
      carried + (cost[next - 1] ?? 0) <= overlap
    ) {
      next--;
      carried += cost[next] ?? 0;
    }
    s = next;
  }
  return drafts.filter((d) => d.text.trim() !== "");
}
