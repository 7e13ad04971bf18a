/**
 * Content-addressed embedding cache: (model id, sha256 of the exact input text) → vector. It
 * lives in its own SQLite file, apart from the index, so that rebuilding the index, or moving it
 * from SQLite to Elasticsearch, re-uses every vector already paid for.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

export interface EmbeddingCache {
  getMany(modelId: string, keys: string[]): Map<string, Float32Array>;
  putMany(modelId: string, entries: Iterable<[key: string, vector: Float32Array]>): void;
  count(modelId?: string): number;
  /** The vector size cached for a model, if anything is cached for it. */
  dimensionsOf(modelId: string): number | undefined;
  close(): void;
}

const SCHEMA_VERSION = 1;
/** SQLite allows 32 766 host parameters; a few hundred keys per query keeps statements cacheable. */
const KEYS_PER_QUERY = 500;

export function openEmbeddingCache(path: string): EmbeddingCache {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("busy_timeout = 5000");
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new Error(
      `embedding cache ${path} was written by a newer docindex (schema ${version}); upgrade docindex or delete the file (it is only a cache)`,
    );
  }
  db.exec(`
    CREATE TABLE IF NOT EXISTS embeddings (
      model TEXT NOT NULL,
      key TEXT NOT NULL,
      dims INTEGER NOT NULL,
      vector BLOB NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (model, key)
    ) WITHOUT ROWID;
  `);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);

  const insert = db.prepare(
    "INSERT OR REPLACE INTO embeddings (model, key, dims, vector, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  const countAll = db.prepare("SELECT count(*) AS n FROM embeddings");
  const countModel = db.prepare("SELECT count(*) AS n FROM embeddings WHERE model = ?");
  const dimsOfModel = db.prepare("SELECT dims FROM embeddings WHERE model = ? LIMIT 1");
  const selects = new Map<number, Database.Statement>();
  const select = (n: number) => {
    let statement = selects.get(n);
    if (statement === undefined) {
      statement = db.prepare(
        `SELECT key, dims, vector FROM embeddings WHERE model = ? AND key IN (${new Array(n).fill("?").join(",")})`,
      );
      selects.set(n, statement);
    }
    return statement;
  };
  const putAll = db.transaction((modelId: string, entries: Iterable<[string, Float32Array]>) => {
    const now = Date.now();
    for (const [key, vector] of entries) {
      insert.run(
        modelId,
        key,
        vector.length,
        Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
        now,
      );
    }
  });

  return {
    getMany(modelId, keys) {
      const found = new Map<string, Float32Array>();
      const unique = [...new Set(keys)];
      for (let at = 0; at < unique.length; at += KEYS_PER_QUERY) {
        const part = unique.slice(at, at + KEYS_PER_QUERY);
        const rows = select(part.length).all(modelId, ...part) as {
          key: string;
          dims: number;
          vector: Buffer;
        }[];
        for (const row of rows) {
          // A truncated or foreign blob is a miss, not a wrong vector.
          if (row.vector.byteLength !== row.dims * 4) continue;
          const copy = new Float32Array(row.dims);
          new Uint8Array(copy.buffer).set(row.vector);
          found.set(row.key, copy);
        }
      }
      return found;
    },
    putMany(modelId, entries) {
      putAll(modelId, entries);
    },
    count(modelId) {
      const row = (modelId === undefined ? countAll.get() : countModel.get(modelId)) as {
        n: number;
      };
      return row.n;
    },
    dimensionsOf(modelId) {
      const row = dimsOfModel.get(modelId) as { dims: number } | undefined;
      return row?.dims;
    },
    close() {
      if (db.open) db.close();
    },
  };
}
