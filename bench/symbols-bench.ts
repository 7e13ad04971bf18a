/**
 * The `symbols` section (issue 12): symbol recall against Universal Ctags per language on the
 * pinned registry trees of the recall test, and what tree-sitter costs the cold index of those
 * trees: time, CPU and index size with it and with DOCINDEX_SYNTAX=off (line chunks, no symbols),
 * each run in its own process (index-child.ts), alternating, medians of the rounds.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fetchSourceTree, SOURCE_TREES, sourceFiles } from "../test/helpers/source-trees.js";
import { symbolRecall } from "../test/helpers/symbol-recall.js";
import type { ChildResult } from "./index-child.js";
import { fmt, hasCommand, median } from "./timing.js";

const ROUNDS = Number(process.env.DOCINDEX_BENCH_ROUNDS ?? 3);
const CHILD = fileURLToPath(new URL("./index-child.js", import.meta.url));
const MB = 1024 * 1024;

function indexOnce(root: string, syntax: "auto" | "off"): ChildResult {
  rmSync(join(root, ".docindex"), { recursive: true, force: true });
  const out = execFileSync(process.execPath, [CHILD, "docindex", root], {
    encoding: "utf8",
    maxBuffer: 64 * MB,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, DOCINDEX_SYNTAX: syntax },
  });
  return JSON.parse(out.trim().split("\n").pop()!) as ChildResult;
}

export async function symbolsBench(workDir: string): Promise<void> {
  console.log("\n## Symbols (issue 12)\n");
  if (!hasCommand("ctags")) {
    console.log("skipped: Universal Ctags (`ctags`) is not installed");
    return;
  }
  console.log(
    "Recall: ctags's function, method, class and struct definitions found with the same name on the same line.\n",
  );
  console.log(
    "| language | tree | files | ctags definitions | found | recall | docindex symbols (all kinds) |",
  );
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
  const tree = join(workDir, "symbols-tree");
  rmSync(tree, { recursive: true, force: true });
  for (const source of SOURCE_TREES) {
    const root = await fetchSourceTree(source);
    const files = sourceFiles(source, root);
    const r = await symbolRecall(source, root, files);
    console.log(
      `| ${r.language} | ${r.tree} | ${r.files} | ${r.expected} | ${r.found} | ${fmt((100 * r.found) / r.expected, 1)}% | ${r.symbols} |`,
    );
    // The cost is measured on the same files, all trees in one folder.
    for (const file of files) {
      mkdirSync(join(tree, source.name), { recursive: true });
      const target = join(
        tree,
        source.name,
        file.replace(/\//g, "__") + (source.language === "shell" ? ".sh" : ""),
      );
      cpSync(join(root, file), target);
    }
  }
  const on: ChildResult[] = [];
  const off: ChildResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    off.push(indexOnce(tree, "off"));
    on.push(indexOnce(tree, "auto"));
  }
  const pick = (rs: ChildResult[], f: (r: ChildResult) => number) => median(rs.map(f));
  const row = (label: string, rs: ChildResult[], base: ChildResult[]) => {
    const ratio = (f: (r: ChildResult) => number) => fmt(pick(rs, f) / pick(base, f), 2);
    console.log(
      `| ${label} | ${pick(rs, (r) => r.indexed ?? 0)} | ${fmt(pick(rs, (r) => r.coldMs) / 1000, 2)} (${ratio((r) => r.coldMs)}x) | ${fmt(pick(rs, (r) => r.cpuMs) / 1000, 2)} (${ratio((r) => r.cpuMs)}x) | ${fmt(pick(rs, (r) => r.dbBytes) / MB, 2)} (${ratio((r) => r.dbBytes)}x) | ${fmt(
        pick(rs, (r) => r.maxRssMb),
        0,
      )} |`,
    );
  };
  console.log(
    `\nCold index of those files (${ROUNDS} rounds, medians; ratios against DOCINDEX_SYNTAX=off):\n`,
  );
  console.log("| run | files indexed | cold s | CPU s | index MB | peak RSS MB |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  row("DOCINDEX_SYNTAX=off (line chunks, no symbols)", off, off);
  row("tree-sitter chunks and symbols (default)", on, off);
}
