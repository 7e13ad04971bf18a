/**
 * Issue 10's vector search figures: the SQLite store's semantic search at 10k, 100k and 1M
 * chunks of 384 dimensions, exact (every vector scored in SQL, as before the approximate
 * index) and through the usearch graph (indexers/sqlite/ann/), limit 10, with and without a
 * kind filter that keeps 10%, recall@10 of the graph's answers against the exact ones (chunk
 * level, same queries), the graph's build time, file size and the process's RSS.
 *
 * The vectors are synthetic and clustered: Gaussian centres with spread, one per 500 chunks,
 * normalised, because real embeddings cluster by topic and uniformly random directions in 384
 * dimensions have no meaningful nearest neighbours (every distance is about the same); with a
 * fixed number of centres, a small index has clusters of five, and a filtered query's "nearest"
 * pdf chunks are as random as that. Sizes come from
 * DOCINDEX_BENCH_ANN_SIZES (default 10000,100000,1000000).
 */
import { createHash } from "node:crypto";
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openSqliteStore } from "../indexers/sqlite/index.js";
import { refreshAnnFile } from "../indexers/sqlite/ann/refresh.js";
import type { SearchRequest, DocumentWrite } from "../indexers/store.js";
import { percentile } from "./metrics.js";
import { prng } from "./random.js";
import { syntheticDocument } from "./synthetic-docs.js";
import { loadNote } from "./retrieval.js";
import { fmt, timeMs } from "./timing.js";

const DIM = 384;
const CHUNKS_PER_DOC = 10;
/** Chunks per cluster, whatever the size: a query's neighbours are its cluster's at every size. */
const PER_CENTRE = 500;
const K = 10;
const WARMUP = 2;

function clusteredVectors(count: number, random: () => number): Float32Array {
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const CENTRES = Math.max(1, Math.round(count / PER_CENTRE));
  const centres = new Float32Array(CENTRES * DIM);
  for (let i = 0; i < centres.length; i++) centres[i] = gauss();
  const out = new Float32Array(count * DIM);
  for (let v = 0; v < count; v++) {
    const c = Math.floor(random() * CENTRES) * DIM;
    let norm = 0;
    for (let d = 0; d < DIM; d++) {
      const x = centres[c + d]! + 0.7 * gauss();
      out[v * DIM + d] = x;
      norm += x * x;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let d = 0; d < DIM; d++) out[v * DIM + d]! *= scale;
  }
  return out;
}

const p = (values: number[], q: number) =>
  percentile(
    [...values].sort((a, b) => a - b),
    q,
  );

export async function annBench(workDir: string): Promise<void> {
  const sizes = (process.env.DOCINDEX_BENCH_ANN_SIZES ?? "10000,100000,1000000")
    .split(",")
    .map(Number);
  const queryCount = (size: number) => (size >= 1_000_000 ? 10 : 30);
  console.log(`\n## Vector search: exact vs the usearch graph (SQLite store, ${DIM} dimensions)`);
  console.log(
    `Clustered synthetic vectors (one Gaussian centre per ${PER_CENTRE} chunks); ${CHUNKS_PER_DOC} chunks per document, 1 document in 10 of kind pdf; limit ${K}; ` +
      "p50/p99 in ms over the queries (exact: fewer at 1M, each scans every vector); recall@10 of the graph's chunk-level answers against exact search's.",
  );
  console.log(loadNote());
  console.log(
    "| chunks | insert s | index MB | exact p50 | p99 | exact pdf p50 | p99 | build s | graph MB | graph p50 | p99 | recall@10 | graph pdf p50 | p99 | pdf recall@10 | per document p50 | RSS MB |",
  );
  console.log(
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const size of sizes) {
    const dir = join(workDir, "ann-bench", String(size));
    rmSync(dir, { recursive: true, force: true });
    const file = join(dir, "index.db");
    const store = await openSqliteStore(file, { refreshVectorIndex: false });
    // Queries come from the same clusters as the chunks (the last few vectors drawn), as a
    // question lands near the passages about its topic; they are not indexed.
    const drawn = clusteredVectors(size + queryCount(size) + WARMUP, prng(size));
    const vectors = drawn.subarray(0, size * DIM);
    const queries = drawn.subarray(size * DIM);
    await store.setVectorModel({ id: "bench:clustered", dimensions: DIM });
    const insertMs = await timeMs(async () => {
      const docs = size / CHUNKS_PER_DOC;
      for (let start = 0; start < docs; start += 500) {
        const writes: DocumentWrite[] = [];
        const ids: { chunkId: string; vector: Float32Array }[] = [];
        for (let doc = start; doc < Math.min(docs, start + 500); doc++) {
          const path = `docs/doc-${doc}.${doc % 10 === 0 ? "pdf" : "md"}`;
          const chunks = Array.from({ length: CHUNKS_PER_DOC }, (_, o) => {
            const c = doc * CHUNKS_PER_DOC + o;
            const text = `Synthetic chunk ${o} of document ${doc}.`;
            ids.push({ chunkId: `c${c}`, vector: vectors.subarray(c * DIM, (c + 1) * DIM) });
            return {
              id: `c${c}`,
              path,
              ordinal: o,
              text,
              headingPath: [],
              tokens: 8,
              contentHash: createHash("sha256").update(text).digest("hex"),
            };
          });
          writes.push({
            doc: syntheticDocument("/bench/ann", path, doc),
            chunks,
          });
        }
        await store.upsertDocuments!(writes);
        await store.putVectors(ids);
      }
    });
    const run = async (request: Omit<SearchRequest, "vector" | "query" | "mode" | "limit">) => {
      const latencies: number[] = [];
      const answers: string[][] = [];
      const plans = new Set<string>();
      for (let q = 0; q < queries.length / DIM; q++) {
        const vector = queries.subarray(q * DIM, (q + 1) * DIM);
        let ids: string[] = [];
        const ms = await timeMs(async () => {
          const hits = await store.search({
            query: "",
            mode: "semantic",
            limit: K,
            vector,
            ...request,
          });
          ids = hits.map((h) => h.chunkId);
        });
        plans.add(store.lastSearchPlan()?.kind ?? "exact");
        if (q >= WARMUP) {
          latencies.push(ms);
          answers.push(ids);
        }
      }
      return { latencies, answers, plans };
    };
    const chunkLevel = { onePerDocument: false };
    const pdfFilter = { onePerDocument: false, filters: { kinds: ["pdf" as const] } };
    const exact = await run(chunkLevel);
    const exactPdf = await run(pdfFilter);
    const db = new Database(file);
    let built: ReturnType<typeof refreshAnnFile> | undefined;
    const buildMs = await timeMs(() => (built = refreshAnnFile(db, file)));
    db.close();
    const graph = await run(chunkLevel);
    const graphPdf = await run(pdfFilter);
    const perDoc = await run({ onePerDocument: true });
    const recall = (got: string[][], want: string[][]) => {
      let hit = 0;
      let total = 0;
      got.forEach((ids, q) => {
        const wanted = new Set(want[q]);
        total += wanted.size;
        hit += ids.filter((id) => wanted.has(id)).length;
      });
      return total === 0 ? 1 : hit / total;
    };
    if (![...graph.plans].every((plan) => plan === "approximate")) {
      console.log(`(size ${size}: some searches were exact: ${[...graph.plans].join(", ")})`);
    }
    const mb = (path: string) => statSync(path).size / 1e6;
    console.log(
      `| ${size} | ${fmt(insertMs / 1000, 1)} | ${fmt(mb(file), 0)} | ${fmt(p(exact.latencies, 50), 1)} | ${fmt(p(exact.latencies, 99), 1)} | ` +
        `${fmt(p(exactPdf.latencies, 50), 1)} | ${fmt(p(exactPdf.latencies, 99), 1)} | ${fmt(buildMs / 1000, 1)} | ${built?.file ? fmt(mb(built.file), 0) : "-"} | ` +
        `${fmt(p(graph.latencies, 50), 2)} | ${fmt(p(graph.latencies, 99), 2)} | ${fmt(recall(graph.answers, exact.answers), 3)} | ` +
        `${fmt(p(graphPdf.latencies, 50), 2)} | ${fmt(p(graphPdf.latencies, 99), 2)} | ${fmt(recall(graphPdf.answers, exactPdf.answers), 3)} | ` +
        `${fmt(p(perDoc.latencies, 50), 2)} | ${fmt(process.memoryUsage().rss / 1e6, 0)} |`,
    );
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
