/**
 * The large real tree of the `index` section: tens of thousands of real text files, built once
 * under the bench work folder from what this machine already has. The project's own
 * node_modules (source, docs and C/C++ files, twice, into distinct folders so that every path
 * is new), SciFact as Markdown, and the datasets' text documents. Only text files are copied (no
 * ignore files), and node_modules / dot folders are renamed, so that every file built is a file
 * docindex indexes: the raw baseline reads the same list.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, extname, join, relative } from "node:path";
import { datasetPath, repositoryRoot } from "../test/helpers/datasets.js";
import { writeScifactCorpus } from "./scifact.js";

const TEXT_EXTENSIONS = new Set([
  ".md",
  ".txt",
  ".ts",
  ".mts",
  ".cts",
  ".js",
  ".mjs",
  ".cjs",
  ".c",
  ".h",
  ".cc",
  ".cpp",
  ".hpp",
  ".html",
  ".yml",
  ".yaml",
]);
/** Big generated bundles are not what a docs tree holds; the real C amalgamations are kept. */
const MAX_FILE_BYTES = 1024 * 1024;
const NODE_MODULES_COPIES = 2;

export interface TreeFile {
  /** Relative to the tree root, "/"-separated. */
  path: string;
  bytes: number;
}

function* textFiles(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* textFiles(full);
    else if (entry.isFile() && TEXT_EXTENSIONS.has(extname(entry.name).toLowerCase())) yield full;
  }
}

/** "a/node_modules/b" → "a/nm/b": the default excludes would drop a folder of that name. */
function safeRelative(from: string, file: string): string {
  return relative(from, file)
    .split(/[\\/]/)
    .map((part) => (part === "node_modules" ? "nm" : part.startsWith(".") ? `_${part}` : part))
    .join("/");
}

function copyTree(source: string, target: string, files: TreeFile[]): void {
  for (const file of textFiles(source)) {
    const bytes = statSync(file).size;
    if (bytes === 0 || bytes > MAX_FILE_BYTES) continue;
    const rel = safeRelative(source, file);
    const dest = join(target, rel);
    if (!existsSync(dest)) {
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(file, dest);
    }
    files.push({ path: relative(dirname(target), dest).split(/[\\/]/).join("/"), bytes });
  }
}

/** Builds the tree under `root` (once; later runs reuse the copies) and lists its files. */
export function buildLargeTree(root: string): TreeFile[] {
  const files: TreeFile[] = [];
  const nodeModules = join(repositoryRoot(), "node_modules");
  for (let copy = 1; copy <= NODE_MODULES_COPIES; copy++)
    copyTree(nodeModules, join(root, `packages-${copy}`), files);
  copyTree(datasetPath("docs"), join(root, "datasets-docs"), files);
  const scifact = join(root, "scifact");
  writeScifactCorpus(scifact);
  for (const name of readdirSync(scifact))
    files.push({ path: `scifact/${name}`, bytes: statSync(join(scifact, name)).size });
  // No repository here: the walk is the plain-folder walk, and nothing above can ignore files.
  writeFileSync(join(root, ".gitignore"), "");
  return files;
}
