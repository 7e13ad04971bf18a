/** Trimming that keeps a first line's indentation; line numbers come from ../line-index.ts. */
import type { Span } from "./split-span.js";

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
