/**
 * The one interface every index implements (SQLite by default, Elasticsearch later).
 * All methods are async so a network store fits; the SQLite store answers synchronously
 * under the hood. Every store must pass test/indexers/store-contract.ts.
 */
import type { Chunk, CodeSymbol, FileKind, Section, SymbolKind } from "../scanners/types.js";

export type DocumentStatus = "indexed" | "skipped" | "failed";

/** One row per file the pipeline has seen, whatever became of it. */
export interface DocumentRecord {
  /** Absolute root directory the path is relative to. */
  root: string;
  /** Root-relative POSIX path. */
  path: string;
  /**
   * Set on a document found inside a file rather than on disk (an e-mail's attachment): the
   * path of that file. Its own path is then `<container>#<name>` (scanners/parsers/embedded.ts),
   * and it is stored, replaced and deleted with its container (Store.upsertDocument).
   */
  container?: string;
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
  /**
   * What the parser read about the document besides its text: an e-mail's date and recipients,
   * OCR confidence, a page count's source... (ParsedDocument.metadata). Like sections, only
   * getDocument returns it.
   */
  metadata?: Record<string, string | number | boolean>;
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
  /**
   * Stores answer "lexical" (BM25 over `query`) and "semantic" (nearest neighbours of `vector`).
   * "hybrid" is fused above the store (src/search), from one lexical and one semantic search.
   */
  mode: SearchMode;
  filters?: SearchFilters;
  /** At most one hit per document (the best chunk). Default false. */
  onePerDocument?: boolean;
  /** The query's embedding, for mode "semantic"; made by the model of getVectorModel(). */
  vector?: Float32Array;
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
  /** Which rankings found the hit (set by hybrid fusion; a store sets its own mode). */
  matchedBy?: ("lexical" | "semantic")[];
}

/** The embedding model whose vectors a store holds. */
export interface VectorModel {
  /** Provider and model, e.g. "openai:text-embedding-3-small"; vectors of two ids never mix. */
  id: string;
  dimensions: number;
}

/** A chunk of an indexed document that has no vector yet. */
export interface PendingChunk {
  chunkId: string;
  contentHash: string;
  /** What gets embedded: the chunk text (the caller may prefix the heading path). */
  text: string;
  headingPath: string[];
  path: string;
}

export interface ChunkVector {
  chunkId: string;
  vector: Float32Array;
}

export interface TermFrequencies {
  /** Indexed documents in the store. */
  documents: number;
  /** For each asked term, the number of indexed documents containing it (as search matches it). */
  frequencies: Map<string, number>;
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
  /** DocumentRecord.container: a document that is not a file of the walk. */
  container?: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  status: DocumentStatus;
}

/** A catalog entry as every store builds it from its row: `container` only when there is one. */
export function catalogEntry(
  fields: Omit<CatalogEntry, "container">,
  container: string | null | undefined,
): CatalogEntry {
  return container === null || container === undefined ? fields : { ...fields, container };
}

export interface StoreStats {
  documents: number;
  chunks: number;
  byStatus: Record<DocumentStatus, number>;
  byKind: Partial<Record<FileKind, number>>;
  /** Bytes on disk used by the index, when the store can tell. */
  sizeBytes?: number;
  lastIndexedAt?: number;
  /**
   * How semantic search is served, when the store has vectors and can tell: every vector
   * scored (and why), or an approximate index and how many vectors changed since its file.
   */
  vectorSearch?:
    | { mode: "exact"; reason: string }
    | { mode: "approximate"; indexFile: string; changedSinceIndexFile: number };
}

/**
 * What every match of a grep pattern must contain, for the store's n-gram index: literals
 * combined with and/or. The store may answer with more documents than match (it is a
 * prefilter; the caller verifies the pattern on the text), never with fewer. Literals are
 * compared without case: the index folds case, and the caller's verification decides.
 */
export type TextQuery =
  | { literal: string }
  | { and: TextQuery[] }
  | { or: TextQuery[] }
  /** Matches every document: the pattern has no literal the index could use (a scan). */
  | { all: true };

export interface TextCandidatesRequest {
  query: TextQuery;
  filters?: SearchFilters;
  /** Resume at this document (inclusive), in (root, path) order. */
  from?: { root: string; path: string };
  /** Documents to return at most (capped at 1000). */
  limit: number;
}

/** An indexed document that may hold matches, with its stored text. */
export interface TextCandidate {
  root: string;
  path: string;
  kind: FileKind;
  /** Sections (pages for PDFs), to place a match. */
  sections?: Section[];
  text: string;
}

/** One document's replacement, as upsertDocument takes it. */
export interface DocumentWrite {
  doc: DocumentRecord;
  chunks: Chunk[];
  text?: string;
  /** The definitions in the document (code with a grammar), replaced with it. */
  symbols?: CodeSymbol[];
  /** The documents inside this one (see Store.upsertDocument); each has `container: doc.path`. */
  parts?: DocumentWrite[];
}

/** How a symbol query's name is compared with stored names (case-insensitive, exact case first). */
export type SymbolMatch = "exact" | "prefix" | "fuzzy";

export interface SymbolQuery {
  /** A name, a prefix, or for "fuzzy" the characters of a name in order ("pRqst" finds "parseRequest"). */
  name: string;
  match: SymbolMatch;
  kinds?: SymbolKind[];
  roots?: string[];
  pathPrefix?: string;
  pathGlob?: string;
  limit: number;
}

/** A stored definition and where it is. */
export interface SymbolHit extends CodeSymbol {
  root: string;
  path: string;
  /** Higher is better: exact case, then whole-name, then fuzzy closeness (indexers/symbol-match.ts). */
  score: number;
}

export interface Store {
  /**
   * Upserts worth keeping in flight at once, for a store that writes concurrent upserts in
   * shared round trips (Elasticsearch); the pipeline runs at least that many.
   */
  readonly writeConcurrency?: number;
  /**
   * Chunks per round of the vector backlog (list pending, write vectors), for a store whose
   * cost is per round trip and per segment rather than per vector (Elasticsearch); 64 without it.
   */
  readonly vectorBatchSize?: number;
  /**
   * Replaces the document, all its chunks and its extracted text atomically: a search never
   * sees half of it. Skipped and failed documents are upserted too, with no chunks.
   *
   * `parts`, when given, replace every document stored with `container` = doc.path (none: they
   * all go). A part never replaces a document that is a file of its own (no container) at the
   * same path: the file on disk wins, and a file written over a part replaces it.
   */
  upsertDocument(
    doc: DocumentRecord,
    chunks: Chunk[],
    text?: string,
    parts?: DocumentWrite[],
    symbols?: CodeSymbol[],
  ): Promise<void>;
  /**
   * upsertDocument for many documents in one commit: each is still replaced whole, and a crash
   * loses the whole batch or none of it. Optional: the pipeline upserts one by one without it.
   */
  upsertDocuments?(writes: DocumentWrite[]): Promise<void>;
  /** Records a new mtime for a document whose content hash did not change. */
  touchDocument(root: string, path: string, mtimeMs: number): Promise<void>;
  /** Deletes these documents and the documents inside them (their parts); counts the former. */
  deleteDocuments(root: string, paths: string[]): Promise<number>;
  getDocument(root: string, path: string): Promise<DocumentRecord | undefined>;
  /** Full extracted text of an indexed document, if stored. */
  getDocumentText(root: string, path: string): Promise<string | undefined>;
  getChunks(root: string, path: string): Promise<Chunk[]>;
  catalog(root: string): Promise<Map<string, CatalogEntry>>;
  documents(filter: DocumentFilter, page: Page): Promise<DocumentPage>;
  search(request: SearchRequest): Promise<SearchHit[]>;
  stats(): Promise<StoreStats>;
  /** Definitions of indexed documents whose name matches, best first, at most `limit`. */
  findSymbols(query: SymbolQuery): Promise<SymbolHit[]>;
  /** Document frequencies of single words, for key terms (analyze). */
  termDocumentFrequencies(terms: string[]): Promise<TermFrequencies>;
  /**
   * Indexed documents, in (root, path) order, that may contain every match of `query` (the
   * n-gram index), with their text: grep's candidates. `{ all: true }` lists every indexed
   * document that passes the filters.
   */
  textCandidates(request: TextCandidatesRequest): Promise<TextCandidate[]>;

  /** The model of the stored vectors, if any were ever declared. */
  getVectorModel(): Promise<VectorModel | undefined>;
  /**
   * Declares the embedding model. If it differs from the stored one, every stored vector is
   * dropped (vectors of two models never mix); chunks then wait for the new model's vectors.
   */
  setVectorModel(model: VectorModel): Promise<void>;
  /** Chunks of indexed documents without a vector, in a stable order, at most `limit`. */
  chunksWithoutVectors(limit: number): Promise<PendingChunk[]>;
  countChunksWithoutVectors(): Promise<number>;
  /** Stores vectors for chunks (ignoring chunk ids that no longer exist). */
  putVectors(vectors: ChunkVector[]): Promise<void>;

  /**
   * Optional: a full rebuild into a fresh index while the current one keeps serving searches
   * (Elasticsearch). After beginRebuild, writes (upsert, touch, putVectors) and the pipeline's
   * reads (catalog, chunksWithoutVectors, countChunksWithoutVectors) use the new index; search,
   * documents, stats, getDocument, getChunks, getDocumentText and termDocumentFrequencies keep
   * answering from the old one; deleteDocuments removes from both. finishRebuild makes the new
   * index the one everything uses, atomically for every reader, and deletes the old one;
   * abortRebuild deletes the new one and leaves the old one as it was.
   */
  beginRebuild?(): Promise<void>;
  finishRebuild?(): Promise<void>;
  abortRebuild?(): Promise<void>;

  close(): Promise<void>;
}

export type StoreErrorCode =
  /** Semantic or hybrid search on a store that has no embedder. */
  | "EMBEDDER_REQUIRED"
  /** The index was written by a newer schema than this code knows. */
  | "SCHEMA_TOO_NEW"
  /** A `Page.cursor` that this store did not issue. */
  | "INVALID_CURSOR"
  /** A query or stored vector whose model or dimensions differ from the store's vector model. */
  | "VECTOR_MISMATCH"
  /** A search mode the store does not answer itself ("hybrid" is fused above the store). */
  | "UNSUPPORTED_MODE"
  /** The store's server cannot be reached (Elasticsearch). */
  | "UNAVAILABLE"
  /** The store's server refused the credentials (Elasticsearch). */
  | "AUTH"
  /** The index is damaged (Elasticsearch: its alias is gone, or its mapping is not docindex's). */
  | "DAMAGED";

/** A store's own failure, with a code callers can branch on and a message a person can act on. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "StoreError";
  }
}

/**
 * The vector of a semantic request, or the StoreError every store gives: semantic search needs
 * the query's embedding (of the stored model's size), and hybrid is fused above the store.
 */
export function semanticRequestVector(request: SearchRequest, model?: VectorModel): Float32Array {
  if (request.vector === undefined) {
    throw new StoreError(
      "EMBEDDER_REQUIRED",
      `${request.mode} search requires an embedder: pass the query's embedding as request.vector, or use mode "lexical".`,
    );
  }
  if (request.mode === "hybrid") {
    throw new StoreError(
      "UNSUPPORTED_MODE",
      'Hybrid search is fused above the store from one "lexical" and one "semantic" search.',
    );
  }
  if (model !== undefined && request.vector.length !== model.dimensions) {
    throw new StoreError(
      "VECTOR_MISMATCH",
      `The query vector has ${request.vector.length} dimensions; the index holds ${model.id} vectors of ${model.dimensions}.`,
    );
  }
  return request.vector;
}
