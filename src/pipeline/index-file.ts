/**
 * One file through parse → chunk → store. Whatever happens, the file ends as a row in the
 * store: indexed with its chunks, or skipped/failed with a reason. Nothing here throws for a
 * bad file; only a failing store (disk full, closed) propagates, because that ends the run.
 *
 * The parser (the worker pool) reads, hashes, parses and chunks the file in one go
 * (scanners/pool/prepare-document.ts), so this thread only turns the outcome into a row.
 */
import type { Chunk, ParsedDocument, SourceFile } from "../../scanners/types.js";
import type { ChunkOptions } from "../../scanners/chunk/index.js";
import type {
  FileFacts,
  PreparedOutcome,
  PreparedPart,
} from "../../scanners/pool/prepare-document.js";
import { embeddedPath, holdsEmbeddedFiles } from "../../scanners/parsers/embedded.js";
import type { DocumentRecord, DocumentWrite, Store } from "../../indexers/store.js";
import { describeError } from "../errors.js";
import { hashSourceFile } from "./hash-file.js";

export interface FileParser {
  prepare(
    absPath: string,
    path: string,
    kind: SourceFile["kind"],
    chunk: ChunkOptions,
    /** Judged by the reader on the fstat of the descriptor it reads (SourceFile.sizeLimit). */
    sizeLimit?: number,
  ): Promise<PreparedOutcome>;
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

/** Listed but never parsed: the walker's reason (too large, a refused link) or binary. */
function unparsedReason(file: SourceFile): string | undefined {
  return file.skipReason ?? (file.kind === "binary" ? "binary" : undefined);
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
  const prepared = await prepareOwnDocument(file, ctx);
  // A file that may hold documents always says which it holds now, none included, so that the
  // store drops those of its previous version (an attachment removed, a message now corrupt).
  if (holdsEmbeddedFiles(file.kind)) prepared.write.parts ??= [];
  return prepared;
}

async function prepareOwnDocument(
  file: SourceFile,
  ctx: Omit<IndexFileContext, "store">,
): Promise<PreparedFile> {
  const unparsed = unparsedReason(file);
  if (unparsed !== undefined) {
    // Hashed here, streamed: such files are rare, and may be large.
    let sha256 = file.sha256;
    try {
      // Also fills in size and mtime from the descriptor it reads (a walked file has none).
      const hashed = await hashSourceFile(file);
      ({ sha256 } = hashed);
      file = hashed;
    } catch (error) {
      // Vanished or unreadable between the walk and now: record why, keep going.
      return notIndexed(baseRecord(file, "", "failed", `unreadable: ${describeError(error)}`));
    }
    return notIndexed(baseRecord(file, sha256, "skipped", unparsed));
  }
  let outcome: PreparedOutcome;
  try {
    outcome = await ctx.parser.prepare(
      file.absPath,
      file.path,
      file.kind,
      { maxTokens: ctx.chunkTokens },
      file.sizeLimit,
    );
  } catch (error) {
    outcome = { ok: false, status: "failed", reason: `parser error: ${describeError(error)}` };
  }
  if (!outcome.ok) {
    // No facts: the worker never hashed the bytes (too large, unreadable, timed out,
    // crashed). A hash still lets the next run tell a touch from an edit; it is streamed here,
    // with size and mtime from its descriptor. A file that cannot be read has "".
    const facts: FileFacts =
      outcome.facts ??
      (await hashSourceFile(file).then(
        ({ size, mtimeMs, sha256 }) => ({ size, mtimeMs, sha256 }),
        () => ({ size: file.size ?? 0, mtimeMs: file.mtimeMs ?? 0, sha256: "" }),
      ));
    return notIndexed(baseRecord(file, facts, outcome.status, outcome.reason));
  }
  const { doc, chunks, facts, parts } = outcome;
  const write = indexedWrite(baseRecord(file, facts, "indexed"), doc, chunks);
  if (parts !== undefined) write.parts = parts.map((part) => partWrite(file, facts, part));
  return { result: { status: "indexed", chunks: chunks.length }, write };
}

/** An embedded file's row: its own kind, size and hash; its container's root and mtime. */
function partWrite(container: SourceFile, facts: FileFacts, part: PreparedPart): DocumentWrite {
  const base: DocumentRecord = {
    root: container.root,
    path: embeddedPath(container.path, part.name),
    container: container.path,
    kind: part.kind,
    size: part.size,
    mtimeMs: facts.mtimeMs,
    sha256: part.sha256,
    status: part.ok ? "indexed" : part.status,
    indexedAt: Date.now(),
    chunkCount: 0,
  };
  if (!part.ok) return { doc: { ...base, reason: part.reason }, chunks: [] };
  return indexedWrite(base, part.doc, part.chunks);
}

/** The write of a parsed document (a file's, or an attachment's): its row, chunks, text, symbols. */
function indexedWrite(base: DocumentRecord, doc: ParsedDocument, chunks: Chunk[]): DocumentWrite {
  const write: DocumentWrite = {
    doc: {
      ...base,
      title: doc.title,
      language: doc.language,
      pageCount: doc.pageCount,
      sections: doc.sections,
      metadata: documentMetadata(doc),
      chunkCount: chunks.length,
    },
    chunks,
    text: doc.text,
  };
  if (doc.symbols !== undefined) write.symbols = doc.symbols;
  return write;
}

/** The parser's metadata with the author, which ParsedDocument keeps apart; none if empty. */
function documentMetadata(doc: ParsedDocument): DocumentRecord["metadata"] {
  const metadata =
    doc.author === undefined ? doc.metadata : { author: doc.author, ...doc.metadata };
  return Object.keys(metadata).length === 0 ? undefined : metadata;
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
  await ctx.store.upsertDocument(write.doc, write.chunks, write.text, write.parts, write.symbols);
  return result;
}

/**
 * The row's size and mtime are those of the bytes hashed (the fstat of the file the worker
 * read) when there are such bytes, else the walker's.
 */
function baseRecord(
  file: SourceFile,
  facts: FileFacts | string,
  status: DocumentRecord["status"],
  reason?: string,
): DocumentRecord {
  const { size, mtimeMs, sha256 } =
    typeof facts === "string" ? { size: file.size, mtimeMs: file.mtimeMs, sha256: facts } : facts;
  return {
    root: file.root,
    path: file.path,
    kind: file.kind,
    // Unknown only for a file that could not be opened (its row says why).
    size: size ?? 0,
    mtimeMs: mtimeMs ?? 0,
    sha256,
    status,
    reason,
    indexedAt: Date.now(),
    chunkCount: 0,
  };
}
