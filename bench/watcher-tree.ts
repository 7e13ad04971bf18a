/**
 * The watcher bench's workspace: 50,000 files of real text (the project's node_modules and the
 * shared documents, copied round after round into distinct folders, as a monorepo of vendored
 * sources would look), plus a git-ignored `node_modules` folder of many more files that neither
 * the walker nor the watcher may ever enter. Built once per work folder and reused: copying
 * and indexing it takes minutes, and every run must measure the same tree.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { datasetPath, repositoryRoot } from "../test/helpers/datasets.js";

const REPO = repositoryRoot();
const TEXT = /\.(md|txt|ts|js|mjs|cjs|json|html|css|yml|yaml)$/i;
/** Larger files add indexing time, not watcher load: the bench is about file counts. */
const MAX_BYTES = 32 * 1024;

export interface BenchTree {
  root: string;
  /** Files the walker lists (the ignored folder excluded). */
  files: string[];
  ignoredFiles: number;
}

/** Text files under `dir`, root-relative, following symlinks (node_modules may be one). */
function textFiles(dir: string, out: string[] = [], base = dir): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const abs = join(dir, entry.name);
    if (dir === base && entry.name === "node_modules" && base !== join(REPO, "node_modules"))
      continue; // the bench tree's ignored folder

    let stats;
    try {
      stats = statSync(abs);
    } catch {
      continue;
    }
    if (stats.isDirectory()) textFiles(abs, out, base);
    else if (stats.isFile() && TEXT.test(entry.name) && stats.size > 0 && stats.size <= MAX_BYTES)
      out.push(relative(base, abs));
  }
  return out;
}

function sources(): { base: string; files: string[] }[] {
  const found = [
    { base: join(REPO, "node_modules"), files: textFiles(join(REPO, "node_modules")) },
  ];
  const docs = datasetPath("docs");
  if (existsSync(docs)) found.push({ base: docs, files: textFiles(docs) });
  return found;
}

function copyRounds(
  target: string,
  count: number,
  from: { base: string; files: string[] }[],
): string[] {
  const written: string[] = [];
  for (let round = 0; written.length < count; round++) {
    for (const [n, source] of from.entries()) {
      for (const rel of source.files) {
        if (written.length >= count) break;
        const to = join(
          target,
          `copy${round}`,
          `src${n}`,
          rel.replace(/(^|\/)node_modules(\/|$)/g, "$1vendor$2"),
        );
        mkdirSync(dirname(to), { recursive: true });
        copyFileSync(join(source.base, rel), to);
        written.push(to);
      }
    }
  }
  return written;
}

export function benchTree(workDir: string, files = 50_000, ignored = 60_000): BenchTree {
  const root = join(workDir, `watch-tree-${files}`);
  const marker = join(root, ".bench-complete");
  if (!existsSync(marker)) {
    const from = sources();
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, ".gitignore"), "node_modules/\n");
    copyRounds(root, files, from);
    copyRounds(join(root, "node_modules"), ignored, from);
    writeFileSync(marker, "");
  }
  return { root, files: textFiles(root).map((rel) => join(root, rel)), ignoredFiles: ignored };
}
