/**
 * Brings the index file up to date with chunk_vectors: loads the newest file of the current
 * generation (or builds one from every stored vector when there is none, it is of another
 * model, or it is older than the log's floor), applies the vector_log rows after it, saves the
 * result under its new seq, then deletes the log it no longer needs and the other files. Only
 * this function writes index files, and it runs off the main thread (refresh-worker.ts):
 * adding a vector to the graph costs about 0.3 ms, a million of them minutes.
 *
 * Every step may be killed: the file is renamed into place whole, and the log is trimmed only
 * after the file that covers it exists, in a transaction that first checks that the model is
 * still the one the file was built for.
 */
import type Database from "better-sqlite3";
import { StoreError } from "../../store.js";
import {
  annFiles,
  checkAnnFile,
  newIndex,
  removeStaleAnnFiles,
  saveAnnFile,
  usearch,
  type UsearchIndex,
} from "./usearch-file.js";

/** Below this many vectors search stays exact and no file is kept (bench/README.md, `vectors`). */
export const ANN_MIN_VECTORS = 5000;

/** Vectors read and added per step of a build. */
const BUILD_BATCH = 8192;

export interface RefreshResult {
  action: "none" | "built" | "updated" | "removed";
  vectors: number;
  /** The vector_log rows applied on top of the file loaded (updated) or read (built). */
  applied: number;
  file?: string;
  /** Why a file was not used and the index was rebuilt, when it was. */
  reason?: string;
  ms: number;
}

interface Generation {
  dimensions: number;
  generation: string;
}

function generationOf(db: Database.Database): Generation | undefined {
  return db.prepare("SELECT dimensions, generation FROM vector_model WHERE singleton = 1").get() as
    Generation | undefined;
}

function logState(db: Database.Database): { floor: number; top: number } {
  return db
    .prepare(
      `SELECT (SELECT seq FROM vector_log_floor) AS floor,
         coalesce((SELECT max(seq) FROM vector_log), (SELECT seq FROM vector_log_floor)) AS top`,
    )
    .get() as { floor: number; top: number };
}

function asVector(blob: Buffer, dimensions: number, id: number): Float32Array {
  if (blob.byteLength !== dimensions * 4) {
    throw new StoreError(
      "VECTOR_MISMATCH",
      `stored vector ${id} has ${blob.byteLength / 4} dimensions; the model has ${dimensions}`,
    );
  }
  return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}

/** A new index holding every stored vector; seq is the log position they reflect. */
function build(db: Database.Database, dimensions: number): { index: UsearchIndex; seq: number } {
  const lib = usearch()!;
  const index = newIndex(lib, dimensions);
  const read = db.transaction(() => {
    const { top } = logState(db);
    const keys = new BigUint64Array(BUILD_BATCH);
    const vectors = new Float32Array(BUILD_BATCH * dimensions);
    let n = 0;
    const flush = () => {
      if (n === 0) return;
      index.add(keys.subarray(0, n), vectors.subarray(0, n * dimensions));
      n = 0;
    };
    const rows = db.prepare("SELECT id, vector FROM chunk_vectors ORDER BY id").raw();
    for (const [id, blob] of rows.iterate() as Iterable<[number, Buffer]>) {
      keys[n] = BigInt(id);
      vectors.set(asVector(blob, dimensions, id), n * dimensions);
      if (++n === BUILD_BATCH) flush();
    }
    flush();
    return top;
  });
  return { index, seq: read.deferred() };
}

/** Applies the log after `from` to `index`; returns the new seq and how many rows it applied. */
function applyLog(
  db: Database.Database,
  index: UsearchIndex,
  from: number,
  dimensions: number,
): { seq: number; applied: number } {
  const read = db.transaction(() => {
    const { top } = logState(db);
    const ids = db
      .prepare("SELECT DISTINCT vector_id FROM vector_log WHERE seq > ? AND seq <= ?")
      .pluck()
      .all(from, top) as number[];
    const current = db.prepare("SELECT vector FROM chunk_vectors WHERE id = ?").pluck();
    for (const id of ids) {
      const key = BigInt(id);
      // A row of the log says "this id changed": its present state is the truth.
      if (index.contains(key)) index.remove(key);
      const blob = current.get(id) as Buffer | undefined;
      if (blob !== undefined) index.add(new BigUint64Array([key]), asVector(blob, dimensions, id));
    }
    return { seq: top, applied: ids.length };
  });
  return read.deferred();
}

/** Drops the log up to `seq`, if the model is still `generation`; false if it changed. */
function trimLog(db: Database.Database, generation: string, seq: number): boolean {
  const trim = db.transaction(() => {
    if (generationOf(db)?.generation !== generation) return false;
    db.prepare("DELETE FROM vector_log WHERE seq <= ?").run(seq);
    db.prepare("UPDATE vector_log_floor SET seq = max(seq, ?)").run(seq);
    return true;
  });
  return trim.immediate();
}

export function refreshAnnFile(db: Database.Database, dbPath: string): RefreshResult {
  const started = performance.now();
  const done = (result: Omit<RefreshResult, "ms">): RefreshResult => ({
    ...result,
    ms: performance.now() - started,
  });
  const model = generationOf(db);
  const count = db.prepare("SELECT count(*) FROM chunk_vectors").pluck().get() as number;
  if (model === undefined || count < ANN_MIN_VECTORS || usearch() === undefined) {
    const had = annFiles(dbPath).length > 0;
    removeStaleAnnFiles(dbPath, undefined);
    return done({ action: had ? "removed" : "none", vectors: count, applied: 0 });
  }
  const { floor } = logState(db);
  const newest = annFiles(dbPath).find((f) => f.generation === model.generation);
  let index: UsearchIndex | undefined;
  let from = 0;
  let reason: string | undefined;
  if (newest === undefined) reason = "no index file for this model";
  else if (newest.seq < floor) reason = `index file ${newest.path} is older than the vector log`;
  else {
    try {
      // view() checks the file's structure and throws; load() of a damaged file can hang.
      checkAnnFile(newest);
      newIndex(usearch()!, model.dimensions).view(newest.path);
      index = newIndex(usearch()!, model.dimensions);
      index.load(newest.path);
      from = newest.seq;
    } catch (error) {
      index = undefined;
      reason = `index file ${newest.path} cannot be read (${(error as Error).message})`;
    }
  }
  let action: RefreshResult["action"] = "updated";
  if (index === undefined) {
    const built = build(db, model.dimensions);
    index = built.index;
    from = built.seq;
    action = "built";
  }
  const { seq, applied } = applyLog(db, index, from, model.dimensions);
  if (action === "updated" && applied === 0 && newest !== undefined) {
    return done({ action: "none", vectors: index.size(), applied, file: newest.path });
  }
  const file = saveAnnFile(index, dbPath, model.generation, seq);
  if (!trimLog(db, model.generation, seq)) {
    // The model changed meanwhile: this file describes vectors that are gone.
    removeStaleAnnFiles(dbPath, undefined);
    return done({ action: "removed", vectors: 0, applied });
  }
  removeStaleAnnFiles(dbPath, file);
  const result: Omit<RefreshResult, "ms"> = {
    action,
    vectors: index.size(),
    applied,
    file: file.path,
  };
  if (reason !== undefined && newest !== undefined) result.reason = reason;
  return done(result);
}
