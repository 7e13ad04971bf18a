/**
 * Everything a file needs before it can be written, done where the file is parsed: one read
 * (the bytes hashed are the bytes parsed), the sha256, the parse and the chunks. The indexing
 * thread then only writes; before, it read every file a second time to hash it, and spent a
 * tenth of its time on token estimates while the parser workers sat idle.
 */
import { createHash } from "node:crypto";
import { closeSync, readFileSync } from "node:fs";
import { chunkDocument, type ChunkOptions } from "../chunk/index.js";
import { parseBytes } from "../parsers/index.js";
import { shortMessage } from "../parsers/outcome.js";
import type { ParseOptions } from "../parsers/parse-options.js";
import type { Chunk, ParsedDocument, SourceFile } from "../types.js";
import { openListedFile, type FileFacts as ListedFileFacts } from "../walk/file-facts.js";

/** What the read found: size and mtime from the fstat of the open file, sha256 of its bytes. */
export interface FileFacts extends ListedFileFacts {
  sha256: string;
}

/**
 * A file ready to be written, or why not. `facts` is missing when the file could not be read
 * (or the pool failed it: timed out, crashed), since then no bytes were hashed.
 */
export type PreparedOutcome =
  | { ok: true; facts: FileFacts; doc: ParsedDocument; chunks: Chunk[] }
  | { ok: false; facts?: FileFacts; status: "skipped" | "failed"; reason: string };

/** What the worker is told of a listed file: where it is, its kind and its size limit. */
export type FileToPrepare = Pick<SourceFile, "absPath" | "path" | "kind" | "sizeLimit">;

/**
 * A file over its size limit (by the fstat of the descriptor opened here) comes back skipped
 * without facts: it is not read into this worker, and the indexing thread hashes it streamed.
 */
export async function prepareDocument(
  file: FileToPrepare,
  chunk: ChunkOptions,
  parseOptions: ParseOptions = {},
): Promise<PreparedOutcome> {
  const { absPath, path, kind } = file;
  let bytes: Buffer;
  let facts: FileFacts;
  try {
    // Synchronous: a worker thread has nothing else to do meanwhile, and each async step
    // (open, fstat, read, close) was an event-loop trip that showed in its profile.
    // openListedFile: O_NONBLOCK, regular files only, and the one size policy.
    const opened = openListedFile(file);
    try {
      if (opened.skipReason !== undefined)
        return { ok: false, status: "skipped", reason: opened.skipReason };
      bytes = readFileSync(opened.fd);
      facts = { size: opened.size, mtimeMs: opened.mtimeMs, sha256: "" };
    } finally {
      closeSync(opened.fd);
    }
  } catch (error) {
    return { ok: false, status: "failed", reason: `unreadable: ${shortMessage(error)}` };
  }
  facts.sha256 = createHash("sha256").update(bytes).digest("hex");
  const outcome = await parseBytes(bytes, kind, absPath, {
    ...parseOptions,
    chunkTokens: chunk.maxTokens,
  });
  if (!outcome.ok) return { ...outcome, facts };
  try {
    const chunks = chunkDocument(path, outcome.doc, chunk);
    // The outline served the chunker; it is neither stored nor worth copying to another thread.
    delete outcome.doc.outline;
    return { ok: true, facts, doc: outcome.doc, chunks };
  } catch (error) {
    return {
      ok: false,
      facts,
      status: "failed",
      reason: `chunking failed: ${shortMessage(error)}`,
    };
  }
}
