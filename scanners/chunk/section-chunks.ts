/**
 * Chunking for documents with structure: headings (Markdown, DOCX, HTML), pages (PDF) or
 * untitled spans (notebook cells). Each section becomes a chunk that keeps its heading path and
 * page. A small section absorbs the sections that follow it while they fit and still share a
 * heading path (their common parent), so a run of one-line subsections does not become a run
 * of one-line chunks; sections on different pages, or with no shared heading, never merge.
 * A section over the budget is cut at paragraphs, then sentences, lines and words.
 */
import type { Section } from "../types.js";
import { commonPrefix } from "./heading-paths.js";
import { splitSpan, type Span } from "./split-span.js";
import { estimateTokens } from "./tokens.js";

export interface SectionPiece extends Span {
  headingPath: string[];
  page?: number;
}

interface Unit extends SectionPiece {
  tokens: number;
}

/** Sections in order, clipped so they do not overlap, with uncovered non-blank text as units. */
function unitsOf(text: string, sections: readonly Section[]): Unit[] {
  const units: Unit[] = [];
  const push = (start: number, end: number, headingPath: string[], page?: number): void => {
    const body = text.slice(start, end);
    if (body.trim() === "") return;
    const unit: Unit = { start, end, headingPath, tokens: estimateTokens(body) };
    if (page !== undefined) unit.page = page;
    units.push(unit);
  };
  let covered = 0;
  const sorted = [...sections].sort((a, b) => a.start - b.start || a.end - b.end);
  for (const section of sorted) {
    const start = Math.max(section.start, covered);
    const end = Math.min(section.end, text.length);
    if (start > covered) push(covered, start, []);
    if (end > start) {
      push(start, end, section.headingPath, section.page);
      covered = end;
    }
  }
  push(covered, text.length, []);
  return units;
}

function canMerge(group: Unit, next: Unit, budget: number): string[] | undefined {
  if (group.page !== next.page || group.tokens + next.tokens > budget) return undefined;
  const shared = commonPrefix(group.headingPath, next.headingPath);
  if (shared.length > 0) return shared;
  return group.headingPath.length === 0 && next.headingPath.length === 0 ? [] : undefined;
}

export function chunkBySections(
  text: string,
  sections: readonly Section[],
  budget: number,
  overlap: number,
  mergeBelow: number,
): SectionPiece[] {
  const units = unitsOf(text, sections);
  const pieces: SectionPiece[] = [];
  for (let i = 0; i < units.length;) {
    const head = units[i];
    if (head === undefined) break;
    const group: Unit = { ...head, headingPath: [...head.headingPath] };
    let j = i + 1;
    for (; j < units.length && group.tokens < mergeBelow; j++) {
      const next = units[j];
      const shared = next === undefined ? undefined : canMerge(group, next, budget);
      if (next === undefined || shared === undefined) break;
      group.end = next.end;
      group.tokens += next.tokens;
      group.headingPath = shared;
    }
    // A lone unit's estimate is its exact text's; a merged group's is a sum that may differ
    // from a fresh estimate where two units meet inside a word, so it is estimated again.
    const whole = {
      start: group.start,
      end: group.end,
      tokens: j === i + 1 ? head.tokens : undefined,
    };
    for (const span of splitSpan(text, whole, budget, overlap)) {
      const piece: SectionPiece = { ...span, headingPath: group.headingPath };
      if (group.page !== undefined) piece.page = group.page;
      pieces.push(piece);
    }
    i = j;
  }
  return pieces;
}
