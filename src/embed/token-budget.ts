/**
 * Token budgets without a tokenizer: truncation and request batching both use the shared
 * estimate (scanners/chunk/tokens.ts), so what the chunker sized is what the embedder counts.
 */
import { estimateTokens } from "../../scanners/chunk/tokens.js";

/**
 * The longest prefix of `text` whose estimate fits `maxTokens`. The estimate is not monotonic
 * in the prefix length (a run of one repeated mark gets cheaper as it grows), so the search
 * only ever accepts prefixes it has measured.
 */
export function truncateToTokens(text: string, maxTokens: number): string {
  if (estimateTokens(text) <= maxTokens) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (estimateTokens(text.slice(0, mid)) <= maxTokens) low = mid;
    else high = mid - 1;
  }
  // Do not split a surrogate pair: a lone half is not valid text for any provider.
  const code = text.charCodeAt(low - 1);
  if (low > 0 && code >= 0xd800 && code <= 0xdbff) low--;
  return text.slice(0, low);
}

export interface BatchLimits {
  maxItems: number;
  maxTokens: number;
}

/**
 * Consecutive runs of inputs that respect both limits. An input that alone exceeds maxTokens
 * gets a batch of its own rather than being refused: truncation has already bounded it.
 */
export function planBatches(
  tokenCounts: number[],
  limits: BatchLimits,
): { start: number; end: number }[] {
  const batches: { start: number; end: number }[] = [];
  let start = 0;
  let tokens = 0;
  for (let i = 0; i < tokenCounts.length; i++) {
    const cost = tokenCounts[i] ?? 0;
    const full = i - start >= limits.maxItems || (i > start && tokens + cost > limits.maxTokens);
    if (full) {
      batches.push({ start, end: i });
      start = i;
      tokens = 0;
    }
    tokens += cost;
  }
  if (start < tokenCounts.length) batches.push({ start, end: tokenCounts.length });
  return batches;
}
