/**
 * A cited summary of search results or a document's chunks. Chunks are packed into the prompt
 * in the order given (best first), each under a number, until the token budget is spent; the
 * model is asked to cite with [n]; the answer's markers are mapped back to chunk ids. A marker
 * the prompt never issued (a hallucinated [9] when eight chunks were sent) is ignored.
 */
import { estimateTokens } from "../../scanners/chunk/tokens.js";
import { truncateToTokens } from "../embed/token-budget.js";
import { ChatError, type ChatClient, type SummarizeResult } from "./chat-client.js";

export interface SummaryChunk {
  id: string;
  path: string;
  lineStart?: number;
  lineEnd?: number;
  page?: number;
  text: string;
}

export interface SummarizeChunksOptions {
  client: Pick<ChatClient, "summarize">;
  chunks: SummaryChunk[];
  /** Focus the summary on this question; without one, summarise the material. */
  question?: string;
  /** Estimated tokens for the user prompt (instructions plus chunks). */
  budgetTokens: number;
  /** Output limit; default 512. */
  maxTokens?: number;
  correlationId?: string;
  signal?: AbortSignal;
}

export interface ChunkSummary {
  text: string;
  /** Ids of the chunks the answer cites, in order of first citation. */
  cited: string[];
  /** The chunks that were in the prompt, numbered from 1 as the model saw them. */
  sources: (SummaryChunk & { n: number })[];
  /** Chunks left out because the budget was spent. */
  omitted: number;
  model: string;
  usedFallback: boolean;
  usage: SummarizeResult["usage"];
  latencyMs: number;
}

const SYSTEM =
  "You summarise excerpts of a user's documents. Use only the numbered sources given. " +
  "Cite every statement with the number of its source in square brackets, like [1] or [2][3]. " +
  "If the sources do not answer the question, say so. Be concise.";

export async function summarizeChunks(options: SummarizeChunksOptions): Promise<ChunkSummary> {
  const header =
    options.question !== undefined && options.question.trim() !== ""
      ? `Question: ${options.question.trim()}\n\nSources:\n`
      : "Summarise these sources.\n\nSources:\n";
  let remaining = options.budgetTokens - estimateTokens(header);
  const sources: (SummaryChunk & { n: number })[] = [];
  const blocks: string[] = [];
  for (const chunk of options.chunks) {
    const label = `[${sources.length + 1}] ${chunk.path}${where(chunk)}\n`;
    const cost = estimateTokens(label) + estimateTokens(chunk.text) + 1;
    let text = chunk.text;
    if (cost > remaining) {
      // One source, shortened, beats an empty prompt; later sources simply wait for a bigger budget.
      if (sources.length > 0) break;
      text = truncateToTokens(chunk.text, remaining - estimateTokens(label) - 1);
      if (text.trim() === "") break;
    }
    sources.push({ ...chunk, n: sources.length + 1 });
    blocks.push(label + text);
    remaining -= estimateTokens(label) + estimateTokens(text) + 1;
  }
  if (sources.length === 0) {
    throw new ChatError(
      "BAD_REQUEST",
      options.chunks.length === 0
        ? "nothing to summarise: no chunks given"
        : `budget of ${options.budgetTokens} tokens is too small for any source`,
    );
  }

  const answer = await options.client.summarize({
    system: SYSTEM,
    prompt: header + blocks.join("\n\n"),
    maxTokens: options.maxTokens ?? 512,
    correlationId: options.correlationId ?? "summary",
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const cited = parseCitations(answer.text, sources.length).map((n) => sources[n - 1]?.id ?? "");
  return {
    text: answer.text,
    cited,
    sources,
    omitted: options.chunks.length - sources.length,
    model: answer.model,
    usedFallback: answer.usedFallback,
    usage: answer.usage,
    latencyMs: answer.latencyMs,
  };
}

/**
 * Source numbers cited in `text`, in order of first appearance, each once: [1], [2][3],
 * [1, 4] and [2-4] are understood; numbers outside 1..count are dropped.
 */
export function parseCitations(text: string, count: number): number[] {
  const seen = new Set<number>();
  for (const match of text.matchAll(/\[(\d+(?:\s*(?:,|-|–)\s*\d+)*)\]/g)) {
    for (const part of (match[1] ?? "").split(",")) {
      const [from, to] = part.split(/-|–/).map((s) => Number.parseInt(s.trim(), 10));
      if (from === undefined || Number.isNaN(from)) continue;
      const last =
        to !== undefined && !Number.isNaN(to) && to >= from && to - from < 100 ? to : from;
      for (let n = from; n <= last; n++) if (n >= 1 && n <= count) seen.add(n);
    }
  }
  return [...seen];
}

function where(chunk: SummaryChunk): string {
  if (chunk.page !== undefined) return ` (page ${chunk.page})`;
  if (chunk.lineStart !== undefined) {
    return chunk.lineEnd !== undefined && chunk.lineEnd !== chunk.lineStart
      ? ` (lines ${chunk.lineStart}-${chunk.lineEnd})`
      : ` (line ${chunk.lineStart})`;
  }
  return "";
}
