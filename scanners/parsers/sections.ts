/**
 * Turning "a section starts here" marks into Sections. Every format finds its own starts
 * (headings, pages, cells, declarations); the spans, the preamble and the line ranges are
 * computed here once, so that all formats agree on what a Section covers.
 */
import type { Section } from "../types.js";
import type { LineIndex } from "../line-index.js";

export interface SectionStart {
  start: number;
  level: number;
  headingPath: string[];
  page?: number;
}

/** The chain of headings above the current one, as a document outline sees it. */
export class HeadingStack {
  private readonly stack: { level: number; title: string }[] = [];

  /** Enter a heading; returns its full path. A heading closes every open heading at its level or deeper. */
  enter(level: number, title: string): string[] {
    while (this.stack.length > 0 && (this.stack[this.stack.length - 1]?.level ?? 0) >= level)
      this.stack.pop();
    this.stack.push({ level, title });
    return this.path();
  }

  path(): string[] {
    return this.stack.map((h) => h.title);
  }
}

/**
 * Sections from ordered starts: each runs to the next start, text before the first start
 * becomes an untitled level-0 section, and every span is trimmed of surrounding whitespace,
 * so offsets and line ranges point at content rather than at blank lines. Whitespace-only
 * spans are dropped. A document without any start has no structure and gets no sections.
 */
export function buildSections(
  text: string,
  starts: readonly SectionStart[],
  lines?: LineIndex,
): Section[] {
  if (starts.length === 0) return [];
  const spans: SectionStart[] = [];
  const firstStart = starts[0]?.start ?? text.length;
  if (firstStart > 0) spans.push({ start: 0, level: 0, headingPath: [] });
  spans.push(...starts);
  const sections: Section[] = [];
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i];
    if (span === undefined) continue;
    const limit = spans[i + 1]?.start ?? text.length;
    let start = span.start;
    let end = limit;
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    if (end <= start) continue;
    const section: Section = { headingPath: span.headingPath, level: span.level, start, end };
    if (span.page !== undefined) section.page = span.page;
    if (lines !== undefined) {
      section.lineStart = lines.lineOf(start);
      section.lineEnd = lines.lineOf(end - 1);
    }
    sections.push(section);
  }
  return sections;
}

function isSpace(code: number): boolean {
  return (
    code === 0x20 ||
    code === 0x0a ||
    code === 0x09 ||
    code === 0x0d ||
    code === 0x0c ||
    code === 0x0b ||
    code === 0xa0
  );
}
