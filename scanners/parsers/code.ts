/**
 * Source code: the text is the file itself (lines match), the language comes from the file
 * name, and each top-level declaration starts a level-0 section headed "<kind> <name>" so the
 * chunker can cut between declarations and citations can name the function.
 */
import type { ParsedDocument } from "../types.js";
import { findDeclarations } from "./code-declarations.js";
import { LineIndex } from "../line-index.js";
import { buildSections } from "./sections.js";

/** `text` must already have LF line endings (see normalizeNewlines). */
export function parseCode(text: string, language: string | undefined): ParsedDocument {
  const doc: ParsedDocument = { text, sections: [], linesMatchSource: true, metadata: {} };
  if (language === undefined) return doc;
  doc.language = language;
  const lineIndex = new LineIndex(text);
  const declarations = findDeclarations(text.split("\n"), language);
  const starts = declarations.map((d) => ({
    start: lineIndex.lineStart(d.line + 1),
    level: 0,
    headingPath: [d.title],
  }));
  doc.sections = buildSections(text, starts, lineIndex);
  return doc;
}
