/**
 * The search side of the approximate index: each SQLite connection that searches maps the
 * newest index file of the current model (usearch `view`, shared page cache, no copy in the
 * heap) and treats the vectors changed since that file (vector_log rows after its seq) as a
 * delta scored exactly. So a search sees every committed vector whatever state the file is
 * in, two processes on one index see the same candidates, and only refresh.ts, in a worker,
 * ever writes a file. Without a usable file (none yet, another model, older than the log's
 * floor, unreadable) or with a delta too large to score exactly, there is no snapshot and the
 * caller searches exactly.
 */
import fs from "node:fs";
import type Database from "better-sqlite3";
import type { StoreStats } from "../../store.js";
import { cachedStatement } from "../statement-cache.js";
import { ANN_MIN_VECTORS } from "./refresh.js";
import {
  annFiles,
  checkAnnFile,
  newIndex,
  usableAnnFile,
  usearch,
  type AnnFile,
  type UsearchIndex,
} from "./usearch-file.js";

/** A larger delta than this is not scored exactly per query: the whole search is exact. */
export const MAX_DELTA = 20_000;

export interface AnnCandidates {
  /** Vector ids (chunk_vectors.id) to score exactly: the graph's nearest and the delta. */
  ids: number[];
  /** The graph returned fewer than asked: asking for more finds nothing new. */
  exhausted: boolean;
  /** Cosine distance of the farthest vector the graph returned (float16: approximate). */
  radius: number;
}

export class AnnSnapshot {
  constructor(
    private readonly index: UsearchIndex,
    readonly delta: Set<number>,
    readonly file: AnnFile,
  ) {}

  /** The `k` nearest in the file, less the ids changed since, plus every changed id. */
  candidates(vector: Float32Array, k: number): AnnCandidates {
    const found = this.index.search(vector, k, 1);
    const ids: number[] = [];
    let n = 0;
    let radius = 0;
    for (const [at, key] of found.keys.entries()) {
      // usearch pads a short answer; a real key is below 2^53 (it is a SQLite rowid).
      if (key >= 2n ** 53n) continue;
      n++;
      radius = Math.max(radius, found.distances[at] ?? 0);
      const id = Number(key);
      if (!this.delta.has(id)) ids.push(id);
    }
    for (const id of this.delta) ids.push(id);
    return { ids, exhausted: n < k, radius };
  }
}

/** A file's path and mtime: a file rewritten under the same name is another file. */
function fileIdentity(file: string): string {
  return `${file}@${fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0}`;
}

export type VectorSearchState = NonNullable<StoreStats["vectorSearch"]>;

/** How the last semantic search of a connection was served: tests and benchmarks read it. */
export type SearchPlan =
  { kind: "approximate"; candidates: number } | { kind: "exact"; why: string };

export class AnnReader {
  lastPlan: SearchPlan | undefined;
  /** Why the last snapshot() gave none. */
  unavailable = "";
  private view: { file: AnnFile; index: UsearchIndex } | undefined;
  /** Files (path and mtime) that failed to map: not tried again by this connection. */
  private readonly unreadable = new Set<string>();

  constructor(
    private readonly dbPath: string,
    private readonly warn: (message: string, fields: Record<string, unknown>) => void,
  ) {}

  /** How semantic search would be served now, for `inventory`. */
  describe(db: Database.Database): VectorSearchState {
    const snapshot = db.transaction(() => this.snapshot(db)).deferred();
    if (snapshot === undefined) return { mode: "exact", reason: this.unavailable };
    return {
      mode: "approximate",
      indexFile: snapshot.file.path,
      changedSinceIndexFile: snapshot.delta.size,
    };
  }

  /** Call inside the search's read transaction: the delta and the rows scored must agree. */
  snapshot(db: Database.Database): AnnSnapshot | undefined {
    this.unavailable = `no index file yet (one is built from ${ANN_MIN_VECTORS.toLocaleString("en-US")} vectors)`;
    if (this.dbPath === ":memory:" || this.dbPath === "") return undefined;
    const lib = usearch();
    if (lib === undefined) {
      this.unavailable = "usearch does not load on this platform";
      return undefined;
    }
    let state: { dimensions: number; generation: string; floor: number } | undefined;
    try {
      state = cachedStatement(
        db,
        `SELECT m.dimensions, m.generation, f.seq AS floor
           FROM vector_model m, vector_log_floor f WHERE m.singleton = 1`,
      ).get() as typeof state;
    } catch {
      // A read-only connection to an index of schema 2, which no writer has upgraded yet.
      this.unavailable = "the index predates the vector log";
      return undefined;
    }
    if (state === undefined) return undefined;
    const current = this.view;
    if (
      current === undefined ||
      current.file.generation !== state.generation ||
      current.file.seq < state.floor
    ) {
      this.view = undefined;
      // The newest usable file, or the next one when it is unreadable (a damaged file that a
      // rebuild has not replaced yet sits beside the rebuilt one until the rebuild removes it).
      for (;;) {
        const file = usableAnnFile(annFiles(this.dbPath), state.generation, state.floor, (f) =>
          this.unreadable.has(fileIdentity(f.path)),
        );
        if (file === undefined) {
          if (this.unreadable.size > 0) this.unavailable = "the index file is unreadable";
          return undefined;
        }
        try {
          checkAnnFile(file);
          const index = newIndex(lib, state.dimensions);
          index.view(file.path);
          this.view = { file, index };
          break;
        } catch (error) {
          this.unreadable.add(fileIdentity(file.path));
          this.warn("vector index file unreadable; searching exactly until it is rebuilt", {
            file: file.path,
            error: (error as Error).message,
          });
        }
      }
    }
    const view = this.view!;
    const delta = cachedStatement(
      db,
      "SELECT DISTINCT vector_id FROM vector_log WHERE seq > ? LIMIT ?",
    )
      .pluck()
      .all(view.file.seq, MAX_DELTA + 1) as number[];
    if (delta.length > MAX_DELTA) {
      this.unavailable = `more than ${MAX_DELTA} vectors changed since the index file`;
      return undefined;
    }
    return new AnnSnapshot(view.index, new Set(delta), view.file);
  }
}
