/**
 * The one interface every index implements (SQLite by default, Elasticsearch later).
 * All methods are async so a network store fits; the SQLite store answers synchronously
 * under the hood. Every store must pass test/indexers/store-contract.ts.
 */
import type { Chunk, FileKind, Section } from "../scanners/types.js";

export type DocumentStatus = "indexed" | "skipped" | "failed";

/** One row per file the pipeline has seen, whatever became of it. */
export interface DocumentRecord {
  /** Absolute root directory the path is relative to. */
  root: string;
  /** Root-relative POSIX path. */
  path: string;
  kind: FileKind;
  size: number;
  mtimeMs: number;
  sha256: string;
  status: DocumentStatus;
  /** Plain reason for skipped and failed documents ("binary", "encrypted: password required"). */
  reason?: string;
  title?: string;
  language?: string;
  pageCount?: number;
  /** Outline of the extracted text (headings, pages). */
  sections?: Section[];
  /** When the pipeline wrote this row (ms since epoch). */
  indexedAt: number;
  /** Number of chunks stored for the document. */
  chunkCount?: number;
}

export interface SearchFilters {
  /** Only these roots (absolute). */
  roots?: string[];
  /** Root-relative path prefix, e.g. "docs/". */
  pathPrefix?: string;
  /** Glob on the root-relative path, e.g. "src/**\/*.ts" (picomatch-like: *, **, ?, [..], {a,b}). */
  pathGlob?: string;
  kinds?: FileKind[];
  /** Only documents whose mtime is at or after this (ms since epoch). */
  modifiedSinceMs?: number;
}

export type SearchMode = "lexical" | "semantic" | "hybrid";

export interface SearchRequest {
  query: string;
  limit: number;
  mode: SearchMode;
  filters?: SearchFilters;
  /** At most one hit per document (the best chunk). Default false. */
  onePerDocument?: boolean;
}

export interface SearchHit {
  root: string;
  path: string;
  kind: FileKind;
  title?: string;
  chunkId: string;
  ordinal: number;
  /** Higher is better. Lexical: negated BM25 so that higher wins. */
  score: number;
  /** Short excerpt around the matched terms. */
  snippet: string;
  /** The whole chunk text. */
  text: string;
  headingPath: string[];
  lineStart?: number;
  lineEnd?: number;
  page?: number;
}

export interface DocumentFilter {
  roots?: string[];
  pathPrefix?: string;
  statuses?: DocumentStatus[];
  kinds?: FileKind[];
}

export interface Page {
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
  limit: number;
}

export interface DocumentPage {
  items: DocumentRecord[];
  nextCursor?: string;
}

/** What the incremental diff needs to know about a stored document, keyed by path. */
export interface CatalogEntry {
  size: number;
  mtimeMs: number;
  sha256: string;
  status: DocumentStatus;
}

export interface StoreStats {
  documents: number;
  chunks: number;
  byStatus: Record<DocumentStatus, number>;
  byKind: Partial<Record<FileKind, number>>;
  /** Bytes on disk used by the index, when the store can tell. */
  sizeBytes?: number;
  lastIndexedAt?: number;
}

export interface Store {
  /**
   * Replaces the document, all its chunks and its extracted text atomically: a search never
   * sees half of it. Skipped and failed documents are upserted too, with no chunks.
   */
  upsertDocument(doc: DocumentRecord, chunks: Chunk[], text?: string): Promise<void>;
  /** Records a new mtime for a document whose content hash did not change. */
  touchDocument(root: string, path: string, mtimeMs: number): Promise<void>;
  deleteDocuments(root: string, paths: string[]): Promise<number>;
  getDocument(root: string, path: string): Promise<DocumentRecord | undefined>;
  /** Full extracted text of an indexed document, if stored. */
  getDocumentText(root: string, path: string): Promise<string | undefined>;
  getChunks(root: string, path: string): Promise<Chunk[]>;
  catalog(root: string): Promise<Map<string, CatalogEntry>>;
  documents(filter: DocumentFilter, page: Page): Promise<DocumentPage>;
  search(request: SearchRequest): Promise<SearchHit[]>;
  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}
