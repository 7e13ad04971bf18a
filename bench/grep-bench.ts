/**
 * The `grep` section: docindex's grep against ripgrep on a tree of real files (scale-tree.ts,
 * 50,000 by default; DOCINDEX_GREP_FILES to change), the same patterns, warm page cache.
 * docindex answers from its index (the store in this process, as a tool call does, without
 * the MCP transport): the first page (50 lines, the tool's default) and every match (paging
 * 500 at a time); rg prints every match over the tree (its own walk: the same files, plus the
 * binary ones it skips). Then the cost of the n-gram index: cold indexing and index size
 * with and without it, each in a fresh process (index-child.ts).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { openSqliteStore } from "../indexers/sqlite/index.js";
import type { Store } from "../indexers/store.js";
import { runGrep, type GrepRequest } from "../src/grep/run-grep.js";
import { child } from "./index-bench.js";
import { percentile } from "./metrics.js";
import { folderMb } from "./scale-bench.js";
import { buildScaleTree } from "./scale-tree.js";
import { fmt, hasCommand, median, timeMs } from "./timing.js";

const ROUNDS = Number(process.env.DOCINDEX_BENCH_ROUNDS ?? 3);

interface Pattern {
  pattern: string;
  F?: boolean;
  i?: boolean;
}

/** Patterns with a literal of three or more characters (the target's scope), rare to common. */
const PATTERNS: Pattern[] = [
  { pattern: "xyzzy_absent", F: true },
  { pattern: "zebrafish", F: true },
  { pattern: "addEventListener", F: true },
  { pattern: "Buffer.from", F: true },
  { pattern: "defineProperty", F: true },
  { pattern: "Object.keys", F: true },
  { pattern: "Copyright", F: true },
  { pattern: "receptor", F: true },
  { pattern: "mutation", F: true },
  { pattern: "TODO", F: true },
  { pattern: "@param", F: true },
  { pattern: "prototype", F: true },
  { pattern: "undefined", F: true },
  { pattern: "require(", F: true },
  { pattern: "function", F: true },
  { pattern: "ERROR", i: true },
  { pattern: "function\\s+\\w+\\(" },
  { pattern: "TODO|FIXME" },
  { pattern: "prote(in|ase)s?\\b" },
  { pattern: "\\bclass [A-Z]\\w+" },
  { pattern: "import .* from" },
];

function rgArgs(p: Pattern): string[] {
  const flags = [...(p.F ? ["-F"] : []), ...(p.i ? ["-i"] : [])];
  // The path is needed: without one, rg reads its standard input when that is not a terminal.
  return ["--no-config", "-n", ...flags, "-e", p.pattern, "--", "."];
}

function rg(p: Pattern, root: string): { ms: number; lines: number } {
  const start = process.hrtime.bigint();
  const out = spawnSync("rg", rgArgs(p), {
    cwd: root,
    maxBuffer: 1 << 30,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (out.status !== 0 && out.status !== 1) throw new Error(`rg failed: ${out.stderr}`);
  let lines = 0;
  for (const byte of out.stdout) if (byte === 10) lines++;
  return { ms, lines };
}

async function docindexGrep(store: Store, p: Pattern, all: boolean): Promise<number> {
  const request: GrepRequest = {
    pattern: p.pattern,
    fixedStrings: p.F,
    ignoreCase: p.i,
    limit: all ? 500 : 50,
    context: 0,
  };
  let lines = 0;
  for (;;) {
    const page = await runGrep(store, request);
    lines += page.matches.length;
    if (!all || page.nextCursor === undefined) return lines;
    request.cursor = page.nextCursor;
  }
}

interface Row {
  p: Pattern;
  rgMs: number[];
  pageMs: number[];
  allMs: number[];
  rgLines: number;
  ourLines: number;
}

export async function grepBench(workDir: string): Promise<void> {
  console.log("\n## grep: docindex against ripgrep\n");
  if (!hasCommand("rg")) {
    console.log("skipped: rg (ripgrep) is not installed");
    return;
  }
  const files = Number(process.env.DOCINDEX_GREP_FILES ?? 50_000);
  const tree = buildScaleTree(workDir, files);
  console.error(`grep: tree of ${tree.files} files at ${tree.root}`);
  // The n-gram index's cost: without it first, so that the index left behind has it.
  const without = child(["docindex", tree.root, "no-ngram"]);
  const withMb = { without: folderMb(join(tree.root, ".docindex")) };
  const withIt = child(["docindex", tree.root]);
  const indexMb = folderMb(join(tree.root, ".docindex"));
  const store = await openSqliteStore(join(tree.root, ".docindex", "index.db"), { readonly: true });
  const rows: Row[] = [];
  try {
    for (const p of PATTERNS) {
      // Warm-up: the page cache for rg, the store's pages and compiled statements for docindex.
      const rgLines = rg(p, tree.root).lines;
      const ourLines = await docindexGrep(store, p, true);
      const row: Row = { p, rgMs: [], pageMs: [], allMs: [], rgLines, ourLines };
      for (let round = 0; round < ROUNDS; round++) {
        row.rgMs.push(rg(p, tree.root).ms);
        row.pageMs.push(await timeMs(() => docindexGrep(store, p, false)));
        row.allMs.push(await timeMs(() => docindexGrep(store, p, true)));
      }
      rows.push(row);
      console.error(`grep: ${p.pattern} done`);
    }
  } finally {
    await store.close();
  }
  console.log(`Tree: ${tree.files} files, ${fmt(tree.bytes / 1024 / 1024, 0)} MB (${tree.made}).`);
  console.log(
    `${ROUNDS} rounds per pattern after a warm-up; docindex in-process on the SQLite store, rg ${rgVersion()} on 2 cores.\n`,
  );
  console.log(
    "| pattern | rg lines | docindex lines | rg ms | docindex first page ms | ratio | docindex all ms | ratio |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    const flags = `${r.p.F ? " -F" : ""}${r.p.i ? " -i" : ""}`;
    const rgMs = median(r.rgMs);
    console.log(
      `| \`${r.p.pattern}\`${flags} | ${r.rgLines} | ${r.ourLines} | ${fmt(rgMs)} | ` +
        `${fmt(median(r.pageMs))} | ${fmt(median(r.pageMs) / rgMs, 2)}x | ` +
        `${fmt(median(r.allMs))} | ${fmt(median(r.allMs) / rgMs, 2)}x |`,
    );
  }
  const all = (pick: (r: Row) => number[]) => rows.flatMap(pick).sort((a, b) => a - b);
  const [rgAll, pageAll, matchAll] = [all((r) => r.rgMs), all((r) => r.pageMs), all((r) => r.allMs)];
  console.log("\n| over every pattern and round | p50 ms | p99 ms | p50 ratio to rg |");
  console.log("|---|---:|---:|---:|");
  console.log(`| rg | ${fmt(percentile(rgAll, 50))} | ${fmt(percentile(rgAll, 99))} | 1.00x |`);
  for (const [label, values] of [
    ["docindex, first page", pageAll],
    ["docindex, every match", matchAll],
  ] as const) {
    console.log(
      `| ${label} | ${fmt(percentile(values, 50))} | ${fmt(percentile(values, 99))} | ${fmt(percentile(values, 50) / percentile(rgAll, 50), 2)}x |`,
    );
  }
  const slowest = Math.max(...rows.map((r) => median(r.allMs) / median(r.rgMs)));
  console.log(
    `\nTarget (every match in at most half of rg's time, each pattern): worst ${fmt(slowest, 2)}x — ${slowest <= 0.5 ? "met" : "not met"}.`,
  );
  console.log("\n| cold index | seconds | CPU s | index MB |");
  console.log("|---|---:|---:|---:|");
  console.log(
    `| without the n-gram index | ${fmt(without.coldMs / 1000, 2)} | ${fmt(without.cpuMs / 1000, 2)} | ${fmt(withMb.without, 1)} |`,
  );
  console.log(
    `| with it (default) | ${fmt(withIt.coldMs / 1000, 2)} | ${fmt(withIt.cpuMs / 1000, 2)} | ${fmt(indexMb, 1)} |`,
  );
  console.log(
    `| cost | ${fmt(withIt.coldMs / without.coldMs, 2)}x | ${fmt(withIt.cpuMs / without.cpuMs, 2)}x | ${fmt(indexMb / withMb.without, 2)}x |`,
  );
}

function rgVersion(): string {
  return spawnSync("rg", ["--version"], { encoding: "utf8" }).stdout.split("\n")[0] ?? "rg";
}
