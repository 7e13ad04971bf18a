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
import { embeddedPath } from "../parsers/embedded.js";
import type { Chunk, EmbeddedFile, FileKind, ParsedDocument, SourceFile } from "../types.js";
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
  | { ok: true; facts: FileFacts; doc: ParsedDocument; chunks: Chunk[]; parts?: PreparedPart[] }
  | { ok: false; facts?: FileFacts; status: "skipped" | "failed"; reason: string };

/**
 * A file inside the prepared one (an e-mail's attachment), ready to be written as a document
 * of its own at `embeddedPath(container, name)`. An attachment of an attached message is
 * flattened into the same list, its name joined to its message's ("fwd.eml#report.pdf").
 */
export type PreparedPart = { name: string; kind: FileKind; size: number; sha256: string } & (
  | { ok: true; doc: ParsedDocument; chunks: Chunk[] }
  | { ok: false; status: "skipped" | "failed"; reason: string }
);

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
  const { doc } = outcome;
  const embedded = doc.embedded;
  // Sent back as parts of their own: the embedded files' documents must not cross to the
  // indexing thread twice.
  delete doc.embedded;
  const chunks = chunkOrReason(path, doc, chunk);
  if (typeof chunks === "string") return { ok: false, facts, status: "failed", reason: chunks };
  const prepared: PreparedOutcome = { ok: true, facts, doc, chunks };
  if (embedded !== undefined) prepared.parts = prepareParts(path, "", embedded, chunk);
  return prepared;
}

function chunkOrReason(path: string, doc: ParsedDocument, chunk: ChunkOptions): Chunk[] | string {
  try {
    const chunks = chunkDocument(path, doc, chunk);
    // The outline served the chunker; it is neither stored nor worth copying to another thread.
    delete doc.outline;
    return chunks;
  } catch (error) {
    return `chunking failed: ${shortMessage(error)}`;
  }
}

/** Chunks each embedded file under its own path, and the files embedded in those, flattened. */
function prepareParts(
  containerPath: string,
  namePrefix: string,
  files: EmbeddedFile[],
  chunk: ChunkOptions,
): PreparedPart[] {
  const parts: PreparedPart[] = [];
  for (const file of files) {
    const name = namePrefix === "" ? file.name : embeddedPath(namePrefix, file.name);
    const facts = { name, kind: file.kind, size: file.size, sha256: file.sha256 };
    if (!file.outcome.ok) {
      parts.push({ ...facts, ok: false, status: file.outcome.status, reason: file.outcome.reason });
      continue;
    }
    const { doc } = file.outcome;
    const nested = doc.embedded;
    delete doc.embedded;
    const chunks = chunkOrReason(embeddedPath(containerPath, name), doc, chunk);
    parts.push(
      typeof chunks === "string"
        ? { ...facts, ok: false, status: "failed", reason: chunks }
        : { ...facts, ok: true, doc, chunks },
    );
    if (nested !== undefined) parts.push(...prepareParts(containerPath, name, nested, chunk));
  }
  return parts;
}
