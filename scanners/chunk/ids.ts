/**
 * Content-addressed chunk identity. An id depends on the file path, the chunk's text and which
 * occurrence of that text it is, not on its position: editing one part of a file leaves the ids
 * (and the embedding cache hits) of every unchanged chunk intact.
 */
import { createHash } from "node:crypto";
import type { Chunk } from "../types.js";
import { estimateTokens } from "./tokens.js";

export type ChunkDraft = Omit<Chunk, "id" | "path" | "ordinal" | "tokens" | "contentHash"> & {
  /** Known when the chunker summed its parts (the estimate is additive across whitespace). */
  tokens?: number;
};

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export function finalizeChunks(path: string, drafts: ChunkDraft[]): Chunk[] {
  const seen = new Map<string, number>();
  return drafts.map((draft, ordinal) => {
    const contentHash = sha256Hex(draft.text);
    const occurrence = seen.get(contentHash) ?? 0;
    seen.set(contentHash, occurrence + 1);
    const id = sha256Hex(`${path}\0${contentHash}\0${occurrence}`).slice(0, 32);
    const chunk: Chunk = {
      id,
      path,
      ordinal,
      text: draft.text,
      headingPath: draft.headingPath,
      tokens: draft.tokens ?? estimateTokens(draft.text),
      contentHash,
    };
    if (draft.lineStart !== undefined) chunk.lineStart = draft.lineStart;
    if (draft.lineEnd !== undefined) chunk.lineEnd = draft.lineEnd;
    if (draft.page !== undefined) chunk.page = draft.page;
    return chunk;
  });
}
