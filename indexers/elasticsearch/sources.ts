/**
 * The `_source` of record and chunk documents, and their mapping to and from the Store types.
 * Search fields carry the index form of their text (text-form.ts); everything else is stored
 * as given, and absent optional fields stay absent.
 */
import { createHash } from "node:crypto";
import type { Chunk, CodeSymbol, FileKind, Section } from "../../scanners/types.js";
import {
  catalogEntry,
  type CatalogEntry,
  type DocumentRecord,
  type DocumentStatus,
} from "../store.js";
import { SEARCH_FIELDS } from "./mapping.js";
import { indexForm } from "./text-form.js";
import { symbolFields } from "./symbols.js";
import { textTrigrams } from "../text/text-query.js";

export interface RecordSource {
  type: "doc";
  key: string;
  gen: string;
  root: string;
  path: string;
  container?: string;
  kind: string;
  mtime: number;
  status: string;
  size: number;
  sha256: string;
  reason?: string;
  title?: string;
  language?: string;
  page_count?: number;
  sections?: Section[];
  metadata?: Record<string, string | number | boolean>;
  indexed_at: number;
  chunk_count: number;
  doc_text?: string;
  symbols?: CodeSymbol[];
  symbol_names?: string[];
  /** grep's n-gram index: the text's distinct folded trigrams (text/text-query.ts). */
  text_grams?: string[];
}

export interface ChunkSource {
  type: "chunk";
  key: string;
  gen: string;
  root: string;
  path: string;
  kind: string;
  mtime: number;
  chunk_id: string;
  ord: number;
  text: string;
  heading_path: string[];
  line_start?: number;
  line_end?: number;
  page?: number;
  tokens: number;
  content_hash: string;
  embed_model?: string;
  [field: string]: unknown;
}

/** A document's key: its routing value, and the stem of every id that belongs to it. */
export function documentKey(root: string, path: string): string {
  return createHash("sha256").update(`${root}\0${path}`).digest("base64url").slice(0, 27);
}

export const recordId = (key: string): string => `d-${key}`;
export const chunkDocId = (key: string, gen: string, i: number): string => `c-${key}-${gen}-${i}`;

/** Generations sort as strings in the order they were made, also across processes. */
export function nextGeneration(previous: string | undefined): string {
  const before = previous === undefined ? 0 : Number.parseInt(previous.slice(0, 15), 10) || 0;
  const stamp = Math.max(Date.now(), before + 1);
  const tail = createHash("sha256")
    .update(`${Math.random()}${process.pid}`)
    .digest("hex")
    .slice(0, 10);
  return `${String(stamp).padStart(15, "0")}${tail}`;
}

export function toRecordSource(
  doc: DocumentRecord,
  key: string,
  gen: string,
  chunkCount: number,
  text?: string,
  symbols?: CodeSymbol[],
): RecordSource {
  const source: RecordSource = {
    type: "doc",
    key,
    gen,
    root: doc.root,
    path: doc.path,
    kind: doc.kind,
    mtime: doc.mtimeMs,
    status: doc.status,
    size: doc.size,
    sha256: doc.sha256,
    indexed_at: doc.indexedAt,
    chunk_count: chunkCount,
  };
  if (doc.container !== undefined) source.container = doc.container;
  if (doc.reason !== undefined) source.reason = doc.reason;
  if (doc.title !== undefined) source.title = doc.title;
  if (doc.language !== undefined) source.language = doc.language;
  if (doc.pageCount !== undefined) source.page_count = doc.pageCount;
  if (doc.sections !== undefined) source.sections = doc.sections;
  if (doc.metadata !== undefined) source.metadata = doc.metadata;
  if (text !== undefined) source.doc_text = text;
  Object.assign(source, symbolFields(symbols));
  if (text !== undefined && doc.status === "indexed") source.text_grams = textTrigrams(text);
  return source;
}

export function toDocumentRecord(source: RecordSource): DocumentRecord {
  const doc: DocumentRecord = {
    root: source.root,
    path: source.path,
    kind: source.kind as FileKind,
    size: source.size,
    mtimeMs: source.mtime,
    sha256: source.sha256,
    status: source.status as DocumentStatus,
    indexedAt: source.indexed_at,
    chunkCount: source.chunk_count,
  };
  if (source.container !== undefined) doc.container = source.container;
  if (source.reason !== undefined) doc.reason = source.reason;
  if (source.title !== undefined) doc.title = source.title;
  if (source.language !== undefined) doc.language = source.language;
  if (source.page_count !== undefined) doc.pageCount = source.page_count;
  if (source.sections !== undefined) doc.sections = source.sections;
  if (source.metadata !== undefined) doc.metadata = source.metadata;
  return doc;
}

export function toCatalogEntry(source: RecordSource): CatalogEntry {
  return catalogEntry(
    {
      size: source.size,
      mtimeMs: source.mtime,
      sha256: source.sha256,
      status: source.status as DocumentStatus,
    },
    source.container,
  );
}

export function toChunkSource(
  doc: DocumentRecord,
  key: string,
  gen: string,
  chunk: Chunk,
): ChunkSource {
  const source: ChunkSource = {
    type: "chunk",
    key,
    gen,
    root: doc.root,
    path: doc.path,
    kind: doc.kind,
    mtime: doc.mtimeMs,
    chunk_id: chunk.id,
    ord: chunk.ordinal,
    text: chunk.text,
    heading_path: chunk.headingPath,
    tokens: chunk.tokens,
    content_hash: chunk.contentHash,
    [SEARCH_FIELDS.title]: indexForm(doc.title ?? ""),
    [SEARCH_FIELDS.heading]: indexForm(chunk.headingPath.join(" / ")),
    [SEARCH_FIELDS.path]: indexForm(doc.path),
    [SEARCH_FIELDS.body]: indexForm(chunk.text),
  };
  if (chunk.lineStart !== undefined) source.line_start = chunk.lineStart;
  if (chunk.lineEnd !== undefined) source.line_end = chunk.lineEnd;
  if (chunk.page !== undefined) source.page = chunk.page;
  return source;
}

export function toChunk(source: ChunkSource): Chunk {
  const chunk: Chunk = {
    id: source.chunk_id,
    path: source.path,
    ordinal: source.ord,
    text: source.text,
    headingPath: source.heading_path,
    tokens: source.tokens,
    contentHash: source.content_hash,
  };
  if (source.line_start !== undefined) chunk.lineStart = source.line_start;
  if (source.line_end !== undefined) chunk.lineEnd = source.line_end;
  if (source.page !== undefined) chunk.page = source.page;
  return chunk;
}

/** Chunk fields a reader needs; search fields and vectors stay on the server. */
export const CHUNK_READ_FIELDS = [
  "key",
  "gen",
  "root",
  "path",
  "chunk_id",
  "ord",
  "text",
  "heading_path",
  "line_start",
  "line_end",
  "page",
  "tokens",
  "content_hash",
];

export const RECORD_LIST_EXCLUDES = [
  "doc_text",
  "text_grams",
  "sections",
  "metadata",
  "symbols",
  "symbol_names",
];
