/**
 * Key terms: the words that set a document (or a set) apart from the rest of the index, by
 * TF-IDF: how often the word occurs in the document (log-scaled) times how rare it is among
 * the indexed documents. Document frequencies come from the store, so they match the index.
 */
import type { Store } from "../../indexers/store.js";
import { ENGLISH_STOPWORDS } from "../../indexers/text/stopwords.js";
import { termsOf } from "./text-stats.js";

export interface KeyTerm {
  term: string;
  /** Occurrences in the analysed text. */
  count: number;
  /** Indexed documents that contain the term. */
  documents: number;
  score: number;
}

/** Candidates are the most frequent words; only they are looked up in the index. */
const CANDIDATES = 60;

export async function keyTerms(store: Store, text: string, limit = 15): Promise<KeyTerm[]> {
  const counts = new Map<string, number>();
  for (const term of termsOf(text)) {
    if (ENGLISH_STOPWORDS.has(term)) continue;
    counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  const candidates = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, CANDIDATES)
    .map(([term]) => term);
  if (candidates.length === 0) return [];
  const { documents, frequencies } = await store.termDocumentFrequencies(candidates);
  const total = Math.max(1, documents);
  return candidates
    .map((term) => {
      const df = frequencies.get(term) ?? 0;
      const count = counts.get(term)!;
      const idf = Math.log((total + 1) / (df + 1)) + 1;
      return {
        term,
        count,
        documents: df,
        score: Math.round((1 + Math.log(count)) * idf * 1000) / 1000,
      };
    })
    .sort((a, b) => b.score - a.score || (a.term < b.term ? -1 : 1))
    .slice(0, limit);
}
