/**
 * Source code: the text is the file itself (lines match), the language comes from the file
 * name. With a tree-sitter grammar (scanners/syntax) the document carries the definitions and
 * the syntax outline the chunker cuts along; without one, or when the grammar fails, each
 * top-level declaration found by regular expression starts a level-0 section headed
 * "<kind> <name>" so the chunker can cut between declarations and citations can name them.
 */
import type { ParsedDocument } from "../types.js";
import { findDeclarations } from "./code-declarations.js";
import { LineIndex } from "../line-index.js";
import { buildSections } from "./sections.js";
import { readSyntax } from "../syntax/index.js";

/** Symbols kept per file at most. */
export const MAX_SYMBOLS = 20_000;

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

/**
 * parseCode plus what the grammar found. A file the grammar reads with errors keeps its
 * symbols (a tree with an ERROR node is still right elsewhere) but is chunked by lines, as
 * without a grammar; `metadata.syntax` says which happened and why.
 */
export async function parseCodeWithSyntax(
  text: string,
  path: string,
  language: string | undefined,
  mode: "auto" | "off" = "auto",
): Promise<ParsedDocument> {
  const doc = parseCode(text, language);
  const syntax = mode === "off" ? undefined : await readSyntax(text, path, language);
  if (syntax === undefined) return doc;
  if (!syntax.ok) {
    doc.metadata["syntax"] = syntax.reason;
    return doc;
  }
  const { symbols, outline, hasError } = syntax.facts;
  // Generated tables of thousands of constants are not worth a row each; the first ones stay.
  doc.symbols = symbols.length > MAX_SYMBOLS ? symbols.slice(0, MAX_SYMBOLS) : symbols;
  if (symbols.length > MAX_SYMBOLS) doc.metadata["symbolsDropped"] = symbols.length - MAX_SYMBOLS;
  if (hasError) {
    doc.metadata["syntax"] = "parse errors: chunked by lines";
    return doc;
  }
  doc.metadata["syntax"] = "tree-sitter";
  doc.outline = outline;
  return doc;
}
