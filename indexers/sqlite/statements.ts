/** Every fixed statement the store runs, prepared once per connection. */
import type Database from "better-sqlite3";

export const DOCUMENT_COLUMNS = `d.id, d.root, d.path, d.container, d.kind, d.size, d.mtime_ms, d.sha256, d.status, d.reason,
  d.title, d.language, d.page_count, d.indexed_at, d.chunk_count`;

export function prepareStatements(db: Database.Database) {
  return {
    upsertDoc: db
      .prepare(
        `
      INSERT INTO documents (root, path, container, kind, size, mtime_ms, sha256, status, reason, title,
        language, page_count, sections, metadata, indexed_at, chunk_count)
      VALUES (@root, @path, @container, @kind, @size, @mtimeMs, @sha256, @status, @reason, @title,
        @language, @pageCount, @sections, @metadata, @indexedAt, @chunkCount)
      ON CONFLICT (root, path) DO UPDATE SET container = excluded.container, kind = excluded.kind,
        size = excluded.size,
        mtime_ms = excluded.mtime_ms, sha256 = excluded.sha256, status = excluded.status,
        reason = excluded.reason, title = excluded.title, language = excluded.language,
        page_count = excluded.page_count, sections = excluded.sections, metadata = excluded.metadata,
        indexed_at = excluded.indexed_at, chunk_count = excluded.chunk_count
      RETURNING id`,
      )
      .pluck(),
    docId: db.prepare("SELECT id FROM documents WHERE root = ? AND path = ?").pluck(),
    docSlot: db.prepare("SELECT id, container FROM documents WHERE root = ? AND path = ?"),
    partIds: db
      .prepare(
        "SELECT id FROM documents WHERE root = ? AND container = ? AND container IS NOT NULL",
      )
      .pluck(),
    deleteFts: db.prepare(
      "DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE doc_id = ?)",
    ),
    deleteChunks: db.prepare("DELETE FROM chunks WHERE doc_id = ?"),
    deleteText: db.prepare("DELETE FROM document_text WHERE doc_id = ?"),
    deleteSymbols: db.prepare("DELETE FROM symbols WHERE doc_id = ?"),
    insertSymbol: db.prepare(
      `INSERT INTO symbols (doc_id, name, name_folded, kind, container, line_start, line_end, name_line, signature)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    deleteDoc: db.prepare("DELETE FROM documents WHERE id = ?"),
    insertText: db.prepare("INSERT INTO document_text (doc_id, text, gaps) VALUES (?, ?, ?)"),
    insertChunk: db.prepare(`
      INSERT INTO chunks (doc_id, chunk_id, ordinal, text, heading_path, line_start, line_end, page, tokens,
        content_hash, embedded)
      VALUES (@docId, @chunkId, @ordinal, @text, @headingPath, @lineStart, @lineEnd, @page, @tokens, @contentHash,
        EXISTS (SELECT 1 FROM chunk_vectors WHERE chunk_id = @chunkId))`),
    chunkIds: db.prepare("SELECT chunk_id FROM chunks WHERE doc_id = ?").pluck(),
    insertFts: db.prepare(
      "INSERT INTO chunks_fts (rowid, title, heading, path, body) VALUES (?, ?, ?, ?, ?)",
    ),
    insertGrams: db.prepare("INSERT INTO text_grams (rowid, text) VALUES (?, ?)"),
    deleteGrams: db.prepare("DELETE FROM text_grams WHERE rowid = ?"),
    deleteGramsMissing: db.prepare("DELETE FROM text_grams_missing WHERE doc_id = ?"),
    insertGramsMissing: db.prepare("INSERT OR IGNORE INTO text_grams_missing (doc_id) VALUES (?)"),
    touch: db.prepare("UPDATE documents SET mtime_ms = ? WHERE root = ? AND path = ?"),
    getDoc: db.prepare(
      `SELECT ${DOCUMENT_COLUMNS}, d.sections, d.metadata FROM documents d WHERE d.root = ? AND d.path = ?`,
    ),
    getText: db.prepare(
      "SELECT t.doc_id, t.text, t.gaps FROM document_text t JOIN documents d ON d.id = t.doc_id WHERE d.root = ? AND d.path = ?",
    ),
    chunkTexts: db.prepare("SELECT text FROM chunks WHERE doc_id = ? ORDER BY ordinal").pluck(),
    getChunks: db.prepare(`
      SELECT c.chunk_id, c.ordinal, c.text, c.heading_path, c.line_start, c.line_end, c.page, c.tokens, c.content_hash
      FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE d.root = ? AND d.path = ? ORDER BY c.ordinal`),
    countIndexed: db.prepare("SELECT count(*) FROM documents WHERE status = 'indexed'").pluck(),
    catalog: db.prepare(
      "SELECT path, container, size, mtime_ms, sha256, status FROM documents WHERE root = ?",
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
