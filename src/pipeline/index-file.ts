/**
 * One file through parse → chunk → store. Whatever happens, the file ends as a row in the
 * store: indexed with its chunks, or skipped/failed with a reason. Nothing here throws for a
 * bad file; only a failing store (disk full, closed) propagates, because that ends the run.
 */
import type { Chunk, ParseOutcome, SourceFile } from "../../scanners/types.js";
import { chunkDocument } from "../../scanners/chunk/index.js";
import type { DocumentRecord, DocumentWrite, Store } from "../../indexers/store.js";
import { describeError } from "../errors.js";
import { hashSourceFile } from "./hash-file.js";

export interface FileParser {
  parse(absPath: string, kind: SourceFile["kind"]): Promise<ParseOutcome>;
}

export interface IndexFileContext {
  store: Store;
  parser: FileParser;
  chunkTokens: number;
}

export interface IndexFileResult {
  status: DocumentRecord["status"];
  reason?: string;
  chunks: number;
}

async function outcomeFor(file: SourceFile, parser: FileParser): Promise<ParseOutcome> {
  if (file.skipReason !== undefined)
    return { ok: false, status: "skipped", reason: file.skipReason };
  if (file.kind === "binary") return { ok: false, status: "skipped", reason: "binary" };
  try {
    return await parser.parse(file.absPath, file.kind);
  } catch (error) {
    return { ok: false, status: "failed", reason: `parser error: ${describeError(error)}` };
  }
}

export interface PreparedFile {
  result: IndexFileResult;
  /** The row (and chunks) that record the result in the store. */
  write: DocumentWrite;
}

/** Hashes, parses and chunks one file: everything but the write, which the caller may batch. */
export async function prepareFile(
  file: SourceFile,
  ctx: Omit<IndexFileContext, "store">,
): Promise<PreparedFile> {
  let sha256 = file.sha256;
  if (sha256 === undefined) {
    try {
      // Also fills in size, mtime and "too large" from the descriptor it reads (a walked file has none).
      const hashed = await hashSourceFile(file);
      ({ sha256 } = hashed);
      file = hashed;
    } catch (error) {
      // Vanished or unreadable between the walk and now: record why, keep going.
      return notIndexed(baseRecord(file, "", "failed", `unreadable: ${describeError(error)}`));
    }
  }
  const outcome = await outcomeFor(file, ctx.parser);
  if (!outcome.ok) return notIndexed(baseRecord(file, sha256, outcome.status, outcome.reason));
  const { doc } = outcome;
  let chunks: Chunk[];
  try {
    chunks = chunkDocument(file.path, doc, { maxTokens: ctx.chunkTokens });
  } catch (error) {
    const reason = `chunking failed: ${describeError(error)}`;
    return notIndexed(baseRecord(file, sha256, "failed", reason));
  }
  const record: DocumentRecord = {
    ...baseRecord(file, sha256, "indexed"),
    title: doc.title,
    language: doc.language,
    pageCount: doc.pageCount,
    sections: doc.sections,
    chunkCount: chunks.length,
  };
  return {
    result: { status: "indexed", chunks: chunks.length },
    write: { doc: record, chunks, text: doc.text },
  };
}

function notIndexed(record: DocumentRecord): PreparedFile {
  const status = record.status;
  return {
    result: { status, reason: record.reason, chunks: 0 },
    write: { doc: record, chunks: [] },
  };
}

export async function indexFile(file: SourceFile, ctx: IndexFileContext): Promise<IndexFileResult> {
  const { result, write } = await prepareFile(file, ctx);
  await ctx.store.upsertDocument(write.doc, write.chunks, write.text);
  return result;
}

function baseRecord(
  file: SourceFile,
  sha256: string,
  status: DocumentRecord["status"],
  reason?: string,
): DocumentRecord {
  return {
    root: file.root,
    path: file.path,
    kind: file.kind,
    // Unknown only for a file that could not be opened (its row says why).
    size: file.size ?? 0,
    mtimeMs: file.mtimeMs ?? 0,
    sha256,
    status,
    reason,
    indexedAt: Date.now(),
    chunkCount: 0,
  };
}
