/**
 * Semantic and hybrid search with a real model (all-MiniLM-L6-v2 from bench/real-model) on
 * SciFact, through the product's pipeline and SQLite store:
 *   (a) local embedding throughput on SciFact chunks for batch sizes 1, 8, 16, 32;
 *   (b) nDCG@10 and recall@100 on the 809 train queries for lexical, semantic and hybrid, one
 *       result per document, next to the published BM25 and MiniLM figures (test split);
 *   (c) the RRF constant k and the candidate depth: a grid of hybrid nDCG@10 (and recall@100),
 *       from rankings fetched once per query and fused here as runSearchQuery fuses them;
 *   (d) search latency p50/p99 per mode, in-process, query embedding included.
 * Each query is embedded once for (b) and (c); (d) embeds again, as a real search does.
 */
import { LocalEmbedder } from "../src/embed/local-embedder.js";
import { embeddingInput } from "../src/embed/embed-backlog.js";
import { bestPerDocument, reciprocalRankFusion } from "../src/search/fusion.js";
import { runSearchQuery } from "../src/search/run-search.js";
import type { SearchHit } from "../indexers/store.js";
import { mean } from "./metrics.js";
import { openMiniLmIndex, prepareModel, type MiniLm } from "./minilm-index.js";
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
const THROUGHPUT_ROUNDS = 3;

/** (a) Chunks per second through LocalEmbedder on real SciFact chunk inputs. */
async function throughput(model: MiniLm, texts: string[]): Promise<void> {
  const tokenizer = await loadTokenizer(model.localModelPath, model.modelId);
  const tokens = texts
    .slice(0, THROUGHPUT_TEXTS)
    .map((t) => Math.min(256, tokenizer.encode(t).length));
  const sorted = [...tokens].sort((a, b) => a - b);
  console.log(
    `\n### (a) Local embedding throughput: ${THROUGHPUT_TEXTS} SciFact chunks as the index embeds them ` +
      `(heading path + text), ${fmt(mean(tokens), 0)} tokens on average after truncation to 256 ` +
      `(median ${sorted[Math.floor(sorted.length / 2)]}, ${sorted.filter((t) => t === 256).length} truncated), fp32, after one warm-up batch each`,
  );
  // Rounds interleave the batch sizes, so that load from other work on this shared machine
  // falls on all of them alike; the best round is the figure, the median shows the spread.
  const batchSizes = [1, 8, 16, 32];
  const embedders = batchSizes.map(
    (batchSize) =>
      new LocalEmbedder({
        model: model.modelId,
        localModelPath: model.localModelPath,
        offline: true,
        dtype: "fp32",
        pooling: "mean",
        batchSize,
      }),
  );
  const seconds = batchSizes.map(() => [] as number[]);
  try {
    for (const [i, embedder] of embedders.entries()) {
      await embedder.start();
      await embedder.embed(texts.slice(THROUGHPUT_TEXTS, THROUGHPUT_TEXTS + batchSizes[i]!));
    }
    for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
      for (const [i, embedder] of embedders.entries()) {
        const ms = await timeMs(() => embedder.embed(texts.slice(0, THROUGHPUT_TEXTS)));
        seconds[i]!.push(ms / 1000);
      }
    }
  } finally {
    for (const embedder of embedders) await embedder.close();
  }
  console.log(
    `| batch | chunks/s, best of ${THROUGHPUT_ROUNDS} | chunks/s, median | ms per batch, best |`,
  );
  console.log("|---:|---:|---:|---:|");
  batchSizes.forEach((batchSize, i) => {
    const sorted = [...seconds[i]!].sort((a, b) => a - b);
    const best = sorted[0]!;
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(
      `| ${batchSize} | ${fmt(THROUGHPUT_TEXTS / best, 1)} | ${fmt(THROUGHPUT_TEXTS / median, 1)} | ${fmt((best * 1000) / Math.ceil(THROUGHPUT_TEXTS / batchSize), 0)} |`,
    );
  });
  console.log(`(${loadNote()})`);
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
    await throughput(model, inputs);

    // Each query embedded once (the model is warm after the first).
    const queryVectors = new Map<string, Float32Array>();
    const embedMs: number[] = [];
    for (const query of queries) {
      let answer: { vector?: Float32Array; reason?: string } = {};
      const ms = await timeMs(async () => (answer = await vectors.queryVector(query.text)));
      if (!answer.vector) {
        console.log(`skipped: the query could not be embedded: ${answer.reason}`);
        return;
      }
      queryVectors.set(query.text, answer.vector);
      embedMs.push(ms);
    }

    // (b) quality per mode, and the rankings (c) fuses.
    const maxDepth = Math.max(...CANDIDATES);
    const lexicalLists: SearchHit[][] = [];
    const semanticLists: SearchHit[][] = [];
    const scores: Record<string, QueryScore[]> = {
      lexical: [],
      semantic: [],
      hybrid100: [],
      hybrid10: [],
    };
    const precomputed = precomputedVectors(queryVectors);
    const fusion = { rrfK: settings.rrfK, candidates: settings.hybridCandidates };
    for (const query of queries) {
      const relevant = qrels.get(query.id)!;
      const vector = queryVectors.get(query.text)!;
      const base = { query: query.text, limit: 100, onePerDocument: true } as const;
      scores.lexical!.push(
        scoreRanking(await store.search({ ...base, mode: "lexical" }), relevant),
      );
      scores.semantic!.push(
        scoreRanking(await store.search({ ...base, mode: "semantic", vector }), relevant),
      );
      for (const limit of [100, 10]) {
        const answer = await runSearchQuery(
          store,
          { query: query.text, limit, mode: "hybrid", perDocument: true },
          precomputed,
          fusion,
        );
        if (answer.mode !== "hybrid") throw new Error(`hybrid fell back: ${answer.notice}`);
        scores[`hybrid${limit}`]!.push(scoreRanking(answer.results, relevant));
      }
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
      `| docindex semantic (MiniLM, exact cosine) | train | ${fmt(semantic.ndcg10, 4)} | ${fmt(semantic.recall100, 4)} |`,
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
  } finally {
    await index.close();
  }
}
