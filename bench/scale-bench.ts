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
 * - memory: docindex runs as a child process (the built CLI), whose peak RSS includes its
 *   parser worker threads; the raw load's peak is the bench process's own growth.
 *
 * `DOCINDEX_SCALE_SIZES=5000,50000` picks the sizes (default 5000,50000,200000).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { openSqliteStore } from "../indexers/sqlite/index.js";
import { percentile } from "./metrics.js";
import { buildScaleTree, type ScaleTree } from "./scale-tree.js";
import { fmt, timeMs } from "./timing.js";

const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const TOKENIZER = "porter unicode61 remove_diacritics 2";
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
}

function folderMb(path: string): number {
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

function rawBaseline(tree: ScaleTree, dbPath: string): ScaleRow["raw"] {
  rmSync(dbPath, { force: true });
  const before = process.memoryUsage().rss;
  let peak = before;
  const seconds =
    timeSync(() => {
      const db = new Database(dbPath);
      db.pragma("journal_mode = WAL");
      db.exec(`CREATE VIRTUAL TABLE fts USING fts5(path, body, tokenize = '${TOKENIZER}')`);
      const insert = db.prepare("INSERT INTO fts (path, body) VALUES (?, ?)");
      const files = listTreeFiles(tree.root);
      db.transaction(() => {
        for (const [i, path] of files.entries()) {
          insert.run(path, readFileSync(path, "utf8"));
          if (i % 1000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
        }
      })();
      db.close();
    }) / 1000;
  const db = new Database(dbPath, { readonly: true });
  const search = db.prepare(
    "SELECT path, snippet(fts, 1, '', '', '…', 16) AS snippet FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT 10",
  );
  const latencies = repeatQueries((query) => search.all(ftsQuery(query)));
  db.close();
  return {
    seconds,
    dbMb: statSync(dbPath).size / 1024 / 1024,
    rssMb: (peak - before) / 1024 / 1024,
    searchP50: percentile(latencies, 50),
    searchP99: percentile(latencies, 99),
  };
}

function timeSync(work: () => void): number {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Each query three times after one warm-up round; latencies sorted ascending. */
function repeatQueries(run: (query: string) => unknown): number[] {
  for (const query of QUERY_WORDS) run(query);
  const latencies: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const query of QUERY_WORDS) latencies.push(timeSync(() => run(query)));
  }
  return latencies.sort((a, b) => a - b);
}

/** Runs the built CLI in a child process and reads its peak RSS (threads included) at exit. */
function runCliMeasured(
  args: string[],
  workDir: string,
): { ms: number; peakRssMb: number; stdout: string } {
  const wrapper = join(workDir, "peak-rss.mjs");
  writeFileSync(
    wrapper,
    "process.on('exit', () => process.stderr.write(`\\nbench-maxrss-kb=${process.resourceUsage().maxRSS}\\n`));\n" +
      `process.argv.splice(1, 1);\nawait import(${JSON.stringify(CLI)});\n`,
  );
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [wrapper, wrapper, ...args], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, DOCINDEX_LOG_LEVEL: "warn" },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`docindex ${args.join(" ")} failed: ${result.stderr}`);
  const kb = Number(/bench-maxrss-kb=(\d+)/.exec(result.stderr)?.[1] ?? NaN);
  return { ms, peakRssMb: kb / 1024, stdout: result.stdout };
}

async function docindexRun(
  tree: ScaleTree,
  indexDir: string,
  workDir: string,
): Promise<ScaleRow["docindex"]> {
  rmSync(indexDir, { recursive: true, force: true });
  const args = ["reindex", tree.root, "--index", indexDir, "--json"];
  const cold = runCliMeasured(args, workDir);
  const unchanged = runCliMeasured(args, workDir);
  const store = await openSqliteStore(join(indexDir, "index.db"), { readonly: true });
  const latencies: number[] = [];
  try {
    for (const query of QUERY_WORDS)
      await store.search({ query, limit: 10, mode: "lexical", onePerDocument: true });
    for (let round = 0; round < 3; round++) {
      for (const query of QUERY_WORDS) {
        latencies.push(
          await timeMs(() =>
            store.search({ query, limit: 10, mode: "lexical", onePerDocument: true }),
          ),
        );
      }
    }
  } finally {
    await store.close();
  }
  latencies.sort((a, b) => a - b);
  return {
    coldSeconds: cold.ms / 1000,
    unchangedSeconds: unchanged.ms / 1000,
    indexMb: folderMb(indexDir),
    peakRssMb: cold.peakRssMb,
    searchP50: percentile(latencies, 50),
    searchP99: percentile(latencies, 99),
  };
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
    const raw = rawBaseline(tree, join(workDir, `scale-${size}-raw.db`));
    const docindex = await docindexRun(tree, join(workDir, `scale-${size}-index`), workDir);
    rows.push({ tree, raw, docindex });
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
  for (const { tree } of rows) console.log(`\n- ${tree.files} files: ${tree.made}`);
  return rows;
}
