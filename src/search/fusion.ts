/**
 * Reciprocal rank fusion: each ranking gives a hit 1 / (k + rank), summed across rankings.
 * It needs no score calibration between BM25 and cosine similarity, which is why hybrid
 * search uses it; k damps the weight of the very top ranks (60 in the original paper; the
 * SciFact train queries favour a smaller k here, hence the default of 20: bench/README.md).
 */
import type { SearchHit } from "../../indexers/store.js";

export interface Ranking {
  mode: "lexical" | "semantic";
  hits: SearchHit[];
}

export function reciprocalRankFusion(rankings: Ranking[], k: number): SearchHit[] {
  const fused = new Map<
    string,
    { hit: SearchHit; score: number; matchedBy: Set<"lexical" | "semantic"> }
  >();
  for (const ranking of rankings) {
    ranking.hits.forEach((hit, index) => {
      const key = `${hit.root}\0${hit.chunkId}`;
      const entry = fused.get(key) ?? { hit, score: 0, matchedBy: new Set() };
      entry.score += 1 / (k + index + 1);
      entry.matchedBy.add(ranking.mode);
      // Keep the lexical hit's snippet: it shows the matched words.
      if (ranking.mode === "lexical") entry.hit = hit;
      fused.set(key, entry);
    });
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || (a.hit.path < b.hit.path ? -1 : 1))
    .map(({ hit, score, matchedBy }) => ({ ...hit, score, matchedBy: [...matchedBy].sort() }));
}

/** The best hit of each document, in order. */
export function bestPerDocument(hits: SearchHit[]): SearchHit[] {
  const seen = new Set<string>();
  return hits.filter((hit) => {
    const key = `${hit.root}\0${hit.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
