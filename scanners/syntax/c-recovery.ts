/**
 * C and C++ trees break where the preprocessor splits braces (`#ifdef` around the head of a
 * block) or a macro the grammar cannot know stands in a declaration (`NAPI_EXTERN`): the
 * error recovery then swallows the definitions that follow into one node, or reads them as
 * something else. For such a file (the tree has errors) the column-0 declaration lines that
 * the regular-expression rules find (scanners/parsers/code-declarations.ts) are added where
 * the tree has no symbol of that name on that line. Their last line is not known: lineEnd is
 * the name's line.
 */
import { findDeclarationLines } from "../parsers/code-declarations.js";
import type { CodeSymbol, SymbolKind } from "../types.js";

const KINDS: Record<string, SymbolKind> = {
  function: "function",
  struct: "struct",
  union: "struct",
  class: "class",
  enum: "enum",
  namespace: "module",
};

/**
 * C++ column-0 definitions the shared C rules miss: qualified names with template arguments
 * (`Buffer<T>::NewOrCopy(`), operators (`Value::operator!=(`), and nested classes
 * (`class Object::const_iterator {`). A line ending in ";" is a declaration, not a definition.
 */
const CPP_FUNCTION =
  /^(?!(?:if|for|while|switch|return|else|do|case|typedef|using|extern|static_assert|#)\b)[\w:<>,\s*&~]*?(?:^|[\s*&])(?<scope>(?:[A-Za-z_]\w*(?:<[^()]*?>)?::)*)(?<name>operator\s*(?:\(\)|[^\s(]+)|~?[A-Za-z_]\w*)\s*\((?!.*;\s*$)/;
const CPP_TYPE =
  /^(?:template\s*<.*>\s*)?(?<kind>class|struct|union|enum(?:\s+class)?|namespace)\s+(?<name>[A-Za-z_][\w:]*)\s*(?:final\s*)?(?:[:{]|$)/;

function cppDeclarationLines(
  lines: readonly string[],
): { line: number; kind: string; name: string }[] {
  const found: { line: number; kind: string; name: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line === "" || line.length > 400 || /^\s/.test(line)) continue;
    const type = CPP_TYPE.exec(line)?.groups;
    if (type !== undefined) {
      found.push({
        line: i,
        kind: (type["kind"] ?? "").split(/\s/)[0] ?? "",
        name: type["name"] ?? "",
      });
      continue;
    }
    const fn = CPP_FUNCTION.exec(line)?.groups;
    if (fn === undefined) continue;
    const scope = (fn["scope"] ?? "").replace(/<[^:]*>/g, "");
    const name = (fn["name"] ?? "")
      .replace(/^operator\s*/, "operator ")
      .replace(/^operator $/, "operator");
    found.push({ line: i, kind: "function", name: `${scope}${name}` });
  }
  return found;
}

export function recoverCDeclarations(
  symbols: CodeSymbol[],
  lines: readonly string[],
  language: "c" | "cpp",
): CodeSymbol[] {
  const known = new Set(symbols.map((s) => `${s.nameLine}\0${s.name}`));
  const added: CodeSymbol[] = [];
  const candidates =
    language === "cpp" ? cppDeclarationLines(lines) : findDeclarationLines(lines, language);
  for (const { line, kind, name: qualified } of candidates) {
    const symbolKind = KINDS[kind];
    if (symbolKind === undefined) continue;
    const parts = qualified.split("::");
    const name = parts.pop() ?? "";
    if (name === "" || known.has(`${line + 1}\0${name}`)) continue;
    added.push({
      name,
      kind: symbolKind,
      container: parts.filter((p) => p !== "").join("."),
      lineStart: line + 1,
      lineEnd: line + 1,
      nameLine: line + 1,
      signature: (lines[line] ?? "").trim().slice(0, 200),
    });
  }
  if (added.length === 0) return symbols;
  return [...symbols, ...added].sort((a, b) => a.nameLine - b.nameLine);
}
