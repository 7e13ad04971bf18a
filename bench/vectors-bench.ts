/**
 * Exact nearest-neighbour search in the SQLite store as the index grows to 100,000 chunks:
 * synthetic documents of 10 chunks, each chunk a random unit vector of 384 dimensions (the size
 * of MiniLM and bge-small), one document in ten of kind "pdf" for the filtered search. At 10k,
 * 25k, 50k and 100k chunks: semantic search p50/p99 (limit 10) one result per document (the
 * default), every chunk, and with a kind filter, next to a brute-force top-10 in plain
 * JavaScript over one Float32Array (the floor for an exact scan in this process). The store's
 * chunk-level top 10 is checked against the brute force's.
 */
import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { openSqliteStore } from "../indexers/sqlite/index.js";
import type { SearchRequest } from "../indexers/store.js";
import type { Chunk } from "../scanners/types.js";
import { percentile } from "./metrics.js";
import { prng } from "./random.js";
import { syntheticDocument } from "./synthetic-docs.js";
import { loadNote } from "./retrieval.js";
import { fmt, timeMs } from "./timing.js";

const DIM = 384;
const CHUNKS_PER_DOC = 10;
const SIZES = [10_000, 25_000, 50_000, 100_000];
const QUERIES = 50;
const WARMUP = 3;
const K = 10;

/** Fills `out` with a random unit vector (Gaussian components, so directions are uniform). */
function randomUnit(random: () => number, out: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < out.length; i += 2) {
    const u = 1 - random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  for (let i = 0; i < out.length; i++) norm += out[i]! * out[i]!;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! * scale;
  return out;
}

/** Top k chunk indexes by dot product (= cosine for unit vectors) over the first n vectors. */
function bruteForce(
  all: Float32Array,
  n: number,
  query: Float32Array,
  accept?: (chunk: number) => boolean,
): number[] {
  const scores = new Float64Array(K).fill(-Infinity);
  const ids = new Int32Array(K).fill(-1);
  for (let c = 0; c < n; c++) {
    if (accept && !accept(c)) continue;
    const offset = c * DIM;
    let dot = 0;
    for (let j = 0; j < DIM; j++) dot += all[offset + j]! * query[j]!;
    if (dot <= scores[K - 1]!) continue;
    let at = K - 1;
    while (at > 0 && scores[at - 1]! < dot) {
      scores[at] = scores[at - 1]!;
      ids[at] = ids[at - 1]!;
      at--;
    }
    scores[at] = dot;
    ids[at] = c;
  }
  return [...ids].filter((id) => id >= 0);
}

function p50p99(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  return `${fmt(percentile(sorted, 50), 1)} | ${fmt(percentile(sorted, 99), 1)}`;
}

/** The store's distance function: sqlite-vec's when it loaded, else the JS fallback (vectors.ts). */
function distanceFunctionOf(db: Database.Database): string {
  try {
    db.prepare("SELECT vec_distance_cosine(x'0000803f', x'0000803f')").get();
    return "vec_distance_cosine";
  } catch {
    return "docindex_cosine_distance";
  }
}

const chunkId = (c: number) => `chunk-${c.toString(36)}`;
const isPdf = (chunk: number) => Math.floor(chunk / CHUNKS_PER_DOC) % 10 === 0;

export async function vectorsBench(workDir: string): Promise<void> {
  const dir = join(workDir, "vectors-bench");
  rmSync(dir, { recursive: true, force: true });
  const store = await openSqliteStore(join(dir, "index.db"));
  const distance = distanceFunctionOf(store.db);
  const max = SIZES[SIZES.length - 1]!;
  const random = prng(42);
  const all = new Float32Array(max * DIM);
  for (let c = 0; c < max; c++) randomUnit(random, all.subarray(c * DIM, (c + 1) * DIM));
  const queries = Array.from({ length: QUERIES + WARMUP }, () =>
    randomUnit(random, new Float32Array(DIM)),
  );
  const root = "/bench/vectors";

  console.log(
    `\n## Vectors: exact KNN in the SQLite store, random unit vectors of ${DIM} dimensions`,
  );
  console.log(
    `${CHUNKS_PER_DOC} chunks per document, 1 document in 10 of kind pdf; limit ${K}; ${QUERIES} queries per cell after ${WARMUP} warm-up; ` +
      `brute force = plain JS dot products over one Float32Array, top ${K} by insertion.`,
  );
  console.log(loadNote());
  console.log(
    "| chunks | index MB | insert s (cumulative) | SQLite per document p50 ms | p99 | SQLite every chunk p50 | p99 | JS brute force p50 | p99 | SQLite kind=pdf (10%) p50 | p99 | JS brute force kind=pdf p50 | p99 | bare SQL distance scan p50 | p99 | top-10 agree |",
  );
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  try {
    await store.setVectorModel({ id: "bench:random-unit", dimensions: DIM });
    let inserted = 0;
    let insertMs = 0;
    for (const size of SIZES) {
      insertMs += await timeMs(async () => {
        for (let doc = inserted / CHUNKS_PER_DOC; doc < size / CHUNKS_PER_DOC; doc++) {
          const path = `docs/doc-${doc}.${doc % 10 === 0 ? "pdf" : "md"}`;
          const chunks: Chunk[] = [];
          for (let o = 0; o < CHUNKS_PER_DOC; o++) {
            const c = doc * CHUNKS_PER_DOC + o;
            const text = `Synthetic chunk ${o} of document ${doc}, words for the lexical index.`;
            chunks.push({
              id: chunkId(c),
              path,
              ordinal: o,
              text,
              headingPath: [],
              tokens: 16,
              contentHash: createHash("sha256").update(text).digest("hex"),
            });
          }
          await store.upsertDocument(syntheticDocument(root, path, doc), chunks);
          await store.putVectors(
            chunks.map((chunk, o) => {
              const c = doc * CHUNKS_PER_DOC + o;
              return { chunkId: chunk.id, vector: all.subarray(c * DIM, (c + 1) * DIM) };
            }),
          );
        }
      });
      inserted = size;

      const timed = async (request: Omit<SearchRequest, "vector">) => {
        const latencies: number[] = [];
        const results: string[][] = [];
        for (let q = 0; q < queries.length; q++) {
          let ids: string[] = [];
          const ms = await timeMs(async () => {
            const hits = await store.search({ ...request, vector: queries[q]! });
            ids = hits.map((hit) => hit.chunkId);
          });
          if (q >= WARMUP) {
            latencies.push(ms);
            results.push(ids);
          }
        }
        return { latencies, results };
      };
      const base = { query: "", limit: K, mode: "semantic" } as const;
      const perDoc = await timed({ ...base, onePerDocument: true });
      const chunks = await timed({ ...base, onePerDocument: false });
      const pdf = await timed({ ...base, onePerDocument: true, filters: { kinds: ["pdf"] } });

      const brute = (accept?: (chunk: number) => boolean) => {
        const latencies: number[] = [];
        const results: string[][] = [];
        queries.forEach((query, q) => {
          let ids: number[] = [];
          const ms = performance.now();
          ids = bruteForce(all, size, query, accept);
          const elapsed = performance.now() - ms;
          if (q >= WARMUP) {
            latencies.push(elapsed);
            results.push(ids.map(chunkId));
          }
        });
        return { latencies, results };
      };
      // The distance scan alone, top 10 straight from chunk_vectors: what the store's query
      // costs before it joins every row to its chunk and document.
      const scan = store.db.prepare(
        `SELECT chunk_id FROM chunk_vectors ORDER BY ${distance}(vector, ?) LIMIT ${K}`,
      );
      const bare: number[] = [];
      queries.forEach((query, q) => {
        const started = performance.now();
        scan.all(Buffer.from(query.buffer, query.byteOffset, query.byteLength));
        if (q >= WARMUP) bare.push(performance.now() - started);
      });
      const js = brute();
      const jsPdf = brute(isPdf);
      const agree = chunks.results.filter((ids, q) => ids.join() === js.results[q]!.join()).length;
      const sizeMb = ((await store.stats()).sizeBytes ?? NaN) / 1024 / 1024;
      console.log(
        `| ${size.toLocaleString("en")} | ${fmt(sizeMb, 0)} | ${fmt(insertMs / 1000, 1)} | ${p50p99(perDoc.latencies)} | ${p50p99(chunks.latencies)} | ` +
          `${p50p99(js.latencies)} | ${p50p99(pdf.latencies)} | ${p50p99(jsPdf.latencies)} | ${p50p99(bare)} | ${agree}/${QUERIES} |`,
      );
    }
    console.log(loadNote());
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
