/** Newline normalisation and line splitting for the text parsers (line numbers: ../line-index.ts). */

/**
 * CRLF becomes LF so that offsets stay simple; a lone CR is kept, because git and editors do
 * not count it as a line break either, and line numbers must match theirs.
 */
export function normalizeNewlines(text: string): string {
  return text.includes("\r\n") ? text.replace(/\r\n/g, "\n") : text;
}

/** A line of text with its offsets, end excluding the newline. */
export interface TextLine {
  text: string;
  start: number;
  end: number;
}

export function splitLines(text: string): TextLine[] {
  const lines: TextLine[] = [];
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf("\n", start);
    const end = nl === -1 ? text.length : nl;
    lines.push({ text: text.slice(start, end), start, end });
    if (nl === -1) break;
    start = nl + 1;
  }
  return lines;
}
