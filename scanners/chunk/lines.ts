/** Trimming that keeps a first line's indentation; line numbers come from ../line-index.ts. */
import type { LineIndex, LineSpan } from "../line-index.js";
import type { Span } from "./split-span.js";
import { estimateTokens } from "./tokens.js";

const SPACE = /\s/;

/**
 * Drops leading and trailing whitespace. When the first kept character is preceded only by
 * spaces on its line (and that line starts inside the span), the span starts at the line start,
 * so indented code keeps its indentation.
 */
export function trimSpan(text: string, span: Span): Span | undefined {
  let start = span.start;
  let end = span.end;
  while (end > start && SPACE.test(text[end - 1] ?? "")) end--;
  while (start < end && SPACE.test(text[start] ?? "")) start++;
  if (start >= end) return undefined;
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  if (lineStart >= span.start) start = lineStart;
  return { start, end };
}

/** Each line's span, estimated tokens and blankness, with running token sums (prefix[i] = lines before i). */
export interface LineCosts {
  spans: LineSpan[];
  cost: number[];
  blank: boolean[];
  prefix: number[];
}

export function lineCosts(text: string, lines: LineIndex): LineCosts {
  const spans = Array.from({ length: lines.count }, (_, i) => lines.line(i));
  const cost = spans.map((s) => estimateTokens(text.slice(s.start, s.end)));
  const blank = spans.map((s) => text.slice(s.start, s.end).trim() === "");
  const prefix = [0];
  for (let i = 0; i < spans.length; i++) prefix.push((prefix[i] ?? 0) + (cost[i] ?? 0));
  return { spans, cost, blank, prefix };
}
