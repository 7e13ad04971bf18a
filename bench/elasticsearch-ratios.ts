/**
 * `npm run bench -- elasticsearch-ratios`: the three ratios of issue 9, each against a baseline
 * measured in the same run on the same node, with no embedding model (vectors are synthetic):
 *
 * - cold indexing of SciFact through the pipeline, and the store's writes alone (the same parsed
 *   documents upserted at the store's writeConcurrency), against a raw `_bulk` load of the same
 *   record and chunk sources (batches of 500 operations, one after the other) into an index of
 *   the same mapping;
 * - lexical search through runSearchQuery (what the MCP tool calls), limit 10, one result per
 *   document, against a raw `_search` (match on the body + highlight, size 10) on the raw index;
 * - the vector catch-up (embedPendingChunks from a cache that has every vector) on the
 *   Elasticsearch store against the SQLite store, on the same chunks, and against
 *   Elasticsearch's own cost for the same vectors: a raw `_bulk` of the same partial updates
 *   (batches of 500, one after the other) into the raw index, with the store's vector mapping.
 *
 * Baseline and product alternate, rounds are repeated and medians printed; requests are counted
 * per kind with their round-trip time and Elasticsearch's `took` (es-requests.ts).
 */
import { createHash } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@elastic/elasticsearch";
import { loadSettings } from "../src/config/load.js";
import type { Settings } from "../src/config/schema.js";
import {
  embeddingCacheKey,
  embeddingInput,
  embedPendingChunks,
} from "../src/embed/embed-backlog.js";
import { createLogger } from "../src/log.js";
import { reindex } from "../src/pipeline/reindex.js";
import { createParserPool, openStore } from "../src/pipeline/runtime.js";
import { runSearchQuery } from "../src/search/run-search.js";
import type { Chunk } from "../scanners/types.js";
import type { DocumentRecord, Store } from "../indexers/store.js";
import type { ElasticsearchStore } from "../indexers/elasticsearch/elasticsearch-store.js";
import { indexBody, SCHEMA_VERSION, vectorMapping } from "../indexers/elasticsearch/mapping.js";
import { vectorJson } from "../indexers/elasticsearch/vectors.js";
import {
  chunkDocId,
  documentKey,
  nextGeneration,
  recordId,
  toChunkSource,
  toRecordSource,
} from "../indexers/elasticsearch/sources.js";
import { indexForm } from "../indexers/elasticsearch/text-form.js";
import { startEsCluster } from "../test/elasticsearch/es-node.js";
import { describeRequests, RequestCounter, totalRequests } from "./es-requests.js";
import { latencyCells, loadNote } from "./retrieval.js";
import { readScifactQueries, writeScifactCorpus } from "./scifact.js";
import { fmt, median, timeMs } from "./timing.js";

// DOCINDEX_BENCH_ROUNDS, as in the index section: fewer for a quick look.
const ROUNDS = Number(process.env.DOCINDEX_BENCH_ROUNDS) || 3;
const RAW_BATCH = 500;
const DIMENSIONS = 384;

interface Parsed {
  doc: DocumentRecord;
  chunks: Chunk[];
  text: string | undefined;
}

const log = createLogger({ level: "warn" });

function settingsFor(
  root: string,
  indexDir: string,
  store: "sqlite" | "elasticsearch",
  urls: string[],
): Settings {
  return loadSettings({
    cwd: root,
    env: {},
    flags: {
      roots: [root],
      indexDir,
      store,
      ...(store === "elasticsearch"
        ? {
            esUrl: urls,
            esIndexPrefix: `ratio-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
          }
        : {}),
    },
  }).settings;
}

/** A cold pipeline run into a fresh index; the store stays open. */
async function coldIndex(settings: Settings): Promise<{ store: Store; seconds: number }> {
  rmSync(settings.indexDir, { recursive: true, force: true });
  mkdirSync(settings.indexDir, { recursive: true });
  const store = await openStore(settings, { create: true });
  const pool = createParserPool(settings);
  try {
    const ms = await timeMs(() => reindex({ settings, store, parser: pool, log }));
    return { store, seconds: ms / 1000 };
  } finally {
    await pool.close();
  }
}

/** Every document as the pipeline wrote it, read back from a store. */
async function readBack(store: Store): Promise<Parsed[]> {
  const parsed: Parsed[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.documents({}, { limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const doc of page.items) {
      parsed.push({
        doc,
        chunks: await store.getChunks(doc.root, doc.path),
        text: await store.getDocumentText(doc.root, doc.path),
      });
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return parsed;
}

/** A chunk as the raw baseline wrote it: its document id, routing and embedding input. */
interface RawChunk {
  id: string;
  key: string;
  input: string;
}

/** The baseline: the same sources into an index of the same mapping, by plain `_bulk`. */
async function rawBulk(
  client: Client,
  docs: Parsed[],
  name: string,
  written: RawChunk[] = [],
): Promise<number> {
  await client.indices.create({
    index: name,
    ...(indexBody(
      { shards: 1, replicas: 0, refreshInterval: "1s" },
      { schema: SCHEMA_VERSION },
    ) as object),
  });
  return timeMs(async () => {
    let ops: object[] = [];
    let count = 0;
    const flush = async () => {
      if (count === 0) return;
      const response = await client.bulk({ operations: ops });
      if (response.errors) throw new Error("raw bulk: item errors");
      ops = [];
      count = 0;
    };
    for (const { doc, chunks, text } of docs) {
      const key = documentKey(doc.root, doc.path);
      const gen = nextGeneration(undefined);
      chunks.forEach((chunk, i) => {
        const id = chunkDocId(key, gen, i);
        written.push({ id, key, input: embeddingInput(chunk) });
        ops.push({ index: { _index: name, _id: id, routing: key } });
        ops.push(toChunkSource(doc, key, gen, chunk));
        count++;
      });
      ops.push({ index: { _index: name, _id: recordId(key), routing: key } });
      ops.push(toRecordSource(doc, key, gen, chunks.length, text));
      count++;
      if (count >= RAW_BATCH) await flush();
    }
    await flush();
  });
}

/** The product: the same documents upserted into a fresh store, as many in flight as it asks. */
async function storeWrites(
  settings: Settings,
  docs: Parsed[],
  counter: (s: Store) => RequestCounter,
) {
  const store = await openStore(settings, { create: true });
  const requests = counter(store);
  requests.start();
  const ms = await timeMs(async () => {
    let next = 0;
    const worker = async () => {
      while (next < docs.length) {
        const { doc, chunks, text } = docs[next++]!;
        await store.upsertDocument(doc, chunks, text);
      }
    };
    await Promise.all(Array.from({ length: store.writeConcurrency ?? 4 }, worker));
  });
  const figures = requests.stop();
  await store.close();
  return { ms, figures };
}

/** The synthetic vector of an embedding cache key. */
function vectorOf(key: string): Float32Array {
  const seed = createHash("sha256").update(key).digest();
  const v = new Float32Array(DIMENSIONS);
  let norm = 0;
  for (let i = 0; i < DIMENSIONS; i++) {
    v[i] = (seed[i % seed.length]! - 127.5) * (1 + (i % 7));
    norm += v[i]! * v[i]!;
  }
  return v.map((x) => x / Math.sqrt(norm));
}

/** A cache that has a vector for every text: the catch-up's cost is the store's alone. */
function syntheticCache() {
  return {
    getMany: (_model: string, keys: string[]) => new Map(keys.map((k) => [k, vectorOf(k)])),
    putMany: () => undefined,
  };
}

/**
 * Elasticsearch's own cost for the catch-up's vectors: the same partial updates (the vector, the
 * previous round's field nulled, the model id) by plain `_bulk` into a field of the store's
 * mapping. One after the other, no refresh, as the catch-up writes.
 */
async function rawVectorBulk(
  client: Client,
  index: string,
  chunks: RawChunk[],
  round: number,
): Promise<{ seconds: number; took: number }> {
  const field = `vec_raw_${round}`;
  const previous = round > 0 ? { [`vec_raw_${round - 1}`]: null } : {};
  await client.indices.putMapping({
    index,
    properties: { [field]: vectorMapping(DIMENSIONS, true) as never },
  });
  let took = 0;
  const ms = await timeMs(async () => {
    for (let i = 0; i < chunks.length; i += RAW_BATCH) {
      const operations: object[] = [];
      for (const chunk of chunks.slice(i, i + RAW_BATCH)) {
        const vector = vectorJson(vectorOf(embeddingCacheKey(chunk.input)));
        operations.push({ update: { _index: index, _id: chunk.id, routing: chunk.key } });
        operations.push({ doc: { ...previous, [field]: vector, embed_model: field } });
      }
      const response = await client.bulk({ operations });
      if (response.errors) throw new Error("raw vector bulk: item errors");
      took += response.took;
    }
  });
  return { seconds: ms / 1000, took };
}

async function catchUp(store: Store, model: string): Promise<{ seconds: number; vectors: number }> {
  await store.setVectorModel({ id: model, dimensions: DIMENSIONS });
  let vectors = 0;
  const ms = await timeMs(async () => {
    const result = await embedPendingChunks({
      store,
      embedder: {
        id: model,
        embed: () => Promise.reject(new Error("the synthetic cache has every vector")),
      },
      cache: syntheticCache(),
      log,
    });
    if (result.error) throw new Error(result.error);
    vectors = result.embedded;
  });
  return { seconds: ms / 1000, vectors };
}

export async function elasticsearchRatios(workDir: string): Promise<void> {
  console.log("\n## Elasticsearch against raw Elasticsearch requests (issue 9 ratios)");
  console.log(loadNote());
  const node = await startEsCluster({ nodes: 1 }).catch((error: unknown) => {
    console.log(
      `skipped: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}`,
    );
    return undefined;
  });
  if (node === undefined) return;
  const { Client } = await import("@elastic/elasticsearch");
  const raw = new Client({ node: node.urls[0]! });
  const counters = new Map<Store, RequestCounter>();
  const counter = (s: Store) => {
    let c = counters.get(s);
    if (c === undefined)
      counters.set(s, (c = new RequestCounter((s as ElasticsearchStore).conn.client)));
    return c;
  };
  const open: Store[] = [];
  try {
    const root = join(workDir, "scifact");
    const { files } = writeScifactCorpus(root);
    const sqliteSettings = settingsFor(
      root,
      join(workDir, "ratio-sqlite-index"),
      "sqlite",
      node.urls,
    );
    const sqlite = await coldIndex(sqliteSettings);
    open.push(sqlite.store);
    const docs = await readBack(sqlite.store);
    const chunks = docs.reduce((n, d) => n + d.chunks.length, 0);
    console.log(
      `\nSciFact: ${files} files, ${docs.length} documents, ${chunks} chunks; SQLite cold index ${fmt(sqlite.seconds, 2)} s.`,
    );

    // Cold indexing: raw bulk, the store's writes, the pipeline, in turn.
    const rawMs: number[] = [];
    const writeMs: number[] = [];
    const pipelineS: number[] = [];
    let writeFigures = new Map();
    let pipelineFigures = new Map();
    let esStore: Store | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      rawMs.push(await rawBulk(raw, docs, `raw-${round}-${Date.now()}`));
      const w = await storeWrites(
        settingsFor(root, join(workDir, "ratio-es-index"), "elasticsearch", node.urls),
        docs,
        counter,
      );
      writeMs.push(w.ms);
      writeFigures = w.figures;
      const settings = settingsFor(
        root,
        join(workDir, "ratio-es-index"),
        "elasticsearch",
        node.urls,
      );
      // The counter must listen before the pipeline's first request: open the store first.
      const store = await openStore(settings, { create: true });
      const requests = counter(store);
      requests.start();
      const pool = createParserPool(settings);
      const ms = await timeMs(() => reindex({ settings, store, parser: pool, log })).finally(() =>
        pool.close(),
      );
      pipelineS.push(ms / 1000);
      pipelineFigures = requests.stop();
      if (esStore !== undefined) await esStore.close();
      esStore = store;
    }
    open.push(esStore!);
    const rawMedian = median(rawMs);
    console.log(`\n### Cold indexing (${ROUNDS} rounds, interleaved; medians)`);
    console.log(
      "| what | seconds per round | median s | ratio to raw _bulk | requests (last round) |",
    );
    console.log("|---|---|---:|---:|---:|");
    const row = (what: string, values: number[], requests: string) =>
      console.log(
        `| ${what} | ${values.map((v) => fmt(v, 2)).join(" / ")} | ${fmt(median(values), 2)} | ${fmt(median(values) / (rawMedian / 1000), 2)} | ${requests} |`,
      );
    row(
      "raw `_bulk`, same sources",
      rawMs.map((m) => m / 1000),
      `${Math.ceil((docs.length + chunks) / RAW_BATCH)}`,
    );
    row(
      "store writes (upsertDocument)",
      writeMs.map((m) => m / 1000),
      `${totalRequests(writeFigures)}`,
    );
    row("pipeline (reindex)", pipelineS, `${totalRequests(pipelineFigures)}`);
    console.log(`\nStore writes, requests: ${describeRequests(writeFigures)}`);
    console.log(`Pipeline, requests: ${describeRequests(pipelineFigures)}`);
    console.log(loadNote());

    // Lexical search, interleaved per query.
    const { queries } = readScifactQueries();
    const rawIndex = `raw-search-${Date.now()}`;
    const rawChunks: RawChunk[] = [];
    await rawBulk(raw, docs, rawIndex, rawChunks);
    await raw.indices.refresh({ index: rawIndex });
    const liveIndex = (esStore as ElasticsearchStore).layout.live;
    const rawSearch = (text: string, index = rawIndex) =>
      raw.search({
        index,
        size: 10,
        query: { match: { body: indexForm(text) } },
        highlight: { fields: { body: {} } },
      });
    const product = (text: string) =>
      runSearchQuery(esStore!, { query: text, limit: 10, mode: "lexical", perDocument: true });
    for (const q of queries.slice(0, 30)) {
      await rawSearch(q.text);
      await product(q.text);
    }
    const rawLatency: number[] = [];
    const rawOnStoreLatency: number[] = [];
    const productLatency: number[] = [];
    const searchRequests = counter(esStore!);
    searchRequests.start();
    for (const q of queries) {
      rawLatency.push(await timeMs(() => rawSearch(q.text)));
      // The same raw request on the store's own index: apart the index's shape from the store's.
      rawOnStoreLatency.push(await timeMs(() => rawSearch(q.text, liveIndex)));
      productLatency.push(await timeMs(() => product(q.text)));
    }
    const searchFigures = searchRequests.stop();
    const p50 = (v: number[]) => median(v);
    console.log(
      `\n### Lexical search, limit 10, one result per document (${queries.length} queries, interleaved)`,
    );
    console.log("| what | p50 ms | p99 ms |");
    console.log("|---|---:|---:|");
    console.log(`| raw \`_search\` (match + highlight) | ${latencyCells(rawLatency)} |`);
    console.log(`| raw \`_search\` on docindex's own index | ${latencyCells(rawOnStoreLatency)} |`);
    console.log(`| docindex (runSearchQuery) | ${latencyCells(productLatency)} |`);
    const segments = async (index: string) =>
      (await raw.indices.stats({ index, metric: "segments" }))._all.primaries?.segments?.count;
    console.log(
      `\nRatio of p50s: ${fmt(p50(productLatency) / p50(rawLatency), 2)} (${fmt(p50(productLatency) / p50(rawOnStoreLatency), 2)} against the raw request on docindex's index). docindex requests per search: ${describeRequests(searchFigures, queries.length)}. Segments: raw index ${await segments(rawIndex)}, docindex's ${await segments((esStore as ElasticsearchStore).layout.live)}.`,
    );
    console.log(loadNote());

    // Vector catch-up: SQLite, raw `_bulk` of the same vectors and Elasticsearch in turn, a new
    // model each round.
    const sqliteS: number[] = [];
    const rawS: number[] = [];
    const esS: number[] = [];
    const rawTook: number[] = [];
    let vectors = 0;
    let vectorFigures = new Map();
    for (let round = 0; round < ROUNDS; round++) {
      sqliteS.push((await catchUp(sqlite.store, `synthetic:${round}`)).seconds);
      const rawRound = await rawVectorBulk(raw, rawIndex, rawChunks, round);
      rawS.push(rawRound.seconds);
      rawTook.push(rawRound.took / 1000);
      const requests = counter(esStore!);
      requests.start();
      const es = await catchUp(esStore!, `synthetic:${round}`);
      const figures = requests.stop();
      if (round === 0) vectorFigures = figures;
      esS.push(es.seconds);
      vectors = es.vectors;
    }
    console.log(
      `\n### Vector catch-up: ${vectors} cached ${DIMENSIONS}-dimension vectors (embedPendingChunks, ${ROUNDS} rounds, interleaved)`,
    );
    console.log("| what | seconds per round | median s | ratio to SQLite | ratio to raw `_bulk` |");
    console.log("|---|---|---:|---:|---:|");
    const vectorRow = (what: string, values: number[]) =>
      console.log(
        `| ${what} | ${values.map((v) => fmt(v, 2)).join(" / ")} | ${fmt(median(values), 2)} | ${fmt(median(values) / median(sqliteS), 2)} | ${fmt(median(values) / median(rawS), 2)} |`,
      );
    vectorRow("SQLite store", sqliteS);
    vectorRow(`raw \`_bulk\` of the same vector updates (${RAW_BATCH} a request)`, rawS);
    vectorRow("Elasticsearch store", esS);
    console.log(
      `\nRaw \`_bulk\` took (Elasticsearch's own time) per round: ${rawTook.map((t) => fmt(t, 2)).join(" / ")} s. Elasticsearch store requests (first round): ${describeRequests(vectorFigures)}.`,
    );
    console.log(loadNote());
  } finally {
    for (const store of open) await store.close().catch(() => undefined);
    await raw.close();
    await node.close();
  }
}
