/**
 * Parsed documents to citable chunks: by section for structured documents, by page for PDFs,
 * by line ranges for code and text. See README.md for the algorithm and the default budget.
 */
import type { Chunk, ParsedDocument } from "../types.js";
import { finalizeChunks, type ChunkDraft } from "./ids.js";
import { chunkByLines } from "./line-chunks.js";
import { LineIndex } from "../line-index.js";
import { trimSpan } from "./lines.js";
import { chunkBySections } from "./section-chunks.js";
import { chunkBySyntax } from "./syntax-chunks.js";

export { estimateTokens } from "./tokens.js";

export interface ChunkOptions {
  /** Estimated tokens per chunk at most. */
  maxTokens?: number;
  /** Estimated tokens a chunk repeats from the end of the previous one, when a span is cut. */
  overlapTokens?: number;
}

/** Leaves room for a heading prefix, special tokens and estimate error in a 512-token window. */
export const DEFAULT_MAX_TOKENS = 400;
export const DEFAULT_OVERLAP_TOKENS = 0;
/** Sections smaller than this share a chunk with the sections after them when they can. */
const MERGE_BELOW_FRACTION = 0.25;

export function chunkDocument(
  path: string,
  doc: ParsedDocument,
  options: ChunkOptions = {},
): Chunk[] {
  const budget = Math.floor(options.maxTokens ?? DEFAULT_MAX_TOKENS);
  if (!(budget >= 1))
    throw new RangeError(`maxTokens must be at least 1, got ${options.maxTokens}`);
  const overlap = Math.max(
    0,
    Math.min(Math.floor(options.overlapTokens ?? DEFAULT_OVERLAP_TOKENS), budget >> 1),
  );

  const text = doc.text;
  const lines = doc.linesMatchSource ? new LineIndex(text) : undefined;
  const structured = doc.sections.some((s) => s.level > 0 || s.page !== undefined);

  if (lines !== undefined && !structured && doc.outline !== undefined)
    return finalizeChunks(path, chunkBySyntax(text, lines, doc.outline, budget, overlap));
  if (lines !== undefined && !structured) {
    const sections = [...doc.sections].sort((a, b) => a.start - b.start);
    return finalizeChunks(path, chunkByLines(text, lines, sections, budget, overlap));
  }

  const drafts: ChunkDraft[] = [];
  for (const piece of chunkBySections(
    text,
    doc.sections,
    budget,
    overlap,
    budget * MERGE_BELOW_FRACTION,
  )) {
    const span = trimSpan(text, piece);
    if (span === undefined) continue;
    const draft: ChunkDraft = {
      text: text.slice(span.start, span.end),
      headingPath: piece.headingPath,
    };
    // Trimming removes whitespace only, which the estimate counts as free.
    if (piece.tokens !== undefined) draft.tokens = piece.tokens;
    if (lines !== undefined) {
      draft.lineStart = lines.lineOf(span.start);
      draft.lineEnd = lines.lineOf(span.end - 1);
    }
    if (piece.page !== undefined) draft.page = piece.page;
    drafts.push(draft);
  }
  return finalizeChunks(path, drafts);
}
