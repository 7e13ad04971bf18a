/**
 * The default Store: one SQLite file in WAL mode. Readers (the MCP server's tools, a CLI in
 * another process) never block the writer and always see whole documents, because every
 * document is replaced inside one transaction; a crash rolls back to the last commit.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { Chunk, CodeSymbol, Section } from "../../scanners/types.js";
import {
  catalogEntry,
  semanticRequestVector,
  type CatalogEntry,
  type DocumentFilter,
  type DocumentPage,
  type DocumentRecord,
  type DocumentStatus,
  type DocumentWrite,
  type Page,
  type SearchHit,
  type SearchRequest,
  type Store,
  type StoreStats,
  type TermFrequencies,
  type VectorModel,
  type PendingChunk,
  type ChunkVector,
  type SymbolHit,
  type SymbolQuery,
  type TextCandidate,
  type TextCandidatesRequest,
} from "../store.js";
import { foldName } from "../symbol-match.js";
import { findSymbols } from "./symbols.js";
import { TextCandidates } from "./text-candidates.js";
import { decodeCursor, encodeCursor } from "../cursor.js";
import { documentConditions, registerGlob } from "./filters.js";
import type { QueryOptions } from "./query.js";
import {
  toChunk,
  toDocumentRecord,
  type ChunkRow,
  type DocumentRow,
  type TextRow,
} from "./rows.js";
import { joinGaps, textGaps } from "./text-gaps.js";
import { migrate } from "./schema.js";
import { documentFrequency, lexicalSearch, semanticSearch, type ColumnWeights } from "./search.js";
import { segmentForIndex } from "../text/segment.js";
import { registerDistance, registerJsDistance, VECTOR_PAGE_SIZE, VectorTable } from "./vectors.js";
import { DOCUMENT_COLUMNS, prepareStatements, type Statements } from "./statements.js";
import { AnnReader, type SearchPlan } from "./ann/ann-reader.js";
import { AnnRefresher, type StoreLog } from "./ann/refresher.js";
import { annFiles } from "./ann/usearch-file.js";

export interface SqliteStoreOptions {
  /** bm25() weight per FTS column; see README.md for how the defaults were tuned. */
  weights?: Partial<ColumnWeights>;
  /** Query parsing (stopwords, term de-duplication). */
  query?: QueryOptions;
  /** How long a write waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
  /** Open an existing index without writing to it. */
  readonly?: boolean;
  /**
   * Use the sqlite-vec extension for vector distances (default). false, or a platform without
   * its prebuilt binary, uses an equivalent JavaScript function.
   */
  sqliteVec?: boolean;
  /**
   * Keep the approximate vector index's file up to date in a worker (default true). The
   * benchmark turns it off to time exact search and the build apart.
   */
  refreshVectorIndex?: boolean;
  /**
   * Keep grep's n-gram index (text_grams) for new writes (default true). false lists written
   * documents in text_grams_missing instead, so grep scans them: the benchmark's measure of
   * what the index costs to build.
   */
  ngramIndex?: boolean;
  /** Where the store reports what it did on its own (the vector index's refreshes); stderr by default. */
  log?: StoreLog;
}

/** One JSON line per event on stderr: stdout may belong to JSON-RPC. */
const stderrLog: StoreLog = (level, message, fields) =>
  void process.stderr.write(`${JSON.stringify({ level, msg: message, ...fields })}\n`);

/** rowid, then the FTS_COLUMNS in order. */
type FtsRow = [rowid: number | bigint, title: string, heading: string, path: string, body: string];

export const DEFAULT_WEIGHTS: ColumnWeights = { title: 2, heading: 1, path: 1, body: 1.5 };

/** Documents listed per page at most. */
export const MAX_PAGE_LIMIT = 1000;

export class SqliteStore implements Store {
  private readonly weights: ColumnWeights;
  private readonly statements: Statements;
  private readonly vectors: VectorTable;
  /**
   * The FTS rows of the transaction in progress, inserted after every other row of it. FTS5
   * writes its pending terms to disk as a new segment whenever a statement in the transaction
   * opens a savepoint (an upsert, an insert with a subquery), so interleaving its inserts with
   * the documents' and chunks' rows wrote one tiny segment per document and merged them again:
   * twice the CPU of the whole write on SciFact (bench/README.md, `index`). Keyed by document,
   * so a document written twice in one batch keeps only its last chunks' rows.
   */
  private readonly pendingFts = new Map<number, FtsRow[]>();
  /** Each document's text for grep's n-gram index (text_grams), written last for the same reason. */
  private readonly pendingGrams = new Map<number, string>();
  private readonly deleteTx: Database.Transaction<(root: string, paths: string[]) => number>;
  private readonly upsertManyTx: Database.Transaction<(writes: DocumentWrite[]) => void>;
  /** Maps the approximate index's newest file for semantic search (ann/). */
  private readonly ann: AnnReader;
  /** grep's candidate lists, kept while the index is unchanged. */
  private readonly candidates: TextCandidates;
  /** Keeps that file up to date; only a writable store on a file has one. */
  private readonly refresher: AnnRefresher | undefined;

  constructor(
    readonly db: Database.Database,
    readonly dbPath: string,
    private readonly options: SqliteStoreOptions = {},
    /** The SQL function computing cosine distance between two float32 BLOBs. */
    private readonly distanceFunction = "vec_distance_cosine",
  ) {
    this.weights = { ...DEFAULT_WEIGHTS, ...options.weights };
    this.statements = prepareStatements(db);
    this.vectors = new VectorTable(db);
    this.candidates = new TextCandidates(db);
    const log = options.log ?? stderrLog;
    this.ann = new AnnReader(dbPath, (message, fields) => log("warn", message, fields));
    const onFile = dbPath !== ":memory:" && dbPath !== "";
    const refreshes = onFile && !options.readonly && options.refreshVectorIndex !== false;
    this.refresher = refreshes ? new AnnRefresher(db, dbPath, log) : undefined;
    this.deleteTx = db.transaction(this.remove);
    // A commit costs about as much as writing a small document: batching them is most of the
    // difference between a per-document transaction and a raw bulk insert.
    this.upsertManyTx = db.transaction((writes: DocumentWrite[]) => {
      try {
        for (const w of writes) this.replaceWithParts(w);
        for (const rows of this.pendingFts.values())
          for (const row of rows) this.statements.insertFts.run(...row);
        for (const [id, text] of this.pendingGrams) this.statements.insertGrams.run(id, text);
      } finally {
        this.pendingFts.clear();
        this.pendingGrams.clear();
      }
    });
  }

  /** A document and, when given, the documents inside it (Store.upsertDocument). */
  private replaceWithParts(write: DocumentWrite): void {
    const { doc, parts } = write;
    const replacing = this.replace(doc, write.chunks, write.text, write.symbols);
    if (parts === undefined) return;
    if (replacing) {
      for (const id of this.statements.partIds.all(doc.root, doc.path) as number[])
        this.removeRow(id);
    }
    for (const part of parts) {
      const slot = this.statements.docSlot.get(part.doc.root, part.doc.path) as
        { id: number; container: string | null } | undefined;
      // A file of that name on disk wins over the attachment.
      if (slot !== undefined && slot.container === null) continue;
      this.replace({ ...part.doc, container: doc.path }, part.chunks, part.text, part.symbols);
    }
  }

  /** Writes one document row with its chunks and text; true when it replaced a stored one. */
  private replace(
    doc: DocumentRecord,
    chunks: Chunk[],
    text: string | undefined,
    symbols: CodeSymbol[] | undefined,
  ): boolean {
    const s = this.statements;
    // A new document (every one of a cold run) has nothing to delete: one probe instead of
    // four statements and the vector-orphan checks.
    const replacing = s.docId.get(doc.root, doc.path) !== undefined;
    const id = s.upsertDoc.get({
      root: doc.root,
      path: doc.path,
      container: doc.container ?? null,
      kind: doc.kind,
      size: doc.size,
      mtimeMs: doc.mtimeMs,
      sha256: doc.sha256,
      status: doc.status,
      reason: doc.reason ?? null,
      title: doc.title ?? null,
      language: doc.language ?? null,
      pageCount: doc.pageCount ?? null,
      sections: doc.sections === undefined ? null : JSON.stringify(doc.sections),
      metadata: doc.metadata === undefined ? null : JSON.stringify(doc.metadata),
      indexedAt: doc.indexedAt,
      chunkCount: chunks.length,
    }) as number;
    const oldIds = replacing ? (s.chunkIds.all(id) as string[]) : [];
    if (replacing) this.deleteContent(id);
    this.pendingGrams.delete(id);
    if (text !== undefined && doc.status === "indexed") {
      if (this.options.ngramIndex === false) s.insertGramsMissing.run(id);
      else this.pendingGrams.set(id, text);
    }
    for (const sym of symbols ?? [])
      s.insertSymbol.run(
        id,
        sym.name,
        foldName(sym.name),
        sym.kind,
        sym.container,
        sym.lineStart,
        sym.lineEnd,
        sym.nameLine,
        sym.signature,
      );
    if (text !== undefined) {
      const gaps = textGaps(text, chunks);
      if (gaps === undefined) s.insertText.run(id, text, null);
      else s.insertText.run(id, "", JSON.stringify(gaps));
    }
    const title = segmentForIndex(doc.title ?? "");
    const docPath = segmentForIndex(doc.path);
    const ftsRows: FtsRow[] = [];
    this.pendingFts.set(id, ftsRows);
    for (const chunk of chunks) {
      const headingPath = JSON.stringify(chunk.headingPath);
      const rowid = s.insertChunk.run({
        docId: id,
        chunkId: chunk.id,
        ordinal: chunk.ordinal,
        text: chunk.text,
        headingPath,
        lineStart: chunk.lineStart ?? null,
        lineEnd: chunk.lineEnd ?? null,
        page: chunk.page ?? null,
        tokens: chunk.tokens,
        contentHash: chunk.contentHash,
      }).lastInsertRowid;
      ftsRows.push([
        rowid,
        title,
        segmentForIndex(chunk.headingPath.join(" / ")),
        docPath,
        segmentForIndex(chunk.text),
      ]);
    }
    this.vectors.dropOrphans(oldIds);
    return replacing;
  }

  private readonly remove = (root: string, paths: string[]): number => {
    const s = this.statements;
    let deleted = 0;
    for (const p of paths) {
      const id = s.docId.get(root, p) as number | undefined;
      if (id === undefined) continue;
      for (const partId of s.partIds.all(root, p) as number[]) this.removeRow(partId);
      this.removeRow(id);
      deleted++;
    }
    return deleted;
  };

  /** Everything stored for a document but its row: a replacement writes it anew. */
  private deleteContent(id: number): void {
    const s = this.statements;
    s.deleteFts.run(id);
    s.deleteChunks.run(id);
    s.deleteText.run(id);
    s.deleteSymbols.run(id);
    s.deleteGrams.run(id);
    s.deleteGramsMissing.run(id);
  }

  /** One document row, its chunks, text and now unused vectors. */
  private removeRow(id: number): void {
    const s = this.statements;
    const oldIds = s.chunkIds.all(id) as string[];
    this.deleteContent(id);
    s.deleteDoc.run(id);
    // Rows this batch was about to add to the full-text indexes (a part written earlier in it).
    this.pendingFts.delete(id);
    this.pendingGrams.delete(id);
    this.vectors.dropOrphans(oldIds);
  }

  async upsertDocument(...write: Parameters<Store["upsertDocument"]>): Promise<void> {
    const [doc, chunks, text, parts, symbols] = write;
    this.upsertManyTx.immediate([
      { doc, chunks, text, ...(parts ? { parts } : {}), ...(symbols ? { symbols } : {}) },
    ]);
  }

  async upsertDocuments(writes: DocumentWrite[]): Promise<void> {
    this.upsertManyTx.immediate(writes);
  }

  async touchDocument(root: string, docPath: string, mtimeMs: number): Promise<void> {
    this.statements.touch.run(mtimeMs, root, docPath);
  }

  async deleteDocuments(root: string, paths: string[]): Promise<number> {
    return this.deleteTx.immediate(root, paths);
  }

  async getDocument(root: string, docPath: string): Promise<DocumentRecord | undefined> {
    const row = this.statements.getDoc.get(root, docPath) as DocumentRow | undefined;
    return row === undefined ? undefined : toDocumentRecord(row);
  }

  async getDocumentText(root: string, docPath: string): Promise<string | undefined> {
    // One read transaction: the gaps and the chunks they sit between come from the same commit.
    return this.db.transaction(() => {
      const row = this.statements.getText.get(root, docPath) as TextRow | undefined;
      return row === undefined ? undefined : this.textOf(row);
    })();
  }

  async getChunks(root: string, docPath: string): Promise<Chunk[]> {
    const rows = this.statements.getChunks.all(root, docPath) as ChunkRow[];
    return rows.map((row) => toChunk(docPath, row));
  }

  async catalog(root: string): Promise<Map<string, CatalogEntry>> {
    const rows = this.statements.catalog.all(root) as Pick<
      DocumentRow,
      "path" | "container" | "size" | "mtime_ms" | "sha256" | "status"
    >[];
    return new Map(
      rows.map((r) => [
        r.path,
        catalogEntry(
          {
            size: r.size,
            mtimeMs: r.mtime_ms,
            sha256: r.sha256,
            status: r.status as DocumentStatus,
          },
          r.container,
        ),
      ]),
    );
  }

  async documents(filter: DocumentFilter, page: Page): Promise<DocumentPage> {
    const limit = Math.max(1, Math.min(Math.floor(page.limit) || 1, MAX_PAGE_LIMIT));
    const conditions = documentConditions(filter);
    if (page.cursor !== undefined) {
      conditions.where.push("(d.root, d.path) > (?, ?)");
      conditions.params.push(...decodeCursor(page.cursor));
    }
    const where = conditions.where.length > 0 ? `WHERE ${conditions.where.join(" AND ")}` : "";
    const rows = this.db
      .prepare(
        `SELECT ${DOCUMENT_COLUMNS} FROM documents d ${where} ORDER BY d.root, d.path LIMIT ?`,
      )
      .all(...conditions.params, limit + 1) as DocumentRow[];
    const items = rows.slice(0, limit).map(toDocumentRecord);
    const last = items[items.length - 1];
    return rows.length > limit && last !== undefined
      ? { items, nextCursor: encodeCursor(last.root, last.path) }
      : { items };
  }

  async search(request: SearchRequest): Promise<SearchHit[]> {
    const queryOptions = this.options.query ?? {};
    if (request.mode === "lexical")
      return lexicalSearch(this.db, request, this.weights, queryOptions);
    semanticRequestVector(request);
    const model = this.vectors.model();
    if (model === undefined) return [];
    const vector = semanticRequestVector(request, model);
    return semanticSearch(this.db, request, vector, this.distanceFunction, queryOptions, this.ann);
  }

  async findSymbols(query: SymbolQuery): Promise<SymbolHit[]> {
    return findSymbols(this.db, query);
  }

  async textCandidates(request: TextCandidatesRequest): Promise<TextCandidate[]> {
    return this.db.transaction(() =>
      this.candidates.page(request).map((row) => ({
        root: row.root,
        path: row.path,
        kind: row.kind as TextCandidate["kind"],
        ...(row.sections === null ? {} : { sections: JSON.parse(row.sections) as Section[] }),
        text: this.textOf(row),
      })),
    )();
  }

  /** A document's text from its document_text row (whole, or gaps between its chunks). */
  private textOf(row: TextRow): string {
    if (row.gaps === null) return row.text;
    const chunkTexts = this.statements.chunkTexts.all(row.doc_id) as string[];
    return joinGaps(JSON.parse(row.gaps) as string[], chunkTexts);
  }

  async termDocumentFrequencies(terms: string[]): Promise<TermFrequencies> {
    return this.db.transaction(() => ({
      documents: this.statements.countIndexed.get() as number,
      frequencies: new Map(terms.map((term) => [term, documentFrequency(this.db, term)])),
    }))();
  }

  async getVectorModel(): Promise<VectorModel | undefined> {
    return this.vectors.model();
  }

  async setVectorModel(model: VectorModel): Promise<void> {
    this.vectors.setModel(model);
    this.refresher?.poke();
  }

  async chunksWithoutVectors(limit: number): Promise<PendingChunk[]> {
    return this.vectors.pending(limit);
  }

  async countChunksWithoutVectors(): Promise<number> {
    return this.vectors.countPending();
  }

  async putVectors(vectors: ChunkVector[]): Promise<void> {
    this.vectors.put(vectors);
    this.refresher?.poke();
  }

  /** How the last semantic search was served (approximate or exact, and why). */
  lastSearchPlan(): SearchPlan | undefined {
    return this.ann.lastPlan;
  }

  /**
   * Resolves once the approximate vector index has caught up with the stored vectors (it
   * refreshes in a worker, after writes); until then searches score the difference exactly.
   */
  async vectorIndexSettled(): Promise<void> {
    await this.refresher?.settled();
  }

  async stats(): Promise<StoreStats> {
    // One read transaction, so the counts agree with each other while a writer is busy.
    return this.db.transaction(() => {
      const byStatus: Record<DocumentStatus, number> = { indexed: 0, skipped: 0, failed: 0 };
      for (const r of this.db
        .prepare("SELECT status, count(*) AS n FROM documents GROUP BY status")
        .all() as {
        status: DocumentStatus;
        n: number;
      }[]) {
        byStatus[r.status] = r.n;
      }
      const byKind: StoreStats["byKind"] = {};
      for (const r of this.db
        .prepare("SELECT kind, count(*) AS n FROM documents GROUP BY kind")
        .all() as {
        kind: keyof StoreStats["byKind"];
        n: number;
      }[]) {
        byKind[r.kind] = r.n;
      }
      const totals = this.db
        .prepare(
          "SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM chunks) AS chunks, (SELECT max(indexed_at) FROM documents) AS last",
        )
        .get() as { documents: number; chunks: number; last: number | null };
      const stats: StoreStats = {
        documents: totals.documents,
        chunks: totals.chunks,
        byStatus,
        byKind,
      };
      const size = this.sizeOnDisk();
      if (size !== undefined) stats.sizeBytes = size;
      if (totals.last !== null) stats.lastIndexedAt = totals.last;
      if (this.vectors.model() !== undefined) stats.vectorSearch = this.ann.describe(this.db);
      return stats;
    })();
  }

  /** Merges FTS5 segments; worth running after a full reindex, never needed for correctness. */
  async optimize(): Promise<void> {
    this.db.prepare("INSERT INTO chunks_fts (chunks_fts) VALUES ('optimize')").run();
  }

  async close(): Promise<void> {
    await this.refresher?.close();
    if (!this.db.open) return;
    if (!this.db.readonly) this.db.pragma("optimize");
    this.db.close();
  }

  private sizeOnDisk(): number | undefined {
    if (this.dbPath === ":memory:" || this.dbPath === "") return undefined;
    let total = 0;
    // The vector graph's file is part of the index too (a GB at a million vectors).
    const graphs = annFiles(this.dbPath).map((f) => f.path);
    for (const file of [this.dbPath, `${this.dbPath}-wal`, ...graphs]) {
      try {
        total += fs.statSync(file).size;
      } catch {
        // The WAL file exists only while a connection has it open.
      }
    }
    return total;
  }
}

export async function openSqliteStore(
  dbPath: string,
  options: SqliteStoreOptions = {},
): Promise<SqliteStore> {
  const inMemory = dbPath === ":memory:" || dbPath === "";
  if (!inMemory && !options.readonly)
    fs.mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true });
  const db = new Database(dbPath, options.readonly ? { readonly: true, fileMustExist: true } : {});
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    // A new file only (the size of an existing one's pages is fixed): 8 KiB pages hold five
    // 1.5 KB vectors where 4 KiB pages hold two, so chunk_vectors takes 1.1x the bytes of its
    // vectors instead of 1.34x.
    if (!options.readonly) db.pragma(`page_size = ${VECTOR_PAGE_SIZE}`);
    if (!options.readonly) {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
    }
    db.pragma("foreign_keys = ON");
    registerGlob(db);
    const distance = options.sqliteVec === false ? registerJsDistance(db) : registerDistance(db);
    if (!options.readonly) migrate(db);
    return new SqliteStore(db, inMemory ? ":memory:" : path.resolve(dbPath), options, distance);
  } catch (error) {
    db.close();
    throw error;
  }
}
