/**
 * Issue 9, the watcher: `docindex serve` on a 50,000-file tree with and without the watcher, in
 * the same run: resident memory once ready and its peak (VmHWM), time until the server is
 * ready (watching, catch-up scan done, as `inventory` reports it), and 20 saves each searched
 * until found. Each configuration runs several times and the medians are printed, because the
 * machine is shared and single timings are noise.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { percentile } from "./metrics.js";
import { connect, startServer, waitIdle, type Server } from "./server-bench.js";
import { fmt } from "./timing.js";
import { benchTree, type BenchTree } from "./watcher-tree.js";

const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const EDITS = 20;
const RUNS = Number(process.env.DOCINDEX_BENCH_WATCH_RUNS ?? 3);
/** An edit not searchable after this long counts as missed. */
const MISSED_AFTER_MS = 10_000;

function procStatusMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
}

export interface ServeRun {
  readyMs: number;
  rssMb: number;
  peakMb: number;
  saves: number[];
  missed: number;
}

async function found(client: Client, token: string): Promise<boolean> {
  const result = await client.callTool({
    name: "search",
    arguments: { query: token, limit: 1, mode: "lexical" },
  });
  return (result.structuredContent as { results: unknown[] }).results.length > 0;
}

/** Saves spread over the tree; every fifth one creates a file in a folder that did not exist. */
async function edits(
  client: Client,
  tree: Pick<BenchTree, "files">,
  run: string,
): Promise<{ saves: number[]; missed: number }> {
  const saves: number[] = [];
  let missed = 0;
  for (let edit = 0; edit < EDITS; edit++) {
    const token = `save${edit}x${run}`;
    const existing = tree.files[Math.floor(((edit + 0.5) * tree.files.length) / EDITS)]!;
    const file =
      edit % 5 === 4 ? join(dirname(existing), `new-${run}-${edit}`, "note.md") : existing;
    mkdirSync(dirname(file), { recursive: true });
    const before = edit % 5 === 4 ? "" : readFileSync(file, "utf8");
    const t0 = performance.now();
    writeFileSync(file, `${before}\n\nThe save brings ${token}.\n`);
    for (;;) {
      if (await found(client, token)) {
        saves.push(performance.now() - t0);
        break;
      }
      if (performance.now() - t0 > MISSED_AFTER_MS) {
        missed++;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  return { saves: saves.sort((a, b) => a - b), missed };
}

/**
 * One `docindex serve --http` on an indexed tree, with or without the watcher: time to ready,
 * RSS once ready, and (with the watcher) the saves. The `scale` section measures its trees with it.
 */
export async function measureServe(
  tree: Pick<BenchTree, "root" | "files">,
  watch: boolean,
  run: string,
): Promise<ServeRun> {
  const t0 = performance.now();
  const server: Server = await startServer(tree.root, watch ? [] : ["--no-watch"]);
  try {
    const client = await connect(server.url);
    await waitIdle(client);
    const readyMs = performance.now() - t0;
    // Let start-up garbage be collected before reading the steady figure.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const rssMb = procStatusMb(server.child.pid!, "VmRSS");
    const result = watch ? await edits(client, tree, run) : { saves: [], missed: 0 };
    const peakMb = procStatusMb(server.child.pid!, "VmHWM");
    await client.close();
    return { readyMs, rssMb, peakMb, ...result };
  } finally {
    await server.stop();
  }
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

export async function watcherBench(workDir: string): Promise<void> {
  const tree = benchTree(workDir);
  console.log(
    `\n## Watcher: \`serve\` on ${tree.files.length.toLocaleString("en")} files (plus ${tree.ignoredFiles.toLocaleString("en")} in an ignored node_modules), ${RUNS} runs each, medians`,
  );
  const t0 = performance.now();
  const indexed = spawnSync(process.execPath, [CLI, "reindex", tree.root], { encoding: "utf8" });
  if (indexed.status !== 0) throw new Error(`reindex failed: ${indexed.stderr}`);
  console.log(
    `(index brought up to date by \`reindex\` in ${fmt((performance.now() - t0) / 1000, 1)} s, not measured below)`,
  );
  const runs: Record<"off" | "on", ServeRun[]> = { off: [], on: [] };
  const loads: number[] = [];
  for (let n = 0; n < RUNS; n++) {
    // Alternate, so that a load spike on the shared machine hits both alike.
    for (const watch of [false, true]) {
      loads.push(loadavg()[0]!);
      runs[watch ? "on" : "off"].push(
        await measureServe(tree, watch, `${Date.now().toString(36)}r${n}`),
      );
    }
  }
  console.log("| server | ready s | RSS MB | peak RSS MB | save p50 ms | save max ms | missed |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const [name, list] of [
    ["--no-watch", runs.off],
    ["watcher", runs.on],
  ] as const) {
    const saves = list.flatMap((r) => r.saves).sort((a, b) => a - b);
    console.log(
      `| ${name} | ${fmt(median(list.map((r) => r.readyMs)) / 1000, 2)} | ${fmt(median(list.map((r) => r.rssMb)), 0)} | ${fmt(median(list.map((r) => r.peakMb)), 0)} | ${saves.length ? fmt(percentile(saves, 50), 0) : "-"} | ${saves.length ? fmt(saves[saves.length - 1]!, 0) : "-"} | ${list.reduce((sum, r) => sum + r.missed, 0)} |`,
    );
  }
  const ratio = median(runs.on.map((r) => r.rssMb)) / median(runs.off.map((r) => r.rssMb));
  const peakRatio = median(runs.on.map((r) => r.peakMb)) / median(runs.off.map((r) => r.peakMb));
  console.log(
    `\nRSS with the watcher / without: ${fmt(ratio, 2)}x (peak ${fmt(peakRatio, 2)}x) (target: within 1.5x); ready ${fmt(median(runs.on.map((r) => r.readyMs)) / 1000, 2)} s (target: 3 s); load average ${loads.map((l) => fmt(l, 1)).join(", ")}`,
  );
}
