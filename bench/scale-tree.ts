/**
 * Workspaces of a chosen size made of real text, for the `scale` benchmark: SciFact abstracts
 * as Markdown, the real documents of the datasets (PDF, DOCX, HTML, ...), and the source and
 * documentation files of this project's own node_modules (JavaScript, TypeScript, Markdown,
 * JSON, C headers). Nothing is generated: a tree larger than the pool of real files holds
 * copies of it in distinct folders (`copy-1/`, `copy-2/`, ...), which is what a monorepo of
 * vendored packages looks like too. Each tree also has a `.gitignore`d `node_modules/` that a
 * correct walker never enters.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, extname, join, relative } from "node:path";
import { datasetAvailable, datasetPath, repositoryRoot } from "../test/helpers/datasets.js";
import { writeScifactCorpus } from "./scifact.js";

/** The kinds of files taken from node_modules: text a user would want searchable. */
const SOURCE_EXTENSIONS = new Set([
  ".js",
  ".mjs",
  ".cjs",
  ".ts",
  ".md",
  ".json",
  ".c",
  ".h",
  ".cc",
  ".txt",
]);
/** Minified bundles and generated data are not what a workspace is made of. */
const MAX_SOURCE_BYTES = 64 * 1024;

export interface ScaleTree {
  root: string;
  files: number;
  bytes: number;
  /** What the tree is made of, for the report. */
  made: string;
}

interface PoolFile {
  source: string;
  /** Where it goes inside one copy. */
  rel: string;
  bytes: number;
}

function listFiles(dir: string, accept: (path: string, bytes: number) => boolean): PoolFile[] {
  const out: PoolFile[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop()!;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.isFile()) {
        const bytes = statSync(path).size;
        if (accept(path, bytes)) out.push({ source: path, rel: relative(dir, path), bytes });
      }
    }
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** The pool of real files, grouped by origin, in a fixed order. */
function realFilePool(workDir: string): { origin: string; files: PoolFile[] }[] {
  const groups: { origin: string; files: PoolFile[] }[] = [];
  if (datasetAvailable("beir/scifact-train")) {
    const scifact = join(workDir, "scifact-md");
    writeScifactCorpus(scifact);
    groups.push({
      origin: "SciFact abstracts (datasets beir/scifact-train)",
      files: listFiles(scifact, () => true),
    });
  }
  if (datasetAvailable("docs")) {
    const docs = datasetPath("docs");
    groups.push({ origin: "datasets docs/*", files: listFiles(docs, () => true) });
  }
  const modules = join(repositoryRoot(), "node_modules");
  groups.push({
    origin: "this project's node_modules (source and docs, <= 64 KB)",
    files: listFiles(modules, (path, bytes) => {
      return (
        bytes > 0 &&
        bytes <= MAX_SOURCE_BYTES &&
        SOURCE_EXTENSIONS.has(extname(path)) &&
        !path.includes("/.cache/")
      );
    }),
  });
  return groups.map((group) => ({
    origin: group.origin,
    files: group.files.map((file) => ({ ...file, rel: join(groupFolder(group.origin), file.rel) })),
  }));
}

function groupFolder(origin: string): string {
  if (origin.startsWith("SciFact")) return "papers";
  if (origin.startsWith("datasets")) return "documents";
  return "vendor-src";
}

/**
 * Interleaves the groups so that a small tree has some of each (every group contributes in
 * proportion to its size), then repeats the pool in copy folders until `files` is reached.
 */
function plan(pool: { files: PoolFile[] }[], files: number): { file: PoolFile; copy: number }[] {
  const total = pool.reduce((sum, group) => sum + group.files.length, 0);
  const order: PoolFile[] = [];
  const cursors = pool.map(() => 0);
  for (let i = 0; i < total; i++) {
    // Pick the group furthest behind its share: a deterministic proportional interleave.
    let best = 0;
    let bestLag = -Infinity;
    pool.forEach((group, g) => {
      if (cursors[g]! >= group.files.length) return;
      const lag = ((i + 1) * group.files.length) / total - cursors[g]!;
      if (lag > bestLag) {
        bestLag = lag;
        best = g;
      }
    });
    order.push(pool[best]!.files[cursors[best]!]!);
    cursors[best]!++;
  }
  return Array.from({ length: files }, (_, i) => ({
    file: order[i % order.length]!,
    copy: Math.floor(i / order.length),
  }));
}

/** Builds (once; reused between runs) a tree of `files` real files under `workDir/scale-<n>`. */
export function buildScaleTree(workDir: string, files: number): ScaleTree {
  const root = join(workDir, `scale-${files}`);
  // The description sits beside the tree, not in it, so that it is not indexed.
  const marker = `${root}.json`;
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, "utf8")) as ScaleTree;
  const pool = realFilePool(workDir);
  const layout = plan(pool, files);
  let bytes = 0;
  for (const { file, copy } of layout) {
    const target = join(root, `copy-${copy + 1}`, file.rel);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file.source, target);
    bytes += file.bytes;
  }
  // An ignored folder of many files: it must cost the walker and the watcher nothing.
  writeFileSync(join(root, ".gitignore"), "node_modules/\n");
  for (let i = 0; i < 2_000; i++) {
    const dir = join(root, "node_modules", `dep${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `index${i}.js`), "module.exports = 1;\n");
  }
  const copies = Math.ceil(files / pool.reduce((sum, group) => sum + group.files.length, 0));
  const made =
    pool.map((group) => `${group.files.length} from ${group.origin}`).join("; ") +
    `; ${copies} cop${copies === 1 ? "y" : "ies"} (copy-1/ …), plus 2,000 ignored files in node_modules/`;
  const tree: ScaleTree = { root, files, bytes, made };
  writeFileSync(marker, JSON.stringify(tree));
  return tree;
}
