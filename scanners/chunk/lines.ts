/** Character offsets to 1-based line numbers, and trimming that keeps a first line's indentation. */
import type { Span } from "./split-span.js";

export class LineIndex {
  /** Offset at which each line starts; line n (1-based) starts at starts[n - 1]. */
  readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1))
      this.starts.push(i + 1);
  }

  get count(): number {
    return this.starts.length;
  }

  /** The 1-based line holding the character at `offset`. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Offsets of a 0-based line, without its "\n". */
  line(index: number): Span {
    const start = this.starts[index] ?? this.text.length;
    const next = this.starts[index + 1];
    return { start, end: next === undefined ? this.text.length : next - 1 };
  }
}

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
