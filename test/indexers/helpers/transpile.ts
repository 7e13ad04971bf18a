/**
 * Child processes in these tests (a writer killed with SIGKILL, a writer racing a reader) run
 * plain node, which cannot load TypeScript. This transpiles the store and its imports into a
 * cache directory inside the repository, so node resolves better-sqlite3 from node_modules,
 * without depending on a full `tsc` build of code other people are editing.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const SOURCES = [
  "indexers/store.ts",
  "indexers/cursor.ts",
  "indexers/symbol-match.ts",
  "indexers/text",
  "indexers/sqlite",
  "scanners/types.ts",
  "scanners/chunk",
  // The vector index's refresher starts its worker through these.
  "scanners/pool/worker-script.ts",
  "scanners/pool/worker-exec-argv.ts",
];

function listTs(entry: string): string[] {
  const abs = path.join(REPO, entry);
  if (fs.statSync(abs).isFile()) return [abs];
  return fs
    .readdirSync(abs, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? listTs(path.join(entry, e.name))
        : e.name.endsWith(".ts")
          ? [path.join(abs, e.name)]
          : [],
    );
}

/** Returns the directory that mirrors the repository layout with .js files. */
export function transpileStore(): string {
  const files = SOURCES.flatMap(listTs).sort();
  const hash = createHash("sha256");
  for (const f of files) hash.update(f).update(fs.readFileSync(f));
  const out = path.join(
    REPO,
    "node_modules",
    ".cache",
    "docindex-test",
    hash.digest("hex").slice(0, 16),
  );
  if (!fs.existsSync(path.join(out, "package.json"))) build(files, out);
  // Builds of older sources are never used again.
  for (const entry of fs.readdirSync(path.dirname(out))) {
    if (/^[0-9a-f]{16}$/.test(entry) && entry !== path.basename(out)) {
      fs.rmSync(path.join(path.dirname(out), entry), { recursive: true, force: true });
    }
  }
  return out;
}

function build(files: string[], out: string): void {
  const tmp = `${out}.${process.pid}`;
  for (const file of files) {
    const js = ts.transpileModule(fs.readFileSync(file, "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    }).outputText;
    const target = path.join(tmp, path.relative(REPO, file)).replace(/\.ts$/, ".js");
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, js);
  }
  fs.writeFileSync(path.join(tmp, "package.json"), '{ "type": "module" }\n');
  try {
    fs.renameSync(tmp, out);
  } catch {
    // Another test file built the same sources first.
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function storeModule(): string {
  return path.join(transpileStore(), "indexers", "sqlite", "index.js");
}
