/**
 * Near-duplicate detection by word shingles: two texts are compared by the Jaccard similarity
 * of their sets of 5-word sequences. Exact duplicates are found by sha256 elsewhere.
 */
import { createHash } from "node:crypto";

const SHINGLE = 5;
/** Long texts are compared by a deterministic sample of their shingles (the smallest hashes). */
const MAX_SHINGLES = 2000;

export function shingles(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const hashes: string[] = [];
  for (let i = 0; i + SHINGLE <= words.length; i++) {
    hashes.push(
      createHash("sha1")
        .update(words.slice(i, i + SHINGLE).join(" "))
        .digest("hex")
        .slice(0, 16),
    );
  }
  if (hashes.length === 0 && words.length > 0) hashes.push(words.join(" "));
  return new Set([...new Set(hashes)].sort().slice(0, MAX_SHINGLES));
}

/**
 * Jaccard similarity of two shingle sets, estimated from the smallest hashes of their union
 * (a bottom-k sketch): exact when both texts have fewer than MAX_SHINGLES shingles.
 */
export function similarity(a: Set<string>, b: Set<string>): number {
  const union = [...new Set([...a, ...b])].sort().slice(0, MAX_SHINGLES);
  if (union.length === 0) return 1;
  let both = 0;
  for (const hash of union) if (a.has(hash) && b.has(hash)) both++;
  return both / union.length;
}
