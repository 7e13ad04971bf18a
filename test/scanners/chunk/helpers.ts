import type { Chunk, ParsedDocument, Section } from "../../../scanners/types.js";

export function plain(text: string, sections: Section[] = []): ParsedDocument {
  return { text, sections, linesMatchSource: true, metadata: {} };
}

/** Markdown-like sections from "#" headings: each spans its heading line to the next heading. */
export function markdown(text: string): ParsedDocument {
  const sections: Section[] = [];
  const stack: string[] = [];
  const re = /^(#{1,6}) (.*)$/gm;
  const heads = [...text.matchAll(re)];
  if (heads.length > 0 && (heads[0]?.index ?? 0) > 0) {
    sections.push({ headingPath: [], level: 0, start: 0, end: heads[0]?.index ?? 0 });
  }
  heads.forEach((m, i) => {
    const level = m[1]?.length ?? 1;
    stack.length = level - 1;
    stack[level - 1] = m[2] ?? "";
    const start = m.index ?? 0;
    const end = heads[i + 1]?.index ?? text.length;
    sections.push({ headingPath: stack.filter((h) => h !== undefined), level, start, end });
  });
  return { text, sections, linesMatchSource: true, metadata: {}, title: heads[0]?.[2] ?? "" };
}

/** The source lines a chunk claims, joined. */
export function claimedLines(text: string, chunk: Chunk): string {
  const lines = text.split("\n");
  return lines.slice((chunk.lineStart ?? 0) - 1, chunk.lineEnd).join("\n");
}

/**
 * Checks that lineStart/lineEnd are tight and exact: the chunk text lies inside the claimed
 * lines, begins on the first of them and ends on the last.
 */
export function expectExactLines(text: string, chunk: Chunk): void {
  const claimed = claimedLines(text, chunk);
  const lines = claimed.split("\n");
  const at = claimed.indexOf(chunk.text);
  if (at === -1)
    throw new Error(
      `chunk ${chunk.ordinal} text not within lines ${chunk.lineStart}-${chunk.lineEnd}`,
    );
  const firstLineLength = lines[0]?.length ?? 0;
  const lastLineStart = claimed.length - (lines[lines.length - 1]?.length ?? 0);
  if (at > firstLineLength)
    throw new Error(`chunk ${chunk.ordinal} does not start on line ${chunk.lineStart}`);
  if (at + chunk.text.length <= lastLineStart)
    throw new Error(`chunk ${chunk.ordinal} does not end on line ${chunk.lineEnd}`);
}

/** A TypeScript-like source file of `count` functions, each `bodyLines` long. */
export function codeFile(count: number, bodyLines: number): string {
  const parts = ['import { thing } from "./thing.js";', ""];
  for (let f = 0; f < count; f++) {
    parts.push(`export function handler${f}(input: string): number {`);
    for (let l = 0; l < bodyLines; l++)
      parts.push(`  const value${l} = thing(input, ${f * 100 + l}); // step ${l} of handler ${f}`);
    parts.push("  return 0;", "}", "");
  }
  return parts.join("\n");
}
