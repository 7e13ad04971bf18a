/**
 * Chunk vectors and nearest-neighbour search. Vectors are float32 BLOBs keyed by chunk id.
 * Distances come from sqlite-vec's vec_distance_cosine when the extension loads, or else from
 * an equivalent JavaScript function (slower, same results), so a platform without the
 * prebuilt extension still works. Search is exact (brute force over the filtered rows), which
 * keeps filters and `limit` exact too; fine up to a few hundred thousand chunks.
 */
import { createRequire } from "node:module";
import type Database from "better-sqlite3";
import { StoreError, type ChunkVector, type PendingChunk, type VectorModel } from "../store.js";

const JS_DISTANCE = "docindex_cosine_distance";

/**
 * Page size of the files that hold vectors (the index, the embedding cache). Pages of 8 KiB
 * hold five 1.5 KB vectors of 384 dimensions; 4 KiB pages hold two and waste a quarter of the
 * file: measured 1.34x the vectors' bytes against 1.10x (indexers/README.md).
 */
export const VECTOR_PAGE_SIZE = 8192;

function asFloats(blob: Buffer): Float32Array {
  const copy = new Uint8Array(blob);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

export function toBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** Cosine distance in JavaScript, under the name it returns: the fallback for sqlite-vec. */
export function registerJsDistance(db: Database.Database): string {
  db.function(JS_DISTANCE, { deterministic: true }, (a: unknown, b: unknown) => {
    if (!Buffer.isBuffer(a) || !Buffer.isBuffer(b) || a.length !== b.length) return null;
    const x = asFloats(a);
    const y = asFloats(b);
    let dot = 0;
    let nx = 0;
    let ny = 0;
    for (let i = 0; i < x.length; i++) {
      const xi = x[i] ?? 0;
      const yi = y[i] ?? 0;
      dot += xi * yi;
      nx += xi * xi;
      ny += yi * yi;
    }
    return nx === 0 || ny === 0 ? 1 : 1 - dot / Math.sqrt(nx * ny);
  });
  return JS_DISTANCE;
}

/** Loads sqlite-vec, or registers the JavaScript distance; returns the function's name. */
export function registerDistance(db: Database.Database): string {
  try {
    const require = createRequire(import.meta.url);
    const sqliteVec = require("sqlite-vec") as { load(db: Database.Database): void };
    sqliteVec.load(db);
    return "vec_distance_cosine";
  } catch {
    return registerJsDistance(db);
  }
}

export class VectorTable {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      getModel: db.prepare(
        "SELECT model_id AS id, dimensions FROM vector_model WHERE singleton = 1",
      ),
      getGeneration: db.prepare(
        "SELECT model_id AS id, dimensions, generation FROM vector_model WHERE singleton = 1",
      ),
      setModel: db.prepare(
        "INSERT OR REPLACE INTO vector_model (singleton, model_id, dimensions, generation) VALUES (1, ?, ?, lower(hex(randomblob(8))))",
      ),
      dropVectors: db.prepare("DELETE FROM chunk_vectors"),
      // A new model starts a new generation: its index files start afresh, so the log of the
      // old vectors' deletion is of no use to anyone.
      clearLog: db.prepare("DELETE FROM vector_log"),
      raiseFloor: db.prepare(
        "UPDATE vector_log_floor SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'vector_log'), 0))",
      ),
      resetEmbedded: db.prepare("UPDATE chunks SET embedded = 0 WHERE embedded = 1"),
      pending: db.prepare(`
        SELECT c.chunk_id AS chunkId, c.content_hash AS contentHash, c.text, c.heading_path AS headingPath, d.path
        FROM chunks c JOIN documents d ON d.id = c.doc_id
        WHERE c.embedded = 0 ORDER BY c.id LIMIT ?`),
      countPending: db.prepare("SELECT count(*) FROM chunks WHERE embedded = 0").pluck(),
      putVector: db.prepare(`
        INSERT INTO chunk_vectors (chunk_id, vector) SELECT @chunkId, @vector
        WHERE EXISTS (SELECT 1 FROM chunks WHERE chunk_id = @chunkId)
        ON CONFLICT (chunk_id) DO UPDATE SET vector = excluded.vector`),
      markEmbedded: db.prepare("UPDATE chunks SET embedded = 1 WHERE chunk_id = ?"),
      dropOrphan: db.prepare(
        "DELETE FROM chunk_vectors WHERE chunk_id = @id AND NOT EXISTS (SELECT 1 FROM chunks WHERE chunk_id = @id)",
      ),
    };
  }

  model(): VectorModel | undefined {
    return this.statements.getModel.get() as VectorModel | undefined;
  }

  /** The model with its generation: the identity of the vectors an index file may hold. */
  generation(): (VectorModel & { generation: string }) | undefined {
    return this.statements.getGeneration.get() as
      (VectorModel & { generation: string }) | undefined;
  }

  private readonly setModelTx = (model: VectorModel): void => {
    const current = this.model();
    if (current?.id === model.id && current.dimensions === model.dimensions) return;
    // Vectors of two models never mix: a new model starts from an empty vector table.
    this.statements.dropVectors.run();
    this.statements.clearLog.run();
    this.statements.raiseFloor.run();
    this.statements.resetEmbedded.run();
    this.statements.setModel.run(model.id, model.dimensions);
  };

  setModel(model: VectorModel): void {
    if (!Number.isInteger(model.dimensions) || model.dimensions <= 0) {
      throw new StoreError(
        "VECTOR_MISMATCH",
        `Vector model ${model.id} must have a positive whole number of dimensions.`,
      );
    }
    this.db.transaction(this.setModelTx).immediate(model);
  }

  pending(limit: number): PendingChunk[] {
    const rows = this.statements.pending.all(Math.max(0, Math.floor(limit))) as (Omit<
      PendingChunk,
      "headingPath"
    > & {
      headingPath: string;
    })[];
    return rows.map((r) => ({ ...r, headingPath: JSON.parse(r.headingPath) as string[] }));
  }

  countPending(): number {
    return this.statements.countPending.get() as number;
  }

  private readonly putTx = (vectors: ChunkVector[], dimensions: number): void => {
    for (const { chunkId, vector } of vectors) {
      if (vector.length !== dimensions) {
        throw new StoreError(
          "VECTOR_MISMATCH",
          `Vector for chunk ${chunkId} has ${vector.length} dimensions; the store's model has ${dimensions}.`,
        );
      }
      if (this.statements.putVector.run({ chunkId, vector: toBlob(vector) }).changes > 0) {
        this.statements.markEmbedded.run(chunkId);
      }
    }
  };

  put(vectors: ChunkVector[]): void {
    const model = this.model();
    if (model === undefined) {
      throw new StoreError(
        "VECTOR_MISMATCH",
        "No vector model is declared: call setVectorModel before putVectors.",
      );
    }
    this.db.transaction(this.putTx).immediate(vectors, model.dimensions);
  }

  /** Drops the vectors of chunk ids that no chunk uses any more. Runs inside the caller's transaction. */
  dropOrphans(chunkIds: Iterable<string>): void {
    for (const id of chunkIds) this.statements.dropOrphan.run({ id });
  }
}
