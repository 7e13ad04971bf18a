/**
 * Symbol recall against Universal Ctags: which function, method, class and struct definitions
 * ctags reports in a tree, and how many of them scanners/syntax finds with the same name on
 * the same line. Shared by the test (test/scanners/syntax) and the bench (bench/symbols-bench.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readSyntax } from "../../scanners/syntax/index.js";
import type { CodeSymbol } from "../../scanners/types.js";
import { runCommand } from "./build-cache.js";
import type { SourceTree } from "./source-trees.js";

/**
 * ctags kinds compared, per ctags language: its function, method, class and struct kinds.
 * "member" is a method in Python but a field in C, so the sets differ.
 */
const COMPARED: Record<string, ReadonlySet<string>> = {
  Python: new Set(["function", "member", "class"]),
  Go: new Set(["func", "struct"]),
  Rust: new Set(["function", "method", "struct"]),
  Java: new Set(["method", "class"]),
  C: new Set(["function", "struct"]),
  "C++": new Set(["function", "struct", "class"]),
  JavaScript: new Set(["function", "method", "class", "generator"]),
  TypeScript: new Set(["function", "method", "class"]),
  Sh: new Set(["function"]),
  Ruby: new Set(["method", "singletonMethod", "class"]),
  PHP: new Set(["function", "class"]),
  "C#": new Set(["method", "class", "struct"]),
};

export interface CtagsTag {
  name: string;
  path: string;
  line: number;
  kind: string;
}

export interface Recall {
  tree: string;
  language: string;
  files: number;
  /** ctags tags of the compared kinds. */
  expected: number;
  /** Of those, found by docindex with the same name on the same line. */
  found: number;
  /** Every symbol docindex found, of any kind. */
  symbols: number;
  missed: CtagsTag[];
}

export async function ctagsTags(
  tree: SourceTree,
  root: string,
  files: string[],
): Promise<CtagsTag[]> {
  const kinds = COMPARED[tree.ctagsLanguage];
  if (kinds === undefined)
    throw new Error(`no compared kinds for ctags language ${tree.ctagsLanguage}`);
  const out = await runCommand(
    "ctags",
    [
      "--output-format=json",
      "--fields=+nK",
      `--language-force=${tree.ctagsLanguage}`,
      "-f",
      "-",
      ...files.map((f) => join(root, f)),
    ],
    `ctags on ${tree.name}`,
  );
  const tags: CtagsTag[] = [];
  for (const line of out.split("\n")) {
    if (line.trim() === "") continue;
    const tag = JSON.parse(line) as {
      _type: string;
      name: string;
      path: string;
      line: number;
      kind: string;
    };
    if (tag._type !== "tag" || !kinds.has(tag.kind)) continue;
    // ctags names anonymous things itself ("__anon1a2b3c", "AnonymousFunction2445d6660200"):
    // they have no name in the source to look up.
    if (/^(?:__anon|AnonymousFunction)/.test(tag.name)) continue;
    tags.push({
      name: tag.name,
      path: tag.path.slice(root.length + 1),
      line: tag.line,
      kind: tag.kind,
    });
  }
  return tags;
}

/** docindex's symbols for each file, as the parser worker makes them. */
export async function docindexSymbols(
  tree: SourceTree,
  root: string,
  files: string[],
): Promise<Map<string, CodeSymbol[]>> {
  const byFile = new Map<string, CodeSymbol[]>();
  for (const file of files) {
    const text = readFileSync(join(root, file), "utf8").replace(/\r\n/g, "\n");
    // The shell tree's script has no extension: it is read as the language the tree names.
    const path = tree.language === "shell" ? `${file}.sh` : file;
    const result = await readSyntax(text, path, tree.language);
    if (result === undefined) throw new Error(`no grammar for ${tree.language}`);
    if (!result.ok) throw new Error(`${file}: ${result.reason}`);
    byFile.set(file, result.facts.symbols);
  }
  return byFile;
}

export async function symbolRecall(
  tree: SourceTree,
  root: string,
  files: string[],
): Promise<Recall> {
  const tags = await ctagsTags(tree, root, files);
  const symbols = await docindexSymbols(tree, root, files);
  const missed: CtagsTag[] = [];
  let found = 0;
  for (const tag of tags) {
    const ours = symbols.get(tag.path) ?? [];
    if (ours.some((s) => s.name === tag.name && s.nameLine === tag.line)) found++;
    else missed.push(tag);
  }
  let count = 0;
  for (const list of symbols.values()) count += list.length;
  return {
    tree: tree.name,
    language: tree.language,
    files: files.length,
    expected: tags.length,
    found,
    symbols: count,
    missed,
  };
}
