/**
 * Indexing speed (cold, then unchanged) and retrieval quality on SciFact, through the same
 * pipeline and store the product uses. Quality: nDCG@10 and recall@100 on the 809 train
 * queries, one result per document; search latency p50/p99 in-process.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { loadSettings } from "../src/config/load.js";
import { createLogger } from "../src/log.js";
import { reindex } from "../src/pipeline/reindex.js";
import { createParserPool, openStore } from "../src/pipeline/runtime.js";
import type { Store } from "../indexers/store.js";
import { mean, ndcgAtK, percentile, recallAtK } from "./metrics.js";
import { docIdOf, readScifactQueries, writeScifactCorpus } from "./scifact.js";
import { fmt, timeMs } from "./timing.js";

export async function qualityOf(store: Store, label: string): Promise<void> {
  const { queries, qrels } = readScifactQueries();
  const ndcg: number[] = [];
  const recall: number[] = [];
  const latencies: number[] = [];
  for (const query of queries) {
    let ranked: string[] = [];
    latencies.push(
      await timeMs(async () => {
        const hits = await store.search({
          query: query.text,
          limit: 100,
          mode: "lexical",
          onePerDocument: true,
        });
        ranked = hits.map((hit) => docIdOf(hit.path));
      }),
    );
    const relevant = qrels.get(query.id)!;
    ndcg.push(ndcgAtK(ranked, relevant, 10));
    recall.push(recallAtK(ranked, relevant, 100));
  }
  latencies.sort((a, b) => a - b);
  console.log(`\n## Quality: SciFact train queries (${queries.length}), ${label}`);
  console.log("| system | split | nDCG@10 | recall@100 |");
  console.log("|---|---|---:|---:|");
  console.log(
    `| docindex lexical (${label}) | train | ${fmt(mean(ndcg), 4)} | ${fmt(mean(recall), 4)} |`,
  );
  console.log("| BM25 Elasticsearch multifield (BEIR paper) | test | 0.665 | |");
  console.log("| BM25 flat (Anserini) | test | 0.679 | |");
  console.log(`\n## Search latency, in-process (${label}, limit 100, one per document)`);
  console.log(
    `p50 ${fmt(percentile(latencies, 50), 2)} ms, p99 ${fmt(percentile(latencies, 99), 2)} ms over ${latencies.length} queries`,
  );
}

export async function scifactBench(workDir: string): Promise<void> {
  const root = join(workDir, "scifact");
  const { files, bytes } = writeScifactCorpus(root);
  const { settings } = loadSettings({ cwd: root, env: {}, flags: { roots: [root] } });
  rmSync(settings.indexDir, { recursive: true, force: true });
  const log = createLogger({ level: "warn" });
  const store = await openStore(settings, { create: true });
  const pool = createParserPool(settings);
  try {
    const mb = bytes / 1024 / 1024;
    console.log(`\n## Indexing: SciFact as ${files} Markdown files (${fmt(mb)} MB), SQLite store`);
    console.log("| run | seconds | MB/s | files/s | parsed |");
    console.log("|---|---:|---:|---:|---:|");
    for (const run of ["cold", "unchanged"]) {
      let parsed = 0;
      const ms = await timeMs(async () => {
        const summary = await reindex({ settings, store, parser: pool, log });
        parsed = summary.indexed + summary.skipped + summary.failed;
      });
      const s = ms / 1000;
      console.log(
        `| ${run} | ${fmt(s, 2)} | ${fmt(mb / s, 2)} | ${fmt(files / s, 0)} | ${parsed} |`,
      );
    }
    await qualityOf(store, "SQLite FTS5");
  } finally {
    await pool.close();
    await store.close();
  }
}
