/**
 * One measurement of the `index` section in a fresh process, so that its peak RSS is its own:
 *
 *   node index-child.js raw <root> <list.json> <db>   the baseline: read every listed file, insert
 *                                                     it into one FTS5 table, one transaction
 *   node index-child.js docindex <root> [no-ngram]    cold reindex, then an unchanged one
 *                                                     (no-ngram: without grep's n-gram index)
 *
 * Prints one JSON line on stdout. cpuMs is the CPU time (user + system, every thread of the
 * process) of the cold run: on a machine others share, wall time mostly measures how long each
 * thread waited for a core, and CPU time is what docindex itself spent.
 */
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { loadSettings } from "../src/config/load.js";
import { createLogger } from "../src/log.js";
import { reindex } from "../src/pipeline/reindex.js";
import { createParserPool, INDEX_DB_FILE, openStore } from "../src/pipeline/runtime.js";
import { FTS_TOKENIZER } from "../indexers/sqlite/schema.js";
import { openSqliteStore } from "../indexers/sqlite/index.js";
import { timeMs } from "./timing.js";

export interface ChildResult {
  coldMs: number;
  cpuMs: number;
  unchangedMs?: number;
  dbBytes: number;
  maxRssMb: number;
  indexed?: number;
}

function fileBytes(path: string): number {
  let total = 0;
  for (const file of [path, `${path}-wal`]) {
    try {
      total += statSync(file).size;
    } catch {
      // No WAL once the last connection closed.
    }
  }
  return total;
}

async function raw(root: string, listPath: string, dbPath: string): Promise<ChildResult> {
  const paths = JSON.parse(readFileSync(listPath, "utf8")) as string[];
  rmSync(dbPath, { force: true });
  const cpu = process.cpuUsage();
  const coldMs = await timeMs(() => {
    const db = new Database(dbPath);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec(`CREATE VIRTUAL TABLE docs USING fts5 (path, body, tokenize = '${FTS_TOKENIZER}')`);
    const insert = db.prepare("INSERT INTO docs (path, body) VALUES (?, ?)");
    db.transaction(() => {
      for (const path of paths) insert.run(path, readFileSync(join(root, path), "utf8"));
    })();
    db.close();
  });
  return {
    coldMs,
    cpuMs: cpuMsSince(cpu),
    dbBytes: fileBytes(dbPath),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** `noNgram`: without grep's n-gram index (the grep section's measure of its cost). */
async function docindex(root: string, noNgram = false): Promise<ChildResult> {
  // Only the syntax setting comes from the environment: the symbols section measures both.
  const syntax = process.env.DOCINDEX_SYNTAX;
  const env = syntax === undefined ? {} : { DOCINDEX_SYNTAX: syntax };
  const { settings } = loadSettings({ cwd: root, env, flags: { roots: [root] } });
  rmSync(settings.indexDir, { recursive: true, force: true });
  const log = createLogger({ level: "warn" });
  const store = noNgram
    ? await openSqliteStore(join(settings.indexDir, INDEX_DB_FILE), { ngramIndex: false })
    : await openStore(settings, { create: true });
  const pool = createParserPool(settings);
  let indexed = 0;
  let coldMs = 0;
  let cpuMs = 0;
  let unchangedMs = 0;
  try {
    const cpu = process.cpuUsage();
    coldMs = await timeMs(async () => {
      indexed = (await reindex({ settings, store, parser: pool, log })).indexed;
    });
    cpuMs = cpuMsSince(cpu);
    unchangedMs = await timeMs(() => reindex({ settings, store, parser: pool, log }));
  } finally {
    await pool.close();
    await store.close();
  }
  return {
    coldMs,
    cpuMs,
    unchangedMs,
    indexed,
    dbBytes: fileBytes(join(settings.indexDir, INDEX_DB_FILE)),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

const [mode, root, ...rest] = process.argv.slice(2);
const result =
  mode === "raw"
    ? await raw(root!, rest[0]!, rest[1]!)
    : await docindex(root!, rest[0] === "no-ngram");
process.stdout.write(`${JSON.stringify(result)}\n`);
