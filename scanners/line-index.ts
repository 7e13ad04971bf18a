/**
 * Character offsets to 1-based line numbers and back: what parsers use to give sections line
 * ranges, what the chunker uses to cut by lines, and what read_document uses to select lines.
 * A line ends at "\n"; the newline belongs to the line it ends.
 */
export interface LineSpan {
  start: number;
  end: number;
}

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

  /** Offset where the 1-based `line` starts. */
  lineStart(line: number): number {
    return this.starts[line - 1] ?? 0;
  }

  /** Offsets of a 0-based line, without its "\n". */
  line(index: number): LineSpan {
    const start = this.starts[index] ?? this.text.length;
    const next = this.starts[index + 1];
    return { start, end: next === undefined ? this.text.length : next - 1 };
  }
}
