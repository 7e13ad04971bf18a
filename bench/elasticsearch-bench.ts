/**
 * The Elasticsearch store next to the SQLite store on SciFact, through the same pipeline
 * (runtime.openStore, reindex), each into a fresh index: a real Elasticsearch 8.19 node
 * (test/elasticsearch/es-node.ts, the tests' launcher) started here and stopped at the end. Cold indexing throughput, lexical
 * nDCG@10 / recall@100 on the 809 train queries, and search latency per mode.
 *
 * Vectors: both stores get all-MiniLM-L6-v2 vectors from a copy of the embedding cache that the
 * `embeddings` section fills (`<workDir>/scifact-minilm-index/embeddings.db`; built here when
 * missing), so nothing is embedded twice; without the model, semantic and hybrid are skipped.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { loadSettings } from "../src/config/load.js";
import type { Settings } from "../src/config/schema.js";
import { createLogger } from "../src/log.js";
import { reindex } from "../src/pipeline/reindex.js";
import { createParserPool, openStore } from "../src/pipeline/runtime.js";
import { EMBEDDING_CACHE_FILE, VectorIndexer } from "../src/pipeline/vectors.js";
import { runSearchQuery } from "../src/search/run-search.js";
import type { SearchMode, Store } from "../indexers/store.js";
import { startEsCluster, type EsCluster } from "../test/elasticsearch/es-node.js";
import {
  MINILM_INDEX_DIR,
  miniLmFlags,
  openMiniLmIndex,
  prepareModel,
  type MiniLm,
} from "./minilm-index.js";
import {
  latencyCells,
  loadNote,
  meanScores,
  precomputedVectors,
  scoreRanking,
  type QueryScore,
} from "./retrieval.js";
import { readScifactQueries, writeScifactCorpus } from "./scifact.js";
import { fmt, timeMs } from "./timing.js";

type StoreKind = "sqlite" | "elasticsearch";

interface Run {
  kind: StoreKind;
  label: string;
  settings: Settings;
  store: Store;
  vectors?: VectorIndexer;
  indexSeconds: number;
  parsed: number;
  chunks: number;
  vectorSeconds?: number;
  vectorNote?: string;
}

/** The MiniLM embedding cache to copy into each fresh index folder, or why there is none. */
async function embeddingCache(
  workDir: string,
): Promise<{ model: MiniLm; cache: string } | { skipped: string }> {
  const model = await prepareModel(workDir);
  if ("skipped" in model) return model;
  // Reuses (or builds, the first time: minutes) the embeddings section's index and its cache.
  const index = await openMiniLmIndex(workDir, model);
  if ("skipped" in index) return index;
  await index.close();
  const cache = join(workDir, MINILM_INDEX_DIR, EMBEDDING_CACHE_FILE);
  return existsSync(cache) ? { model, cache } : { skipped: `no embedding cache at ${cache}` };
}

async function openRun(
  kind: StoreKind,
  workDir: string,
  root: string,
  esUrls: string[],
  vectorsFrom: { model: MiniLm; cache: string } | undefined,
): Promise<Run> {
  const indexDir = join(workDir, `es-bench-${kind}-index`);
  rmSync(indexDir, { recursive: true, force: true });
  mkdirSync(indexDir, { recursive: true });
  if (vectorsFrom) {
    // A consistent copy of the cache (it is in WAL mode), as a fresh index folder would get.
    const source = new Database(vectorsFrom.cache, { readonly: true });
    source.exec(`VACUUM INTO '${join(indexDir, EMBEDDING_CACHE_FILE).replace(/'/g, "''")}'`);
    source.close();
  }
  const { settings } = loadSettings({
    cwd: root,
    env: {},
    flags: {
      roots: [root],
      indexDir,
      store: kind,
      ...(kind === "elasticsearch"
        ? { esUrl: esUrls, esIndexPrefix: `bench-${Date.now().toString(36)}` }
        : {}),
      ...(vectorsFrom ? miniLmFlags(vectorsFrom.model) : {}),
    },
  });
  const log = createLogger({ level: "warn" });
  const store = await openStore(settings, { create: true });
  const pool = createParserPool(settings);
  let parsed = 0;
  let chunks = 0;
  let indexSeconds = 0;
  try {
    indexSeconds =
      (await timeMs(async () => {
        const summary = await reindex({ settings, store, parser: pool, log });
        parsed = summary.indexed + summary.skipped + summary.failed;
        chunks = summary.totals.chunks;
      })) / 1000;
  } finally {
    await pool.close();
  }
  const run: Run = {
    kind,
    label: kind === "sqlite" ? "SQLite" : "Elasticsearch",
    settings,
    store,
    indexSeconds,
    parsed,
    chunks,
  };
  if (vectorsFrom) {
    const vectors = VectorIndexer.create(settings, store, log);
    let note = "";
    run.vectorSeconds =
      (await timeMs(async () => {
        const result = await vectors.embedBacklog();
        note = result?.error
          ? `failed: ${result.error}`
          : `${result?.embedded ?? 0} vectors (${result?.fromCache ?? 0} from the cache, ${result?.providerInputs ?? 0} by the model)`;
      })) / 1000;
    run.vectors = vectors;
    run.vectorNote = note;
  }
  return run;
}

export async function elasticsearchBench(workDir: string): Promise<void> {
  console.log("\n## Elasticsearch vs SQLite: SciFact through the same pipeline");
  console.log(loadNote());
  let node: EsCluster;
  try {
    node = await startEsCluster({ nodes: 1 });
  } catch (error) {
    // No Java or Maven, a failed build, a node that never went green: the section is skipped.
    console.log(
      `skipped: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}`,
    );
    return;
  }
  const runs: Run[] = [];
  try {
    console.log(
      `Elasticsearch 8.19.21, one node in one JVM (heap ${node.heap}, C1 only as in the tests), green ${fmt(node.startSeconds, 1)} s after spawn.`,
    );
    const root = join(workDir, "scifact");
    const { files, bytes } = writeScifactCorpus(root);
    const vectorsFrom = await embeddingCache(workDir);
    if ("skipped" in vectorsFrom)
      console.log(`semantic and hybrid skipped: ${vectorsFrom.skipped}`);
    const withVectors = "skipped" in vectorsFrom ? undefined : vectorsFrom;

    for (const kind of ["sqlite", "elasticsearch"] as const)
      runs.push(await openRun(kind, workDir, root, node.urls, withVectors));

    const mb = bytes / 1024 / 1024;
    console.log(
      `\n### Cold indexing: SciFact as ${files} Markdown files (${fmt(mb)} MB), fresh index each, no embedder`,
    );
    console.log("| store | seconds | MB/s | files/s | parsed | chunks |");
    console.log("|---|---:|---:|---:|---:|---:|");
    for (const run of runs)
      console.log(
        `| ${run.label} | ${fmt(run.indexSeconds, 2)} | ${fmt(mb / run.indexSeconds, 2)} | ${fmt(files / run.indexSeconds, 0)} | ${run.parsed} | ${run.chunks} |`,
      );
    if (withVectors) {
      console.log(
        "\nVectors from the copied embedding cache (embedBacklog: cache reads + putVectors):",
      );
      for (const run of runs)
        console.log(`- ${run.label}: ${fmt(run.vectorSeconds ?? NaN, 2)} s, ${run.vectorNote}`);
    }
    console.log(loadNote());

    // Quality: each query embedded once, the vector used on both stores.
    const { queries, qrels } = readScifactQueries();
    const queryVectors = new Map<string, Float32Array>();
    const embedder = runs.find((run) => run.vectors)?.vectors;
    if (embedder) {
      for (const query of queries) {
        const { vector } = await embedder.queryVector(query.text);
        if (vector) queryVectors.set(query.text, vector);
      }
    }
    const embedded = embedder !== undefined && queries.every((q) => queryVectors.has(q.text));
    if (embedder !== undefined && !embedded)
      console.log("semantic and hybrid skipped: some queries could not be embedded");
    const modes: SearchMode[] = embedded ? ["lexical", "semantic", "hybrid"] : ["lexical"];
    const quality = new Map<string, QueryScore>();
    for (const run of runs) {
      for (const mode of modes) {
        const scores: QueryScore[] = [];
        for (const query of queries) {
          const answer = await runSearchQuery(
            run.store,
            { query: query.text, limit: 100, mode, perDocument: true },
            precomputedVectors(queryVectors),
            { rrfK: run.settings.rrfK, candidates: run.settings.hybridCandidates },
          );
          scores.push(scoreRanking(answer.results, qrels.get(query.id)!));
        }
        quality.set(`${run.kind}/${mode}`, meanScores(scores));
      }
    }
    console.log(
      `\n### Quality: SciFact train queries (${queries.length}), limit 100, one result per document`,
    );
    console.log(
      "| mode | SQLite nDCG@10 | Elasticsearch nDCG@10 | difference | SQLite recall@100 | Elasticsearch recall@100 |",
    );
    console.log("|---|---:|---:|---:|---:|---:|");
    for (const mode of modes) {
      const s = quality.get(`sqlite/${mode}`)!;
      const e = quality.get(`elasticsearch/${mode}`)!;
      console.log(
        `| ${mode} | ${fmt(s.ndcg10, 4)} | ${fmt(e.ndcg10, 4)} | ${fmt(e.ndcg10 - s.ndcg10, 4)} | ${fmt(s.recall100, 4)} | ${fmt(e.recall100, 4)} |`,
      );
    }
    console.log(
      "SQLite: FTS5 bm25() (porter stemmer, title 2 / body 1.5) and exact cosine; Elasticsearch: combined_fields BM25F (english analyzer) and knn over int8_hnsw. Published BM25 (test split): 0.665 (BEIR, Elasticsearch multifield), 0.679 (Anserini flat).",
    );

    // Latency: limit 10, the live embedder (query embedding included for semantic and hybrid).
    console.log(
      `\n### Search latency, in-process client (limit 10, one result per document, ${queries.length} queries per cell)`,
    );
    console.log(loadNote());
    console.log("| store | mode | p50 ms | p99 ms |");
    console.log("|---|---|---:|---:|");
    for (const run of runs) {
      for (const mode of modes) {
        const latencies: number[] = [];
        for (const query of queries) {
          latencies.push(
            await timeMs(async () => {
              const answer = await runSearchQuery(
                run.store,
                { query: query.text, limit: 10, mode, perDocument: true },
                run.vectors,
                { rrfK: run.settings.rrfK, candidates: run.settings.hybridCandidates },
              );
              if (answer.mode !== mode) throw new Error(`${mode} fell back: ${answer.notice}`);
            }),
          );
        }
        console.log(`| ${run.label} | ${mode} | ${latencyCells(latencies)} |`);
      }
    }
    console.log(loadNote());
  } finally {
    for (const run of runs) {
      await run.vectors?.close();
      await run.store.close();
    }
    await node.close();
  }
}
