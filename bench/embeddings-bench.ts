/**
 * Semantic and hybrid search with a real model (all-MiniLM-L6-v2 from bench/real-model) on
 * SciFact, through the product's pipeline and SQLite store:
 *   (a) local embedding throughput on SciFact chunks: fp32 and q8, batch sizes 1, 8, 16, 32,
 *       with and without length bucketing, onnxruntime threads; against fp32 / 16 / unsorted;
 *   (b) nDCG@10 and recall@100 on the 809 train queries for lexical, semantic and hybrid, one
 *       result per document, next to the published BM25 and MiniLM figures (test split);
 *   (c) the RRF constant k and the candidate depth: a grid of hybrid nDCG@10 (and recall@100),
 *       from rankings fetched once per query and fused here as runSearchQuery fuses them;
 *   (d) search latency p50/p99 per mode, in-process, query embedding included;
 *   (e) nDCG@10 of semantic and hybrid with q8 next to fp32 (a second index, embedded with q8).
 * Each query is embedded once for (b) and (c); (d) embeds again, as a real search does.
 */
import { LocalEmbedder } from "../src/embed/local-embedder.js";
import type { LocalDtype } from "../src/embed/local-protocol.js";
import { embeddingInput } from "../src/embed/embed-backlog.js";
import { bestPerDocument, reciprocalRankFusion } from "../src/search/fusion.js";
import { runSearchQuery } from "../src/search/run-search.js";
import type { SearchHit } from "../indexers/store.js";
import { mean } from "./metrics.js";
import { openMiniLmIndex, prepareModel, type MiniLm, type MiniLmIndex } from "./minilm-index.js";
import { embeddingBreakdown } from "./real-model/breakdown.js";
import { loadTokenizer } from "./real-model/tokenizer.js";
import {
  latencyCells,
  loadNote,
  meanScores,
  pairedDifference,
  precomputedVectors,
  scoreRanking,
  slim,
  type QueryScore,
} from "./retrieval.js";
import { readScifactQueries } from "./scifact.js";
import { fmt, timeMs } from "./timing.js";

const RRF_KS = [10, 20, 40, 60, 100];
const CANDIDATES = [20, 50, 100, 200];
const THROUGHPUT_TEXTS = 96;
const THROUGHPUT_ROUNDS = 5;

/** (a0) Where the time goes, in-process, per piece, on the texts (a) times. */
async function breakdown(model: MiniLm, texts: string[]): Promise<void> {
  const configs = [BASELINE, { ...DEFAULTS, dtype: "fp32" as const }];
  if (model.q8Skipped === undefined)
    configs.push(DEFAULTS, { ...DEFAULTS, maxBatchTokens: NO_TOKEN_BUDGET });
  const rows = await embeddingBreakdown(model.localModelPath, model.modelId, texts, configs);
  console.log(
    `\n### (a0) Where the time goes: the worker's steps in-process (no thread), ${texts.length} chunks, one timed pass after a warm-up`,
  );
  console.log(
    "| configuration | tokenize ms | ONNX session ms | pooling ms (ours) | total ms | chunks/s | padding | transformers.js mean_pooling ms (not used) |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${label(r)} | ${fmt(r.tokenizeMs, 0)} | ${fmt(r.sessionMs, 0)} | ${fmt(r.poolMs, 0)} | ${fmt(r.totalMs, 0)} | ` +
        `${fmt((r.texts * 1000) / r.totalMs, 1)} | ${fmt(r.paddingShare * 100, 1)}% | ${fmt(r.transformersPoolMs, 0)} |`,
    );
  }
  console.log(`(${loadNote()})`);
}

/** One way of running the local embedder that (a) measures. */
interface EmbedConfig {
  dtype: LocalDtype;
  batchSize: number;
  maxBatchTokens: number;
  sortByLength: boolean;
  threads?: number;
  allowSpinning?: boolean;
}

/** Larger than any batch of 16 texts of a 256-token window: batches by count alone, as before. */
const NO_TOKEN_BUDGET = 1_000_000;

const label = (c: EmbedConfig) =>
  `${c.dtype}, batch ${c.batchSize}` +
  `${c.maxBatchTokens === NO_TOKEN_BUDGET ? "" : `, ≤ ${c.maxBatchTokens} tokens`}` +
  `, ${c.sortByLength ? "sorted" : "unsorted"}` +
  `${c.threads !== undefined ? `, ${c.threads} thread${c.threads > 1 ? "s" : ""}` : ""}` +
  `${c.allowSpinning === true ? ", spinning" : c.allowSpinning === false ? ", no spinning" : ""}`;

/**
 * "Today's" figure (issue 10): fp32, batches of 16 by count, no bucketing, onnxruntime's default
 * threads and spinning, as the embedder ran before. Only its pooling is today's (faster; see
 * (a0)), so the ratios against it understate the gain a little.
 */
const BASELINE: EmbedConfig = {
  dtype: "fp32",
  batchSize: 16,
  maxBatchTokens: NO_TOKEN_BUDGET,
  sortByLength: false,
  allowSpinning: true,
};
/** LocalEmbedder's defaults (q8 is its default dtype). */
const DEFAULTS: EmbedConfig = {
  dtype: "q8",
  batchSize: 16,
  maxBatchTokens: 256,
  sortByLength: true,
  allowSpinning: false,
};

function throughputConfigs(q8: boolean): EmbedConfig[] {
  const configs: EmbedConfig[] = [BASELINE, { ...DEFAULTS, dtype: "fp32" }];
  if (!q8) return configs;
  configs.push(DEFAULTS);
  for (const maxBatchTokens of [512, 1024, NO_TOKEN_BUDGET])
    configs.push({ ...DEFAULTS, maxBatchTokens });
  configs.push({ ...DEFAULTS, batchSize: 1 });
  configs.push({ ...DEFAULTS, sortByLength: false });
  configs.push({ ...DEFAULTS, allowSpinning: true });
  configs.push({ ...DEFAULTS, threads: 1 });
  return configs;
}

/** The backlog's round on the SQLite store (embedPendingChunks' default): what embed() is given. */
const BACKLOG_ROUND = 64;

/** (a) Chunks per second through LocalEmbedder on real SciFact chunk inputs. */
async function throughput(model: MiniLm, texts: string[]): Promise<void> {
  const tokenizer = await loadTokenizer(model.localModelPath, model.modelId);
  const timed = texts.slice(0, THROUGHPUT_TEXTS);
  const tokens = timed.map((t) => Math.min(256, tokenizer.encode(t).length));
  const sorted = [...tokens].sort((a, b) => a - b);
  console.log(
    `\n### (a) Local embedding throughput: ${THROUGHPUT_TEXTS} SciFact chunks as the index embeds them ` +
      `(heading path + text), ${fmt(mean(tokens), 0)} tokens on average after truncation to 256 ` +
      `(median ${sorted[Math.floor(sorted.length / 2)]}, ${sorted.filter((t) => t === 256).length} truncated), ` +
      `given to embed() in rounds of ${BACKLOG_ROUND} as the backlog does, after one warm-up batch each`,
  );
  if (model.q8Skipped !== undefined) console.log(`q8 rows skipped: ${model.q8Skipped}`);
  const configs = throughputConfigs(model.q8Skipped === undefined);
  // Rounds interleave the configurations, so that load from other work on this shared machine
  // falls on all of them alike; the best round is the figure, the median shows the spread.
  const embedders = configs.map(
    (c) =>
      new LocalEmbedder({
        model: model.modelId,
        localModelPath: model.localModelPath,
        offline: true,
        pooling: "mean",
        ...c,
      }),
  );
  const seconds = configs.map(() => [] as number[]);
  // CPU time of the whole process (main thread, worker, onnxruntime's threads) per round: what
  // the work costs whatever else runs on the machine (spinning counts, as it holds a core).
  const cpuSeconds = configs.map(() => [] as number[]);
  try {
    for (const [i, embedder] of embedders.entries()) {
      await embedder.start();
      await embedder.embed(texts.slice(THROUGHPUT_TEXTS, THROUGHPUT_TEXTS + configs[i]!.batchSize));
    }
    for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
      for (const [i, embedder] of embedders.entries()) {
        const cpu = process.cpuUsage();
        const ms = await timeMs(async () => {
          for (let at = 0; at < timed.length; at += BACKLOG_ROUND)
            await embedder.embed(timed.slice(at, at + BACKLOG_ROUND));
        });
        const used = process.cpuUsage(cpu);
        seconds[i]!.push(ms / 1000);
        cpuSeconds[i]!.push((used.user + used.system) / 1e6);
      }
    }
  } finally {
    for (const embedder of embedders) await embedder.close();
  }
  const best = seconds.map((s) => Math.min(...s));
  const middle = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(
    `| configuration | chunks/s, best of ${THROUGHPUT_ROUNDS} | chunks/s, median | × baseline, best against best | × baseline, median of per-round ratios | chunks per CPU-second, median |`,
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  configs.forEach((c, i) => {
    // The baseline ran in the same round, just before: its ratio cancels load that drifts slowly.
    const perRound = seconds[i]!.map((sec, round) => seconds[0]![round]! / sec);
    console.log(
      `| ${label(c)}${i === 0 ? " (baseline: before issue 10)" : ""} | ${fmt(THROUGHPUT_TEXTS / best[i]!, 1)} | ` +
        `${fmt(THROUGHPUT_TEXTS / middle(seconds[i]!), 1)} | ${fmt(best[0]! / best[i]!, 2)} | ${fmt(middle(perRound), 2)} | ` +
        `${fmt(THROUGHPUT_TEXTS / middle(cpuSeconds[i]!), 1)} |`,
    );
  });
  console.log(`(${loadNote()})`);
}

type Queries = ReturnType<typeof readScifactQueries>["queries"];
type Qrels = ReturnType<typeof readScifactQueries>["qrels"];

/** Each query's vector from the index's own embedder, and the time each took. */
async function embedQueries(
  vectors: MiniLmIndex["vectors"],
  queries: Queries,
): Promise<{ queryVectors: Map<string, Float32Array>; embedMs: number[] } | { skipped: string }> {
  const queryVectors = new Map<string, Float32Array>();
  const embedMs: number[] = [];
  for (const query of queries) {
    let answer: { vector?: Float32Array; reason?: string } = {};
    const ms = await timeMs(async () => (answer = await vectors.queryVector(query.text)));
    if (!answer.vector) return { skipped: `the query could not be embedded: ${answer.reason}` };
    queryVectors.set(query.text, answer.vector);
    embedMs.push(ms);
  }
  return { queryVectors, embedMs };
}

/**
 * Semantic (store.search, limit 100) and hybrid (runSearchQuery at limit 100 and 10) scores per
 * query, one result per document: (b) for fp32, and (e) for fp32 against q8.
 */
async function vectorModeScores(
  store: MiniLmIndex["store"],
  queries: Queries,
  qrels: Qrels,
  queryVectors: Map<string, Float32Array>,
  fusion: { rrfK: number; candidates: number },
): Promise<{ semantic: QueryScore[]; hybrid100: QueryScore[]; hybrid10: QueryScore[] }> {
  const out = {
    semantic: [] as QueryScore[],
    hybrid100: [] as QueryScore[],
    hybrid10: [] as QueryScore[],
  };
  const precomputed = precomputedVectors(queryVectors);
  for (const query of queries) {
    const relevant = qrels.get(query.id)!;
    const vector = queryVectors.get(query.text)!;
    out.semantic.push(
      scoreRanking(
        await store.search({
          query: query.text,
          limit: 100,
          onePerDocument: true,
          mode: "semantic",
          vector,
        }),
        relevant,
      ),
    );
    for (const limit of [100, 10] as const) {
      const answer = await runSearchQuery(
        store,
        { query: query.text, limit, mode: "hybrid", perDocument: true },
        precomputed,
        fusion,
      );
      if (answer.mode !== "hybrid") throw new Error(`hybrid fell back: ${answer.notice}`);
      out[`hybrid${limit}`].push(scoreRanking(answer.results, relevant));
    }
  }
  return out;
}

/** (e) The same queries on the q8 index: nDCG@10 of fp32 and q8 side by side. */
async function q8Quality(
  workDir: string,
  model: MiniLm,
  queries: Queries,
  qrels: Qrels,
  fp32: { semantic: QueryScore[]; hybrid100: QueryScore[]; hybrid10: QueryScore[] },
): Promise<void> {
  console.log(
    `\n### (e) Quality of q8 (int8 weights) against fp32, SciFact train queries (${queries.length})`,
  );
  const index = await openMiniLmIndex(workDir, model, "q8");
  if ("skipped" in index) {
    console.log(`skipped: ${index.skipped}`);
    return;
  }
  try {
    const e = index.summary.embeddings;
    console.log(
      `q8 index ${index.settings.indexDir}: this run ${fmt(index.seconds, 1)} s, ${e?.providerInputs ?? 0} chunks embedded by the model ` +
        `(${e?.fromCache ?? 0} from its cache).`,
    );
    const embedded = await embedQueries(index.vectors, queries);
    if ("skipped" in embedded) {
      console.log(`skipped: ${embedded.skipped}`);
      return;
    }
    const fusion = { rrfK: index.settings.rrfK, candidates: index.settings.hybridCandidates };
    const q8 = await vectorModeScores(index.store, queries, qrels, embedded.queryVectors, fusion);
    console.log(
      "| mode | nDCG@10 fp32 | nDCG@10 q8 | q8 − fp32 (95% interval) | recall@100 fp32 | recall@100 q8 |",
    );
    console.log("|---|---:|---:|---:|---:|---:|");
    const rows = [
      ["semantic (limit 100)", "semantic"],
      ["hybrid, limit 100", "hybrid100"],
      [
        `hybrid, limit 10 (defaults: k ${fusion.rrfK}, ${fusion.candidates} candidates)`,
        "hybrid10",
      ],
    ] as const;
    for (const [name, key] of rows) {
      const a = meanScores(fp32[key]);
      const b = meanScores(q8[key]);
      const diff = pairedDifference(
        q8[key].map((s) => s.ndcg10),
        fp32[key].map((s) => s.ndcg10),
      );
      console.log(
        `| ${name} | ${fmt(a.ndcg10, 4)} | ${fmt(b.ndcg10, 4)} | ${fmt(diff.mean, 4)} ± ${fmt(diff.half, 4)} | ` +
          `${key === "hybrid10" ? "" : fmt(a.recall100, 4)} | ${key === "hybrid10" ? "" : fmt(b.recall100, 4)} |`,
      );
    }
  } finally {
    await index.close();
  }
}

export async function embeddingsBench(workDir: string): Promise<void> {
  console.log("\n## Embeddings: all-MiniLM-L6-v2 (real model) on SciFact, SQLite store");
  console.log(loadNote());
  const model = await prepareModel(workDir);
  if ("skipped" in model) {
    console.log(`skipped: ${model.skipped}`);
    return;
  }
  const index = await openMiniLmIndex(workDir, model);
  if ("skipped" in index) {
    console.log(`skipped: ${index.skipped}`);
    return;
  }
  const { store, vectors, settings, summary } = index;
  try {
    const e = summary.embeddings;
    console.log(
      `Index ${settings.indexDir}: ${summary.totals.documents} documents, ${summary.totals.chunks} chunks ` +
        `(chunkTokens ${settings.chunkTokens}); this run: ${fmt(index.seconds, 1)} s, ${summary.indexed} files parsed, ` +
        `${e?.embedded ?? 0} chunks given vectors (${e?.fromCache ?? 0} from the cache, ${e?.providerInputs ?? 0} by the model).`,
    );

    // (a) on a deterministic spread of real chunks.
    const { queries, qrels } = readScifactQueries();
    const page = await store.documents({ statuses: ["indexed"] }, { limit: 1000 });
    const inputs: string[] = [];
    for (const doc of page.items.filter((_, i) => i % 5 === 0)) {
      for (const chunk of await store.getChunks(doc.root, doc.path)) {
        if (inputs.length < THROUGHPUT_TEXTS + 32) inputs.push(embeddingInput(chunk));
      }
    }
    await breakdown(model, inputs.slice(0, THROUGHPUT_TEXTS));
    await throughput(model, inputs);

    // Each query embedded once (the model is warm after the first).
    const embedded = await embedQueries(vectors, queries);
    if ("skipped" in embedded) {
      console.log(`skipped: ${embedded.skipped}`);
      return;
    }
    const { queryVectors, embedMs } = embedded;

    // (b) quality per mode, and the rankings (c) fuses.
    const maxDepth = Math.max(...CANDIDATES);
    const lexicalLists: SearchHit[][] = [];
    const semanticLists: SearchHit[][] = [];
    const fusion = { rrfK: settings.rrfK, candidates: settings.hybridCandidates };
    const scores: Record<string, QueryScore[]> = {
      lexical: [],
      ...(await vectorModeScores(store, queries, qrels, queryVectors, fusion)),
    };
    for (const query of queries) {
      const relevant = qrels.get(query.id)!;
      const vector = queryVectors.get(query.text)!;
      const base = { query: query.text, limit: 100, onePerDocument: true } as const;
      scores.lexical!.push(
        scoreRanking(await store.search({ ...base, mode: "lexical" }), relevant),
      );
      const deep = { query: query.text, limit: maxDepth, onePerDocument: false } as const;
      lexicalLists.push((await store.search({ ...deep, mode: "lexical" })).map(slim));
      semanticLists.push((await store.search({ ...deep, mode: "semantic", vector })).map(slim));
    }
    const lexical = meanScores(scores.lexical!);
    const semantic = meanScores(scores.semantic!);
    const hybrid100 = meanScores(scores.hybrid100!);
    const hybrid10 = meanScores(scores.hybrid10!);
    console.log(
      `\n### (b) Quality: SciFact train queries (${queries.length}), one result per document`,
    );
    console.log("| system | split | nDCG@10 | recall@100 |");
    console.log("|---|---|---:|---:|");
    console.log(
      `| docindex lexical (SQLite FTS5 BM25) | train | ${fmt(lexical.ndcg10, 4)} | ${fmt(lexical.recall100, 4)} |`,
    );
    console.log(
      `| docindex semantic (MiniLM, cosine: the usearch graph above 5,000 vectors, exact below) | train | ${fmt(semantic.ndcg10, 4)} | ${fmt(semantic.recall100, 4)} |`,
    );
    console.log(
      `| docindex hybrid, limit 100 (RRF k=${fusion.rrfK}, depth max(${fusion.candidates}, 100) = 100) | train | ${fmt(hybrid100.ndcg10, 4)} | ${fmt(hybrid100.recall100, 4)} |`,
    );
    console.log(
      `| docindex hybrid, limit 10 (RRF k=${fusion.rrfK}, ${fusion.candidates} candidates: the defaults) | train | ${fmt(hybrid10.ndcg10, 4)} | |`,
    );
    console.log("| BM25 Elasticsearch multifield (BEIR paper) | test | 0.665 | |");
    console.log("| BM25 flat (Anserini) | test | 0.679 | |");
    console.log("| all-MiniLM-L6-v2 (MTEB) | test | 0.6451 | |");
    const vsLexical = pairedDifference(
      scores.hybrid10!.map((s) => s.ndcg10),
      scores.lexical!.map((s) => s.ndcg10),
    );
    const vsSemantic = pairedDifference(
      scores.hybrid10!.map((s) => s.ndcg10),
      scores.semantic!.map((s) => s.ndcg10),
    );
    console.log(
      `\nHybrid (defaults) − lexical: ${fmt(vsLexical.mean, 4)} ± ${fmt(vsLexical.half, 4)} nDCG@10; ` +
        `hybrid − semantic: ${fmt(vsSemantic.mean, 4)} ± ${fmt(vsSemantic.half, 4)} (mean of per-query differences, 95% interval).`,
    );

    // (c) k × candidates.
    const grid = new Map<string, QueryScore[]>();
    for (const k of RRF_KS) {
      for (const candidates of CANDIDATES) {
        const cell: QueryScore[] = [];
        queries.forEach((query, q) => {
          const fused = reciprocalRankFusion(
            [lexicalLists[q]!.slice(0, candidates), semanticLists[q]!.slice(0, candidates)],
            k,
          );
          cell.push(scoreRanking(bestPerDocument(fused).slice(0, 100), qrels.get(query.id)!));
        });
        grid.set(`${k}/${candidates}`, cell);
      }
    }
    const table = (title: string, pick: (s: QueryScore) => number) => {
      console.log(`\n${title}`);
      console.log(`| k \\ candidates | ${CANDIDATES.join(" | ")} |`);
      console.log(`|---:|${CANDIDATES.map(() => "---:").join("|")}|`);
      for (const k of RRF_KS) {
        const cells = CANDIDATES.map((c) => fmt(mean(grid.get(`${k}/${c}`)!.map(pick)), 4));
        console.log(`| ${k} | ${cells.join(" | ")} |`);
      }
    };
    console.log(
      `\n### (c) Hybrid fusion: RRF constant k × candidates per ranking (train queries, one result per document)`,
    );
    table("nDCG@10:", (s) => s.ndcg10);
    table("recall@100 (at most 2 × candidates chunks are fused):", (s) => s.recall100);
    let best = { key: "", value: -1 };
    for (const [key, cell] of grid) {
      const value = mean(cell.map((s) => s.ndcg10));
      if (value > best.value) best = { key, value };
    }
    const defaultKey = `${settings.rrfK}/${settings.hybridCandidates}`;
    const defaultCell = grid.get(defaultKey);
    const [bestK, bestC] = best.key.split("/");
    if (defaultCell) {
      const diff = pairedDifference(
        grid.get(best.key)!.map((s) => s.ndcg10),
        defaultCell.map((s) => s.ndcg10),
      );
      console.log(
        `\nBest cell: k=${bestK}, candidates=${bestC}, nDCG@10 ${fmt(best.value, 4)}; the defaults (k=${settings.rrfK}, ` +
          `candidates=${settings.hybridCandidates}) give ${fmt(mean(defaultCell.map((s) => s.ndcg10)), 4)}; best − default = ` +
          `${fmt(diff.mean, 4)} ± ${fmt(diff.half, 4)} (95% interval over queries).`,
      );
    }

    // (d) latency through runSearchQuery with the live embedder; the rankings above are let go
    // first (hundreds of MB), so that their garbage collection does not land in the timings.
    lexicalLists.length = 0;
    semanticLists.length = 0;
    grid.clear();
    console.log(
      `\n### (d) Search latency, in-process (limit 10, one result per document, ${queries.length} queries per mode after 5 warm-up)`,
    );
    console.log(loadNote());
    console.log("| mode | p50 ms | p99 ms |");
    console.log("|---|---:|---:|");
    console.log(`| query embedding alone (MiniLM, one query) | ${latencyCells(embedMs)} |`);
    for (const mode of ["lexical", "semantic", "hybrid"] as const) {
      const latencies: number[] = [];
      for (const query of queries.slice(0, 5))
        await runSearchQuery(
          store,
          { query: query.text, limit: 10, mode, perDocument: true },
          vectors,
          fusion,
        );
      for (const query of queries) {
        latencies.push(
          await timeMs(() =>
            runSearchQuery(
              store,
              { query: query.text, limit: 10, mode, perDocument: true },
              vectors,
              fusion,
            ),
          ),
        );
      }
      console.log(
        `| ${mode}${mode === "lexical" ? "" : " (query embedding included)"} | ${latencyCells(latencies)} |`,
      );
    }

    const fp32 = {
      semantic: scores.semantic!,
      hybrid100: scores.hybrid100!,
      hybrid10: scores.hybrid10!,
    };
    await q8Quality(workDir, model, queries, qrels, fp32);
  } finally {
    await index.close();
  }
}
