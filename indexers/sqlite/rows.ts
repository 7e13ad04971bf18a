/** Row shapes of the SQLite schema and their mapping to the Store types. */
import type { Chunk, FileKind, Section } from "../../scanners/types.js";
import type { DocumentRecord, DocumentStatus } from "../store.js";

export interface DocumentRow {
  id: number;
  root: string;
  path: string;
  container: string | null;
  kind: string;
  size: number;
  mtime_ms: number;
  sha256: string;
  status: string;
  reason: string | null;
  title: string | null;
  language: string | null;
  page_count: number | null;
  sections?: string | null;
  indexed_at: number;
  chunk_count: number;
}

export interface ChunkRow {
  chunk_id: string;
  ordinal: number;
  text: string;
  heading_path: string;
  line_start: number | null;
  line_end: number | null;
  page: number | null;
  tokens: number;
  content_hash: string;
}

export interface TextRow {
  doc_id: number;
  text: string;
  /** JSON array of the gaps between chunks, when the text is stored that way. */
  gaps: string | null;
}

export function toDocumentRecord(row: DocumentRow): DocumentRecord {
  const doc: DocumentRecord = {
    root: row.root,
    path: row.path,
    kind: row.kind as FileKind,
    size: row.size,
    mtimeMs: row.mtime_ms,
    sha256: row.sha256,
    status: row.status as DocumentStatus,
    indexedAt: row.indexed_at,
    chunkCount: row.chunk_count,
  };
  if (row.container !== null) doc.container = row.container;
  if (row.reason !== null) doc.reason = row.reason;
  if (row.title !== null) doc.title = row.title;
  if (row.language !== null) doc.language = row.language;
  if (row.page_count !== null) doc.pageCount = row.page_count;
  if (row.sections !== undefined && row.sections !== null)
    doc.sections = JSON.parse(row.sections) as Section[];
  return doc;
}

export function toChunk(path: string, row: ChunkRow): Chunk {
  const chunk: Chunk = {
    id: row.chunk_id,
    path,
    ordinal: row.ordinal,
    text: row.text,
    headingPath: JSON.parse(row.heading_path) as string[],
    tokens: row.tokens,
    contentHash: row.content_hash,
  };
  if (row.line_start !== null) chunk.lineStart = row.line_start;
  if (row.line_end !== null) chunk.lineEnd = row.line_end;
  if (row.page !== null) chunk.page = row.page;
  return chunk;
}
