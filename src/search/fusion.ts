/**
 * Reciprocal rank fusion, the one place where rankings are combined: hybrid search (BM25 with
 * vectors), `search` with several `queries`, and `analyze`'s related documents. Each ranking
 * gives a hit 1 / (k + rank), summed across rankings. It needs no score calibration between
 * BM25, cosine similarity or different queries, which is why all three use it; k damps the
 * weight of the very top ranks (60 in the original paper; the SciFact train queries favour a
 * smaller k here, hence the `rrfK` default of 20: bench/README.md). Every caller passes the
 * configured `rrfK`, so one setting tunes them all.
 */

export type MatchedBy = "lexical" | "semantic";

/** What fusion needs of a hit: where it is, and which rankings found it. */
export interface FusableHit {
  root: string;
  path: string;
  chunkId: string;
  score: number;
  matchedBy?: MatchedBy[];
}

/**
 * A chunk id is derived from the path and the content, so two roots holding the same file
 * have chunks with the same id: the key must name the root too, or one of them vanishes.
 */
function hitKey(hit: FusableHit): string {
  return `${hit.root}\0${hit.chunkId}`;
}

/**
 * Fuses rankings (best first each) into one, best first. A hit found by several rankings keeps
 * the copy from the first ranking that has it (callers put the lexical ranking first: its
 * snippet shows the matched words), with `matchedBy` the union of all copies'.
 */
export function reciprocalRankFusion<T extends FusableHit>(
  rankings: readonly (readonly T[])[],
  k: number,
): T[] {
  const fused = new Map<string, { hit: T; score: number; matchedBy: Set<MatchedBy> }>();
  for (const ranking of rankings) {
    ranking.forEach((hit, index) => {
      const key = hitKey(hit);
      let entry = fused.get(key);
      if (entry === undefined) {
        entry = { hit, score: 0, matchedBy: new Set() };
        fused.set(key, entry);
      }
      entry.score += 1 / (k + index + 1);
      for (const by of hit.matchedBy ?? []) entry.matchedBy.add(by);
    });
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || compareLocation(a.hit, b.hit))
    .map(({ hit, score, matchedBy }) => {
      const out: T = { ...hit, score };
      if (matchedBy.size > 0) out.matchedBy = [...matchedBy].sort();
      return out;
    });
}

/** Ties go by path, then root, then chunk: the order is the same on every run. */
function compareLocation(a: FusableHit, b: FusableHit): number {
  for (const [x, y] of [
    [a.path, b.path],
    [a.root, b.root],
    [a.chunkId, b.chunkId],
  ] as const) {
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The best hit of each document, in order. */
export function bestPerDocument<T extends FusableHit>(hits: readonly T[]): T[] {
  const seen = new Set<string>();
  return hits.filter((hit) => {
    const key = `${hit.root}\0${hit.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
