/**
 * Content-addressed embedding cache: (model id, sha256 of the exact input text) → vector. It
 * lives in its own SQLite file, apart from the index, so that rebuilding the index, or moving it
 * from SQLite to Elasticsearch, re-uses every vector already paid for.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
// The index's vector pages and the cache's are sized alike, for the same reason.
import { VECTOR_PAGE_SIZE } from "../../indexers/sqlite/vectors.js";

export interface EmbeddingCache {
  getMany(modelId: string, keys: string[]): Map<string, Float32Array>;
  putMany(modelId: string, entries: Iterable<[key: string, vector: Float32Array]>): void;
  count(modelId?: string): number;
  /** The vector size cached for a model, if anything is cached for it. */
  dimensionsOf(modelId: string): number | undefined;
  close(): void;
}

const SCHEMA_VERSION = 2;
/** SQLite allows 32 766 host parameters; a few hundred keys per query keeps statements cacheable. */
const KEYS_PER_QUERY = 500;
/**
 * Version 2 keeps each vector in a rowid table with the model as a number and a sha256 key as
 * its 32 bytes: version 1's WITHOUT ROWID rows repeated the model name and the key's 64 hex
 * characters, and were too long for a page of that kind of table, so every vector overflowed
 * into a page of its own: 3x the bytes of the vectors it held.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS models (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    dims INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS vectors (
    model_id   INTEGER NOT NULL,
    key        BLOB NOT NULL,
    vector     BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (model_id, key)
  );
`;

/** A sha256 in hex is kept as its 32 bytes; any other key as text (a distinct SQLite type). */
function storedKey(key: string): Buffer | string {
  return /^[0-9a-f]{64}$/.test(key) ? Buffer.from(key, "hex") : key;
}

function keyOf(stored: Buffer | string): string {
  return typeof stored === "string" ? stored : stored.toString("hex");
}

/** Version 1 → 2: new tables, the rows copied, the file rewritten with larger pages. */
function upgradeFromVersion1(db: Database.Database): void {
  db.pragma("journal_mode = DELETE");
  db.pragma(`page_size = ${VECTOR_PAGE_SIZE}`);
  db.transaction(() => {
    db.exec(SCHEMA);
    // In pages by primary key: a connection cannot write while it iterates a query.
    const page = db
      .prepare(
        "SELECT model, key, vector, created_at FROM embeddings WHERE (model, key) > (?, ?) ORDER BY model, key LIMIT 2000",
      )
      .raw();
    const model = db.prepare(
      "INSERT INTO models (name, dims) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET dims = excluded.dims RETURNING id",
    );
    const insert = db.prepare(
      "INSERT OR REPLACE INTO vectors (model_id, key, vector, created_at) VALUES (?, ?, ?, ?)",
    );
    const ids = new Map<string, number>();
    let after: [string, string] = ["", ""];
    for (;;) {
      const rows = page.all(...after) as [string, string, Buffer, number][];
      if (rows.length === 0) break;
      for (const [name, key, vector, createdAt] of rows) {
        let id = ids.get(name);
        if (id === undefined) {
          id = (model.get(name, vector.byteLength / 4) as { id: number }).id;
          ids.set(name, id);
        }
        insert.run(id, storedKey(key), vector, createdAt);
      }
      const last = rows[rows.length - 1]!;
      after = [last[0], last[1]];
    }
    db.exec("DROP TABLE embeddings");
  })();
  db.exec("VACUUM");
}

export function openEmbeddingCache(path: string): EmbeddingCache {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("busy_timeout = 5000");
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new Error(
      `embedding cache ${path} was written by a newer docindex (schema ${version}); upgrade docindex or delete the file (it is only a cache)`,
    );
  }
  // Effective only before the first table exists (a new file), or with the VACUUM below.
  if (version === 0) db.pragma(`page_size = ${VECTOR_PAGE_SIZE}`);
  if (version === 1) upgradeFromVersion1(db);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(SCHEMA);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);

  const modelId = db.prepare("SELECT id, dims FROM models WHERE name = ?");
  const addModel = db.prepare(
    "INSERT INTO models (name, dims) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET dims = excluded.dims RETURNING id",
  );
  const insert = db.prepare(
    "INSERT OR REPLACE INTO vectors (model_id, key, vector, created_at) VALUES (?, ?, ?, ?)",
  );
  const countAll = db.prepare("SELECT count(*) AS n FROM vectors");
  const countModel = db.prepare(
    "SELECT count(*) AS n FROM vectors WHERE model_id = (SELECT id FROM models WHERE name = ?)",
  );
  const selects = new Map<number, Database.Statement>();
  const select = (n: number) => {
    let statement = selects.get(n);
    if (statement === undefined) {
      statement = db.prepare(
        `SELECT key, vector FROM vectors WHERE model_id = ? AND key IN (${new Array(n).fill("?").join(",")})`,
      );
      selects.set(n, statement);
    }
    return statement;
  };
  const model = (name: string) => modelId.get(name) as { id: number; dims: number } | undefined;
  const putAll = db.transaction((name: string, entries: Iterable<[string, Float32Array]>) => {
    const now = Date.now();
    let id: number | undefined;
    for (const [key, vector] of entries) {
      // The model's dims are its latest vector's (what dimensionsOf answers); each vector's own
      // size is its blob's.
      id ??= (addModel.get(name, vector.length) as { id: number }).id;
      insert.run(
        id,
        storedKey(key),
        Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
        now,
      );
    }
  });

  return {
    getMany(modelName, keys) {
      const found = new Map<string, Float32Array>();
      const known = model(modelName);
      if (known === undefined) return found;
      const unique = [...new Set(keys)];
      for (let at = 0; at < unique.length; at += KEYS_PER_QUERY) {
        const part = unique.slice(at, at + KEYS_PER_QUERY);
        const rows = select(part.length).all(known.id, ...part.map(storedKey)) as {
          key: Buffer | string;
          vector: Buffer;
        }[];
        for (const row of rows) {
          // A blob that is not whole float32s is a miss, not a wrong vector.
          if (row.vector.byteLength % 4 !== 0 || row.vector.byteLength === 0) continue;
          const copy = new Float32Array(row.vector.byteLength / 4);
          new Uint8Array(copy.buffer).set(row.vector);
          found.set(keyOf(row.key), copy);
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
    dimensionsOf(modelName) {
      return model(modelName)?.dims;
    },
    close() {
      if (db.open) db.close();
    },
  };
}
