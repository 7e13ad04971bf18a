/**
 * Lexical search latency through the MCP `search` tool against the raw FTS5 query it is built
 * on, on a ~100k-chunk index of real text: copies of the SciFact corpus, each in its own folder
 * (so every copy is a distinct document, and ties between copies exercise the tie-breaking).
 *
 * Baseline: `MATCH … ORDER BY rank LIMIT 10` with `snippet()` on an FTS5 table that holds the
 * same chunk texts (with content, so snippet() has text to cut), same tokenizer, same MATCH
 * expressions the product builds. Product: the `search` tool called through an in-memory MCP
 * client (JSON-RPC, zod validation, SQL, snippets, formatting), limit 10, one per document.
 * The two are interleaved query by query, so machine load hits both alike.
 */
import { cpSync, existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { loadSettings } from "../src/config/load.js";
import { createLogger } from "../src/log.js";
import { reindex } from "../src/pipeline/reindex.js";
import { createParserPool, INDEX_DB_FILE, openStore } from "../src/pipeline/runtime.js";
import { createServerContext } from "../src/server/context.js";
import { createMcpServer } from "../src/server/create-server.js";
import { parseQuery } from "../indexers/sqlite/query.js";
import { FTS_TOKENIZER } from "../indexers/sqlite/schema.js";
import { percentile } from "./metrics.js";
import { readScifactQueries, writeScifactCorpus } from "./scifact.js";
import { fmt } from "./timing.js";

const TARGET_CHUNKS = 100_000;
const ROUNDS = 2;
const QUERIES = 200;

/** Copies the SciFact folder until the index holds about TARGET_CHUNKS chunks. */
async function buildIndex(
  workDir: string,
): Promise<{ root: string; dbPath: string; chunks: number }> {
  const root = join(workDir, "search-100k");
  const source = join(root, "copy00");
  writeScifactCorpus(source);
  const { settings } = loadSettings({ cwd: root, env: {}, flags: { roots: [root] } });
  const dbPath = join(settings.indexDir, INDEX_DB_FILE);
  const log = createLogger({ level: "warn" });
  const store = await openStore(settings, { create: true });
  const pool = createParserPool(settings);
  let chunks = 0;
  try {
    chunks = (await store.stats()).chunks;
    if (chunks === 0) await reindex({ settings, store, parser: pool, log });
    chunks = (await store.stats()).chunks;
    const perCopy = Math.max(
      1,
      chunks / readdirSync(root).filter((d) => d.startsWith("copy")).length,
    );
    const copies = Math.ceil(TARGET_CHUNKS / perCopy);
    let added = false;
    for (let i = 1; i < copies; i++) {
      const dir = join(root, `copy${String(i).padStart(2, "0")}`);
      if (!existsSync(dir)) {
        cpSync(source, dir, { recursive: true });
        added = true;
      }
    }
    if (added) await reindex({ settings, store, parser: pool, log });
    const stats = await store.stats();
    chunks = stats.chunks;
    console.log(
      `index: ${copies} copies of SciFact, ${stats.documents} documents, ${stats.chunks} chunks`,
    );
  } finally {
    await pool.close();
    await store.close();
  }
  return { root, dbPath, chunks };
}

/** The baseline table: the same chunk texts in an FTS5 table that keeps its content. */
/** The chunk count the baseline table was built from: the product index it mirrors. */
function builtFrom(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT chunks FROM built_from").pluck().get() as number;
  } catch {
    return undefined;
  } finally {
    db.close();
  }
}

/** The baseline table: the same chunk texts in an FTS5 table that keeps its content. */
function baselineDb(workDir: string, dbPath: string, chunks: number): Database.Database {
  const file = join(workDir, "search-100k-raw.sqlite");
  // Built under another name and renamed when complete, so an interrupted run leaves no half table.
  if (builtFrom(file) !== chunks) {
    const building = `${file}.building`;
    rmSync(building, { force: true });
    const db = new Database(building);
    db.exec(`ATTACH DATABASE '${dbPath.replaceAll("'", "''")}' AS product`);
    db.exec(`CREATE VIRTUAL TABLE raw USING fts5 (title, heading, path, body,
      tokenize = '${FTS_TOKENIZER}')`);
    db.exec(`INSERT INTO raw (rowid, title, heading, path, body)
      SELECT c.id, coalesce(d.title, ''), c.heading_path, d.path, c.text
      FROM product.chunks c JOIN product.documents d ON d.id = c.doc_id`);
    db.exec("INSERT INTO raw (raw) VALUES ('optimize')");
    db.exec("DETACH DATABASE product");
    db.exec(
      `CREATE TABLE built_from (chunks INTEGER NOT NULL); INSERT INTO built_from VALUES (${chunks})`,
    );
    db.close();
    renameSync(building, file);
  }
  return new Database(file, { readonly: true });
}

export async function searchBench(workDir: string): Promise<void> {
  console.log("\n## Lexical search: MCP `search` tool vs raw FTS5, ~100k chunks, limit 10");
  const { root, dbPath, chunks } = await buildIndex(workDir);
  const { settings } = loadSettings({ cwd: root, env: {}, flags: { roots: [root] } });
  const ctx = await createServerContext({
    settings,
    log: createLogger({ level: "warn" }),
    watch: false,
  });
  const raw = baselineDb(workDir, dbPath, chunks);
  const rawQuery = raw.prepare(
    "SELECT rowid, snippet(raw, 3, '', '', '…', 32) AS snippet FROM raw WHERE raw MATCH ? ORDER BY rank LIMIT 10",
  );
  const server = createMcpServer(ctx);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(clientSide);
  try {
    // A few hundred queries: enough for stable medians, short enough on a busy machine.
    const queries = readScifactQueries()
      .queries.slice(0, QUERIES)
      .map((q) => q.text);
    const rawTimes: number[] = [];
    const toolTimes: number[] = [];
    // Warm both: page cache and statement caches.
    for (const query of queries.slice(0, 20)) {
      rawQuery.all(parseQuery(query)!.match);
      await client.callTool({ name: "search", arguments: { query, limit: 10, mode: "lexical" } });
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const query of queries) {
        const match = parseQuery(query)?.match;
        if (match === undefined) continue;
        let t0 = performance.now();
        rawQuery.all(match);
        rawTimes.push(performance.now() - t0);
        t0 = performance.now();
        const result = await client.callTool({
          name: "search",
          arguments: { query, limit: 10, mode: "lexical" },
        });
        toolTimes.push(performance.now() - t0);
        if (result.isError) throw new Error(`search failed: ${JSON.stringify(result.content)}`);
      }
    }
    rawTimes.sort((a, b) => a - b);
    toolTimes.sort((a, b) => a - b);
    const p = (xs: number[], q: number) => fmt(percentile(xs, q), 1);
    console.log(`${queries.length} SciFact train queries x ${ROUNDS} rounds, interleaved`);
    console.log("| system | p50 ms | p90 ms | p99 ms |");
    console.log("|---|---:|---:|---:|");
    console.log(
      `| raw FTS5 MATCH … ORDER BY rank LIMIT 10, snippet() | ${p(rawTimes, 50)} | ${p(rawTimes, 90)} | ${p(rawTimes, 99)} |`,
    );
    console.log(
      `| docindex MCP search tool (lexical, limit 10, per document) | ${p(toolTimes, 50)} | ${p(toolTimes, 90)} | ${p(toolTimes, 99)} |`,
    );
    const ratio = percentile(toolTimes, 50) / percentile(rawTimes, 50);
    console.log(`\nratio p50 docindex / raw FTS5: ${fmt(ratio, 2)}x (target: at most 1.3x)`);
  } finally {
    await client.close();
    await server.close();
    raw.close();
    await ctx.close();
  }
}
