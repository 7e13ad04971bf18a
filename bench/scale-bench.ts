/**
 * How cost grows: trees of about 5,000, 50,000 and 200,000 real files (scale-tree.ts), and for
 * each the cold index, the unchanged reindex, the index size, peak memory and lexical search
 * latency, each next to its raw baseline measured in the same run on the same files:
 *
 * - indexing: a raw FTS5 load (read every file as UTF-8, one FTS5 table with the store's
 *   tokenizer, one transaction) — what SQLite itself costs, with no parsing, chunking or
 *   catalogue;
 * - search: the raw FTS5 query (`MATCH … ORDER BY rank LIMIT 10` with `snippet()`) on that raw
 *   table, against docindex's store search at limit 10, one result per document;
 * - memory: both loads run in fresh processes (index-child.ts, shared with the `index`
 *   section), so each peak RSS is its own, docindex's with its parser worker threads.
 *
 * - the watcher: `docindex serve --http` on the indexed tree (watcher-bench.ts's measureServe),
 *   once with `--no-watch` (the baseline) and once with the watcher: time to ready (catch-up scan
 *   done), RSS once ready, and 20 saves each searched until found (p50, max, missed).
 *
 * `DOCINDEX_SCALE_SIZES=5000,50000` picks the sizes (default 5000,50000,200000);
 * `DOCINDEX_SCALE_WATCH=0` leaves the watcher columns out.
 */
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, relative } from "node:path";
import Database from "better-sqlite3";
import { openSqliteStore } from "../indexers/sqlite/index.js";
import { child } from "./index-bench.js";
import { percentile } from "./metrics.js";
import { buildScaleTree, type ScaleTree } from "./scale-tree.js";
import { fmt, timeMs, timeMsSync } from "./timing.js";
import { measureServe, type ServeRun } from "./watcher-bench.js";

const QUERY_WORDS = [
  "memory allocation",
  "error handling callback",
  "protein expression cells",
  "parse json schema",
  "stream buffer encoding",
  "patients clinical trial",
  "timeout retry",
  "gene mutation cancer",
  "unicode normalization",
  "promise reject",
  "vaccine immune response",
  "file descriptor",
  "license permission",
  "cache invalidation",
  "insulin resistance",
  "worker thread message",
  "deprecated option",
  "mitochondrial dna",
  "http header",
  "typescript declaration",
];

export interface ScaleRow {
  tree: ScaleTree;
  raw: { seconds: number; dbMb: number; rssMb: number; searchP50: number; searchP99: number };
  docindex: {
    coldSeconds: number;
    unchangedSeconds: number;
    indexMb: number;
    peakRssMb: number;
    searchP50: number;
    searchP99: number;
  };
  /** `serve` without and with the watcher; absent when DOCINDEX_SCALE_WATCH=0. */
  serve?: { off: ServeRun; on: ServeRun };
  /** 1-minute load average before and after this size's runs. */
  load: [number, number];
}

export function folderMb(path: string): number {
  if (!existsSync(path)) return 0;
  let bytes = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    bytes += entry.isDirectory() ? folderMb(full) * 1024 * 1024 : statSync(full).size;
  }
  return bytes / 1024 / 1024;
}

function listTreeFiles(root: string): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === ".docindex") continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.isFile()) out.push(path);
    }
  }
  return out;
}

/** FTS5's own query syntax for "any of these words", as the store's OR semantics. */
function ftsQuery(text: string): string {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `"${word.replaceAll('"', '""')}"`)
    .join(" OR ");
}

/** The raw FTS5 load (index-child.ts, a fresh process), then the raw query on its table. */
function rawBaseline(tree: ScaleTree, dbPath: string, workDir: string): ScaleRow["raw"] {
  const list = join(workDir, `scale-${tree.files}-files.json`);
  writeFileSync(
    list,
    JSON.stringify(listTreeFiles(tree.root).map((path) => relative(tree.root, path))),
  );
  const load = child(["raw", tree.root, list, dbPath]);
  const db = new Database(dbPath, { readonly: true });
  const search = db.prepare(
    "SELECT path, snippet(docs, 1, '', '', '…', 16) AS snippet FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10",
  );
  const latencies = repeatQueries((query) => search.all(ftsQuery(query)));
  db.close();
  return {
    seconds: load.coldMs / 1000,
    dbMb: load.dbBytes / 1024 / 1024,
    rssMb: load.maxRssMb,
    searchP50: percentile(latencies, 50),
    searchP99: percentile(latencies, 99),
  };
}

/** Each query three times after one warm-up round; latencies sorted ascending. */
function repeatQueries(run: (query: string) => unknown): number[] {
  for (const query of QUERY_WORDS) run(query);
  const latencies: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const query of QUERY_WORDS) latencies.push(timeMsSync(() => run(query)));
  }
  return latencies.sort((a, b) => a - b);
}

/** docindex's cold and unchanged reindex (index-child.ts), then the store's search. */
async function docindexRun(tree: ScaleTree): Promise<ScaleRow["docindex"]> {
  const indexDir = join(tree.root, ".docindex");
  rmSync(indexDir, { recursive: true, force: true });
  const run = child(["docindex", tree.root]);
  const store = await openSqliteStore(join(indexDir, "index.db"), { readonly: true });
  const search = (query: string) =>
    store.search({ query, limit: 10, mode: "lexical", onePerDocument: true });
  const latencies: number[] = [];
  try {
    for (const query of QUERY_WORDS) await search(query);
    for (let round = 0; round < 3; round++) {
      for (const query of QUERY_WORDS) latencies.push(await timeMs(() => search(query)));
    }
  } finally {
    await store.close();
  }
  latencies.sort((a, b) => a - b);
  return {
    coldSeconds: run.coldMs / 1000,
    unchangedSeconds: (run.unchangedMs ?? NaN) / 1000,
    indexMb: folderMb(indexDir),
    peakRssMb: run.maxRssMb,
    searchP50: percentile(latencies, 50),
    searchP99: percentile(latencies, 99),
  };
}

/** The server on the tree docindexRun indexed: --no-watch first, then with the watcher. */
async function serveRuns(tree: ScaleTree): Promise<{ off: ServeRun; on: ServeRun }> {
  const files = listTreeFiles(tree.root);
  const run = `scale${tree.files}${Date.now().toString(36)}`;
  const off = await measureServe({ root: tree.root, files }, false, run);
  const on = await measureServe({ root: tree.root, files }, true, run);
  return { off, on };
}

function serveTable(rows: ScaleRow[]): void {
  console.log(
    "\n| files | ready s, --no-watch | ready s, watcher | RSS MB, --no-watch | RSS MB, watcher | RSS ratio | save p50 ms | save max ms | missed |",
  );
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const { tree, serve } of rows) {
    if (serve === undefined) continue;
    const { off, on } = serve;
    console.log(
      `| ${tree.files} | ${fmt(off.readyMs / 1000, 2)} | ${fmt(on.readyMs / 1000, 2)} | ` +
        `${fmt(off.rssMb, 0)} | ${fmt(on.rssMb, 0)} | ${fmt(on.rssMb / off.rssMb, 2)}x | ` +
        `${on.saves.length ? fmt(percentile(on.saves, 50), 0) : "-"} | ` +
        `${on.saves.length ? fmt(on.saves[on.saves.length - 1]!, 0) : "-"} | ${on.missed} |`,
    );
  }
}

export function scaleSizes(): number[] {
  const configured = process.env.DOCINDEX_SCALE_SIZES?.split(",")
    .map(Number)
    .filter((n) => n > 0);
  return configured && configured.length > 0 ? configured : [5_000, 50_000, 200_000];
}

export async function scaleBench(workDir: string): Promise<ScaleRow[]> {
  console.log("\n## Scale: cost against workspace size (real files), each next to raw FTS5");
  const rows: ScaleRow[] = [];
  for (const size of scaleSizes()) {
    const tree = buildScaleTree(workDir, size);
    console.error(
      `scale: tree of ${tree.files} files (${fmt(tree.bytes / 1024 / 1024)} MB): ${tree.made}`,
    );
    const loadBefore = loadavg()[0]!;
    const raw = rawBaseline(tree, join(workDir, `scale-${size}-raw.db`), workDir);
    const docindex = await docindexRun(tree);
    const serve = process.env.DOCINDEX_SCALE_WATCH === "0" ? undefined : await serveRuns(tree);
    rows.push({ tree, raw, docindex, serve, load: [loadBefore, loadavg()[0]!] });
  }
  console.log(
    "\n| files | MB | raw FTS5 s | docindex cold s | ratio | MB/s | unchanged s | raw db MB | index MB | size ratio | peak RSS MB | raw search p50/p99 ms | docindex search p50/p99 ms | ratio p50 |",
  );
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const { tree, raw, docindex } of rows) {
    const mb = tree.bytes / 1024 / 1024;
    console.log(
      `| ${tree.files} | ${fmt(mb)} | ${fmt(raw.seconds, 2)} | ${fmt(docindex.coldSeconds, 2)} | ` +
        `${fmt(docindex.coldSeconds / raw.seconds, 2)}x | ${fmt(mb / docindex.coldSeconds, 2)} | ` +
        `${fmt(docindex.unchangedSeconds, 2)} | ${fmt(raw.dbMb)} | ${fmt(docindex.indexMb)} | ` +
        `${fmt(docindex.indexMb / raw.dbMb, 2)}x | ${fmt(docindex.peakRssMb, 0)} | ` +
        `${fmt(raw.searchP50, 2)} / ${fmt(raw.searchP99, 2)} | ${fmt(docindex.searchP50, 2)} / ${fmt(docindex.searchP99, 2)} | ` +
        `${fmt(docindex.searchP50 / raw.searchP50, 2)}x |`,
    );
  }
  serveTable(rows);
  for (const { tree, load } of rows)
    console.log(
      `\n- ${tree.files} files (load ${fmt(load[0], 1)} → ${fmt(load[1], 1)}): ${tree.made}`,
    );
  return rows;
}
