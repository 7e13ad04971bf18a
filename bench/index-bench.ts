/**
 * Cold lexical indexing against its floor: the same files read and inserted into one FTS5
 * table (same tokenizer as the store, one transaction, better-sqlite3). Each measurement runs
 * in its own process (index-child.ts) for its peak RSS; baseline and docindex runs interleave,
 * three rounds, and the medians are printed with their ratios.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildResult } from "./index-child.js";
import { buildLargeTree, type TreeFile } from "./index-tree.js";
import { writeScifactCorpus } from "./scifact.js";
import { fmt, median } from "./timing.js";

const ROUNDS = Number(process.env.DOCINDEX_BENCH_ROUNDS ?? 3);
const CHILD = fileURLToPath(new URL("./index-child.js", import.meta.url));
const MB = 1024 * 1024;

/** Runs one measurement of index-child.ts in a fresh process (the scale section uses it too). */
export function child(args: string[]): ChildResult {
  const out = execFileSync(process.execPath, [CHILD, ...args], {
    encoding: "utf8",
    maxBuffer: 64 * MB,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(out.trim().split("\n").pop()!) as ChildResult;
}

function measure(label: string, root: string, files: TreeFile[], workDir: string): void {
  const list = join(workDir, `${label}-files.json`);
  writeFileSync(list, JSON.stringify(files.map((f) => f.path)));
  const rawDb = join(workDir, `${label}-raw.db`);
  const raws: ChildResult[] = [];
  const ours: ChildResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    raws.push(child(["raw", root, list, rawDb]));
    ours.push(child(["docindex", root]));
  }
  const pick = (rs: ChildResult[], f: (r: ChildResult) => number) => median(rs.map(f));
  const rawS = pick(raws, (r) => r.coldMs) / 1000;
  const rawMb = pick(raws, (r) => r.dbBytes) / MB;
  const coldS = pick(ours, (r) => r.coldMs) / 1000;
  const rawCpuS = pick(raws, (r) => r.cpuMs) / 1000;
  const cpuS = pick(ours, (r) => r.cpuMs) / 1000;
  const indexMb = pick(ours, (r) => r.dbBytes) / MB;
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  console.log(
    `| ${label} | ${files.length} | ${fmt(bytes / MB)} | ${fmt(rawS, 2)} | ${fmt(rawMb)} | ${fmt(coldS, 2)} | ${fmt(coldS / rawS, 2)}x | ${fmt(rawCpuS, 2)} | ${fmt(cpuS, 2)} | ${fmt(cpuS / rawCpuS, 2)}x | ${fmt(indexMb)} | ${fmt(indexMb / rawMb, 2)}x | ${fmt(
      pick(ours, (r) => r.maxRssMb),
      0,
    )} (raw ${fmt(
      pick(raws, (r) => r.maxRssMb),
      0,
    )}) | ${fmt(pick(ours, (r) => r.unchangedMs!) / 1000, 2)} | ${ours[0]!.indexed} |`,
  );
}

export async function indexBench(workDir: string): Promise<void> {
  const scifact = join(workDir, "scifact");
  writeScifactCorpus(scifact);
  const scifactFiles = readdirSync(scifact)
    .filter((name) => name.endsWith(".md"))
    .map((name) => ({ path: name, bytes: statSync(join(scifact, name)).size }));
  const large = join(workDir, "large-tree");
  const largeFiles = buildLargeTree(large);
  const kinds = new Map<string, number>();
  for (const f of largeFiles) {
    const ext = f.path.slice(f.path.lastIndexOf(".") + 1);
    kinds.set(ext, (kinds.get(ext) ?? 0) + 1);
  }
  console.log(
    `\n## Cold lexical indexing vs raw FTS5 insert (median of ${ROUNDS}, load ${loadavg()
      .map((l) => fmt(l, 2))
      .join(" ")})`,
  );
  console.log(
    `Large tree built in ${large}: two copies of node_modules' text files, the datasets' text documents, SciFact; by extension: ${[
      ...kinds,
    ]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")}\n`,
  );
  console.log(
    "| corpus | files | MB | raw FTS5 s | raw db MB | docindex cold s | ratio | raw CPU s | docindex CPU s | CPU ratio | index MB | size ratio | peak RSS MB | unchanged s | indexed |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  measure("scifact", scifact, scifactFiles, workDir);
  measure("large-tree", large, largeFiles, workDir);
  console.log(
    `\nload average after: ${loadavg()
      .map((l) => fmt(l, 2))
      .join(" ")}`,
  );
}
