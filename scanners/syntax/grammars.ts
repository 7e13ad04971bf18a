/**
 * Which tree-sitter grammar reads a file, and loading it: once per worker thread, lazily per
 * grammar, so a worker that only sees Python never compiles the C++ grammar (the larger ones
 * take 0.1 to 0.7 s to compile). The grammars are prebuilt WebAssembly shipped in npm packages:
 * no install script and no native build, on every Node version. VS Code's package is the main
 * source; it has no C grammar (and none for Swift or Solidity), which the repomix build adds.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Language, Parser } from "web-tree-sitter";

/** A grammar docindex reads: its name is the key of GRAMMAR_FILES. */
export type GrammarName =
  | "typescript"
  | "tsx"
  | "javascript"
  | "python"
  | "go"
  | "rust"
  | "java"
  | "c"
  | "cpp"
  | "csharp"
  | "ruby"
  | "php"
  | "bash";

/** A grammar file in VS Code's package, or (C) in the repomix build. */
const vscode = (name: string) => ({
  pkg: "@vscode/tree-sitter-wasm",
  file: `wasm/tree-sitter-${name}.wasm`,
});
const repomix = (name: string) => ({
  pkg: "@repomix/tree-sitter-wasms",
  file: `out/tree-sitter-${name}.wasm`,
});

const GRAMMAR_FILES: Record<GrammarName, { pkg: string; file: string }> = {
  typescript: vscode("typescript"),
  tsx: vscode("tsx"),
  javascript: vscode("javascript"),
  python: vscode("python"),
  go: vscode("go"),
  rust: vscode("rust"),
  java: vscode("java"),
  c: repomix("c"),
  cpp: vscode("cpp"),
  csharp: vscode("c-sharp"),
  ruby: vscode("ruby"),
  php: vscode("php"),
  bash: vscode("bash"),
};

/** docindex language ids (scanners/detect/kind.ts) that have a grammar. */
const BY_LANGUAGE: Record<string, GrammarName> = {
  typescript: "typescript",
  javascript: "javascript",
  python: "python",
  go: "go",
  rust: "rust",
  java: "java",
  c: "c",
  cpp: "cpp",
  csharp: "csharp",
  ruby: "ruby",
  php: "php",
  shell: "bash",
};

/**
 * The grammar for a file of this language, or undefined (the file keeps the line chunker).
 * TSX is TypeScript to the rest of docindex, but needs its own grammar for JSX; a `.jsx` file
 * is read by the JavaScript grammar, which knows JSX. Fish and zsh are not bash: only `.sh` and
 * `.bash` (and extension-less scripts named shell by detection) are read.
 */
export function grammarFor(path: string, language: string | undefined): GrammarName | undefined {
  if (language === undefined) return undefined;
  const lower = path.toLowerCase();
  if (language === "typescript" && lower.endsWith(".tsx")) return "tsx";
  if (language === "shell" && /\.(?:zsh|fish)$/.test(lower)) return undefined;
  return BY_LANGUAGE[language];
}

export function grammarLanguages(): string[] {
  return Object.keys(BY_LANGUAGE);
}

const require = createRequire(import.meta.url);
let runtime: Promise<void> | undefined;
const loaded = new Map<GrammarName, Promise<Parser>>();

/** The wasm file of a grammar, from its package's installed folder. */
export function grammarFile(name: GrammarName): string {
  const { pkg, file } = GRAMMAR_FILES[name];
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

/**
 * A parser set to the grammar, made once per thread. A failed load is remembered too (the
 * package is missing or its file damaged): every later file of that grammar falls back at once.
 */
export function parserFor(name: GrammarName): Promise<Parser> {
  let parser = loaded.get(name);
  if (parser === undefined) {
    runtime ??= Parser.init();
    parser = runtime.then(async () => {
      const language = await Language.load(grammarFile(name));
      const made = new Parser();
      made.setLanguage(language);
      return made;
    });
    loaded.set(name, parser);
  }
  return parser;
}
