/**
 * Shared pieces of the retrieval benchmarks (embeddings, elasticsearch): per-query scores on the
 * SciFact train judgements, search hits without their text (a few hundred per query would not fit
 * in memory with it), query vectors computed once and handed to runSearchQuery, and the machine's
 * load, printed next to timings because this machine is shared.
 */
import { loadavg } from "node:os";
import type { SearchHit } from "../indexers/store.js";
import type { VectorSupport } from "../src/search/run-search.js";
import { mean, ndcgAtK, percentile, recallAtK } from "./metrics.js";
import { docIdOf } from "./scifact.js";
import { fmt } from "./timing.js";

export interface QueryScore {
  ndcg10: number;
  recall100: number;
}

export function scoreRanking(hits: Pick<SearchHit, "path">[], relevant: Map<string, number>) {
  const ranked = hits.map((hit) => docIdOf(hit.path));
  return { ndcg10: ndcgAtK(ranked, relevant, 10), recall100: recallAtK(ranked, relevant, 100) };
}

export function meanScores(scores: QueryScore[]): QueryScore {
  return {
    ndcg10: mean(scores.map((s) => s.ndcg10)),
    recall100: mean(scores.map((s) => s.recall100)),
  };
}

/** A hit with what fusion and scoring need, and no text. */
export function slim(hit: SearchHit): SearchHit {
  return {
    root: hit.root,
    path: hit.path,
    kind: hit.kind,
    chunkId: hit.chunkId,
    ordinal: hit.ordinal,
    score: hit.score,
    snippet: "",
    text: "",
    headingPath: [],
  };
}

/** VectorSupport over vectors computed beforehand: quality runs embed each query once. */
export function precomputedVectors(vectors: Map<string, Float32Array>): VectorSupport {
  return {
    enabled: true,
    queryVector: async (query) => {
      const vector = vectors.get(query);
      return vector ? { vector } : { reason: "no precomputed vector" };
    },
    status: () => ({ pending: 0 }),
  };
}

export function latencyCells(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  return `${fmt(percentile(sorted, 50), 2)} | ${fmt(percentile(sorted, 99), 2)}`;
}

export function loadNote(): string {
  return `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ")} (1/5/15 min)`;
}

/** Mean of per-query differences a − b with a 95% interval (normal approximation). */
export function pairedDifference(a: number[], b: number[]): { mean: number; half: number } {
  const d = a.map((value, i) => value - (b[i] ?? 0));
  const m = mean(d);
  const variance = d.reduce((sum, x) => sum + (x - m) ** 2, 0) / Math.max(1, d.length - 1);
  return { mean: m, half: 1.96 * Math.sqrt(variance / d.length) };
}
