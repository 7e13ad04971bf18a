/**
 * The SQLite schema and its migrations. The version lives in a table rather than in
 * PRAGMA user_version so it is visible to anyone inspecting the file with the sqlite3 shell.
 */
import type Database from "better-sqlite3";
import { StoreError } from "../store.js";

/** FTS5 column order; bm25() weights are given in this order too. */
export const FTS_COLUMNS = ["title", "heading", "path", "body"] as const;

/** The FTS5 tokenizer; the indexing benchmark's raw baseline uses the same one. */
export const FTS_TOKENIZER = "porter unicode61 remove_diacritics 2";

/** grep's n-gram index tokenizer: FTS5's trigrams, case folded, diacritics kept. */
export const GRAM_TOKENIZER = "trigram case_sensitive 0";

const MIGRATIONS: string[] = [
  `
  CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    root        TEXT NOT NULL,
    path        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    mtime_ms    REAL NOT NULL,
    sha256      TEXT NOT NULL,
    status      TEXT NOT NULL,
    reason      TEXT,
    title       TEXT,
    language    TEXT,
    page_count  INTEGER,
    sections    TEXT,
    indexed_at  INTEGER NOT NULL,
    chunk_count INTEGER NOT NULL DEFAULT 0,
    UNIQUE (root, path)
  );
  CREATE INDEX documents_indexed_at ON documents (indexed_at);

  CREATE TABLE document_text (
    doc_id INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    text   TEXT NOT NULL
  );

  CREATE TABLE chunks (
    id           INTEGER PRIMARY KEY,
    doc_id       INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    chunk_id     TEXT NOT NULL,
    ordinal      INTEGER NOT NULL,
    text         TEXT NOT NULL,
    heading_path TEXT NOT NULL,
    line_start   INTEGER,
    line_end     INTEGER,
    page         INTEGER,
    tokens       INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    -- 1 when chunk_vectors holds a vector for chunk_id; the partial index below lists the
    -- backlog in rowid order without scanning the embedded chunks.
    embedded     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (doc_id, ordinal)
  );
  CREATE INDEX chunks_chunk_id ON chunks (chunk_id);
  CREATE INDEX chunks_pending ON chunks (id) WHERE embedded = 0;

  CREATE TABLE vector_model (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    model_id   TEXT NOT NULL,
    dimensions INTEGER NOT NULL
  );

  -- Keyed by chunk id, not chunk row: replacing a document keeps the vectors of its unchanged
  -- chunks, whose ids are content-derived.
  CREATE TABLE chunk_vectors (
    id       INTEGER PRIMARY KEY,
    chunk_id TEXT NOT NULL UNIQUE,
    vector   BLOB NOT NULL
  );

  CREATE VIRTUAL TABLE chunks_fts USING fts5 (
    ${FTS_COLUMNS.join(", ")},
    content = '',
    contentless_delete = 1,
    tokenize = '${FTS_TOKENIZER}'
  );
  `,
  // gaps (JSON array): the text is stored as the gaps between its chunks (text-gaps.ts) and
  // text holds ''. NULL: text holds the whole text, as every row of version 1 does.
  `ALTER TABLE document_text ADD COLUMN gaps TEXT;`,
  // The approximate nearest-neighbour index (ann/) is a file derived from chunk_vectors; the
  // log tells each process which rows changed since the state its copy holds. Triggers write
  // it, so no code path that changes a vector can forget to. A row of the log names a vector
  // id only: replaying it reads that row's current state, so a replay is idempotent.
  // generation: a random token per (index, model); an index file of another one is not ours.
  // floor: the log below it was deleted, after an index file at or above it was saved.
  `
  ALTER TABLE vector_model ADD COLUMN generation TEXT NOT NULL DEFAULT '';
  UPDATE vector_model SET generation = lower(hex(randomblob(8)));
  CREATE TABLE vector_log (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    vector_id INTEGER NOT NULL
  );
  CREATE TABLE vector_log_floor (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    seq       INTEGER NOT NULL
  );
  INSERT INTO vector_log_floor (singleton, seq) VALUES (1, 0);
  INSERT INTO vector_log (vector_id) SELECT id FROM chunk_vectors;
  CREATE TRIGGER chunk_vectors_log_insert AFTER INSERT ON chunk_vectors
    BEGIN INSERT INTO vector_log (vector_id) VALUES (new.id); END;
  CREATE TRIGGER chunk_vectors_log_update AFTER UPDATE ON chunk_vectors
    BEGIN INSERT INTO vector_log (vector_id) VALUES (new.id); END;
  CREATE TRIGGER chunk_vectors_log_delete AFTER DELETE ON chunk_vectors
    BEGIN INSERT INTO vector_log (vector_id) VALUES (old.id); END;
  `,
  // container: set on a document found inside a file (an e-mail's attachment), to that file's
  // path; replaced and deleted with it. The index finds a container's parts.
  `
  ALTER TABLE documents ADD COLUMN container TEXT;
  ALTER TABLE documents ADD COLUMN metadata TEXT;
  CREATE INDEX documents_container ON documents (root, container) WHERE container IS NOT NULL;
  `,
  // Definitions tree-sitter found in code (scanners/syntax), replaced with their document.
  // name_folded (lower case) serves exact, prefix (a range on the index) and fuzzy (LIKE) lookups.
  `
  CREATE TABLE symbols (
    id          INTEGER PRIMARY KEY,
    doc_id      INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    kind        TEXT NOT NULL,
    container   TEXT NOT NULL,
    line_start  INTEGER NOT NULL,
    line_end    INTEGER NOT NULL,
    name_line   INTEGER NOT NULL,
    signature   TEXT NOT NULL
  );
  CREATE INDEX symbols_name ON symbols (name_folded);
  CREATE INDEX symbols_doc ON symbols (doc_id);
  `,
  // grep's n-gram index (text_grams): every trigram of each indexed document's whole text,
  // rowid = documents.id. Contentless (the text is in document_text) and detail=none (which
  // documents hold a trigram, not where: grep verifies the pattern on the text anyway), so it
  // costs the trigram lists and nothing else. Documents indexed before it have no row:
  // text_grams_missing lists them, grep scans them, and their next write (or a full reindex)
  // fills them in.
  `
  CREATE VIRTUAL TABLE text_grams USING fts5 (
    text,
    content = '',
    contentless_delete = 1,
    detail = 'none',
    tokenize = '${GRAM_TOKENIZER}'
  );
  CREATE TABLE text_grams_missing (doc_id INTEGER PRIMARY KEY);
  INSERT INTO text_grams_missing (doc_id) SELECT doc_id FROM document_text;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database.Database): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  // Read and upgrade under one write lock, so two processes opening a new index agree.
  const apply = db.transaction(() => {
    const row = db.prepare("SELECT max(version) AS version FROM schema_version").get() as {
      version: number | null;
    };
    const current = row.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new StoreError(
        "SCHEMA_TOO_NEW",
        `The index was written by a newer docindex (schema ${current}, this one knows ${SCHEMA_VERSION}). Upgrade docindex or delete the index file to rebuild it.`,
      );
    }
    for (let v = current; v < SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v] ?? "");
      db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(v + 1);
    }
  });
  apply.immediate();
}
