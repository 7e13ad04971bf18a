/**
 * Source code through tree-sitter: the definitions and the outline of a file, or undefined
 * when no grammar reads it (the caller keeps the regular-expression declarations and the line
 * chunker). See README.md beside this file.
 */
import { shortMessage } from "../parsers/outcome.js";
import { grammarFor, parserFor } from "./grammars.js";
import { readTree, type TreeFacts } from "./outline.js";
import { recoverCDeclarations } from "./c-recovery.js";

export { grammarFor, grammarLanguages } from "./grammars.js";
export type { TreeFacts } from "./outline.js";

/**
 * Files above this are not parsed: at that size a source file is generated or bundled, its
 * tree costs tens of megabytes of WebAssembly memory, and its definitions are not worth citing.
 */
export const MAX_SYNTAX_BYTES = 1 << 20;

/**
 * Minified or generated code (a bundle's few long lines): its definitions are not names anyone
 * looks up, its syntax chunks no better than line chunks, and parsing it is most of the cost.
 */
const MAX_MEAN_LINE = 300;

export type SyntaxResult = { ok: true; facts: TreeFacts } | { ok: false; reason: string };

export async function readSyntax(
  text: string,
  path: string,
  language: string | undefined,
): Promise<SyntaxResult | undefined> {
  const grammar = grammarFor(path, language);
  if (grammar === undefined) return undefined;
  if (text.length > MAX_SYNTAX_BYTES)
    return { ok: false, reason: "too large for the syntax parser" };
  let lineCount = 1;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) lineCount++;
  if (text.length / lineCount > MAX_MEAN_LINE)
    return { ok: false, reason: "minified (long lines): not parsed for syntax" };
  try {
    const parser = await parserFor(grammar);
    const tree = parser.parse(text);
    if (tree === null) return { ok: false, reason: "the syntax parser gave no tree" };
    try {
      const lines = text.split("\n");
      const facts = readTree(grammar, tree, lines);
      if (facts.hasError && (grammar === "c" || grammar === "cpp"))
        facts.symbols = recoverCDeclarations(facts.symbols, lines, grammar);
      return { ok: true, facts };
    } finally {
      tree.delete();
    }
  } catch (error) {
    return { ok: false, reason: `syntax parser: ${shortMessage(error)}` };
  }
}
