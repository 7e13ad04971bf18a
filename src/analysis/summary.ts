/**
 * The optional LLM summary of `analyze`: an OpenAI-compatible chat model (with a fallback)
 * reads the document's (or set's) chunks, within a token budget, and answers with numbered
 * citations that are mapped back to the chunks they name. Off unless llmModel is configured;
 * asking for it then gives a notice, not an error.
 */
import type { Chunk } from "../../scanners/types.js";
import type { DocumentRecord, Store } from "../../indexers/store.js";
import type { Settings } from "../config/schema.js";
import { describeError } from "../errors.js";
import { ChatClient } from "../llm/chat-client.js";
import { summarizeChunks, type SummaryChunk } from "../llm/summarize-documents.js";
import type { Logger } from "../log.js";

export interface LlmSummary {
  text?: string;
  /** Why there is no summary. */
  notice?: string;
  model?: string;
  usedFallback?: boolean;
  citations?: {
    n: number;
    chunkId: string;
    path: string;
    lines?: { start: number; end: number };
    page?: number;
  }[];
  usage?: { promptTokens: number; completionTokens: number };
  latencyMs?: number;
}

/** Estimated tokens of source text sent to the model. */
const BUDGET_TOKENS = 6000;

function toSummaryChunk(chunk: Chunk): SummaryChunk {
  return {
    id: chunk.id,
    path: chunk.path,
    text: chunk.text,
    lineStart: chunk.lineStart,
    lineEnd: chunk.lineEnd,
    page: chunk.page,
  };
}

export async function summarizeDocuments(
  settings: Settings,
  store: Store,
  docs: DocumentRecord[],
  options: { question?: string; log: Logger; correlationId?: string },
): Promise<LlmSummary> {
  if (!settings.llmModel) {
    return {
      notice:
        "no LLM is configured: set llmModel (and llmBaseUrl) in mcp.json or DOCINDEX_LLM_MODEL",
    };
  }
  const chunks: SummaryChunk[] = [];
  // Round-robin over documents, so a set's summary hears from every file, not just the first.
  const perDoc = await Promise.all(
    docs.slice(0, 50).map((doc) => store.getChunks(doc.root, doc.path)),
  );
  for (let i = 0; chunks.length < 400 && perDoc.some((list) => i < list.length); i++) {
    for (const list of perDoc) if (i < list.length) chunks.push(toSummaryChunk(list[i]!));
  }
  const client = new ChatClient({
    model: settings.llmModel,
    fallbackModel: settings.llmFallbackModel,
    baseURL: settings.llmBaseUrl,
    apiKey: process.env.DOCINDEX_LLM_API_KEY || undefined,
    log: options.log,
  });
  try {
    const result = await summarizeChunks({
      client,
      chunks,
      question: options.question,
      budgetTokens: BUDGET_TOKENS,
      correlationId: options.correlationId,
    });
    const byId = new Map(result.sources.map((source) => [source.id, source]));
    return {
      text: result.text,
      model: result.model,
      usedFallback: result.usedFallback,
      usage: result.usage,
      latencyMs: result.latencyMs,
      citations: result.cited.map((id) => {
        const source = byId.get(id)!;
        const lines =
          source.lineStart !== undefined && source.lineEnd !== undefined
            ? { start: source.lineStart, end: source.lineEnd }
            : undefined;
        return { n: source.n, chunkId: id, path: source.path, lines, page: source.page };
      }),
    };
  } catch (error) {
    return { notice: `the summary failed: ${describeError(error)}` };
  }
}
