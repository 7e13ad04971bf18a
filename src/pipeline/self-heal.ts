/**
 * A damaged SQLite index heals itself. The index is derived data (the workspace is the truth,
 * and the embedding cache, a file of its own, keeps the vectors), so when the file is damaged
 * it is set aside (indexers/sqlite/damage.ts) and a fresh one is created in its place; whoever
 * opened the store then rebuilds it from the workspace, which costs parsing but no embedding.
 *
 * Damage is looked for twice: on open (`PRAGMA quick_check`: a damaged page that no query has
 * touched yet still counts), and whenever SQLite reports corruption to any call on the store.
 * The store handed out is a Proxy over the current SqliteStore: after a recovery every call
 * goes to the fresh one, so the server's tools, jobs and watcher, which all hold the same
 * object, carry on without being told; the call that met the damage is tried once more on the
 * fresh index. It still answers `instanceof SqliteStore` and `dbPath`, which the search readers
 * use.
 *
 * Each recovery is kept in `<indexDir>/recovered.json` (the last one of each file), for
 * `inventory` and `docindex doctor` to show after the fact.
 */
import fs from "node:fs";
import path from "node:path";
import type { Store } from "../../indexers/store.js";
import { openSqliteStore, type SqliteStore } from "../../indexers/sqlite/index.js";
import {
  checkSqliteFile,
  isCorruptionError,
  isDiskFullError,
  setAsideDamaged,
} from "../../indexers/sqlite/damage.js";
import { removeStaleAnnFiles } from "../../indexers/sqlite/ann/usearch-file.js";
import { DocindexError, describeError } from "../errors.js";

export type RecoveredFile = "index" | "embedding cache";

export interface Recovery {
  what: RecoveredFile;
  /** The file that was damaged, and is a fresh one now. */
  file: string;
  /** Where the damaged file was moved. */
  movedTo: string;
  /** What was wrong, in SQLite's words. */
  reason: string;
  /** When it was set aside (ms since the epoch). */
  at: number;
}

export const RECOVERY_FILE = "recovered.json";

/** The last recovery of each file in `indexDir`, oldest first. */
export function readRecoveries(indexDir: string): Recovery[] {
  try {
    const saved = JSON.parse(fs.readFileSync(path.join(indexDir, RECOVERY_FILE), "utf8")) as Record<
      string,
      Recovery
    >;
    return Object.values(saved)
      .filter((r) => typeof r?.movedTo === "string")
      .sort((a, b) => a.at - b.at);
  } catch {
    return [];
  }
}

function recordRecovery(recovery: Recovery): void {
  const indexDir = path.dirname(recovery.file);
  const saved: Record<string, Recovery> = {};
  for (const r of readRecoveries(indexDir)) saved[r.what] = r;
  saved[recovery.what] = recovery;
  try {
    fs.writeFileSync(path.join(indexDir, RECOVERY_FILE), JSON.stringify(saved, null, 2) + "\n");
  } catch {
    // Only a record for the user: a folder that takes no writes must not stop the recovery.
  }
}

/** Sets `file` aside because of `reason`, and records it. */
export function recoverFile(what: RecoveredFile, file: string, reason: string): Recovery {
  const at = Date.now();
  const movedTo = setAsideDamaged(file, at);
  const recovery: Recovery = { what, file, movedTo, reason, at };
  recordRecovery(recovery);
  return recovery;
}

/** One line that says what happened and where the damaged file is. */
export function describeRecovery(r: Recovery): string {
  return `the ${r.what} ${r.file} was damaged (${r.reason}); it was moved to ${path.basename(r.movedTo)} and a new one was created`;
}

/** The store's methods that reach SQLite; a corruption error in one of them starts a recovery. */
const STORE_CALLS = new Set<string>([
  "upsertDocument",
  "upsertDocuments",
  "touchDocument",
  "deleteDocuments",
  "getDocument",
  "getDocumentText",
  "getChunks",
  "catalog",
  "documents",
  "search",
  "stats",
  "termDocumentFrequencies",
  "findSymbols",
  "getVectorModel",
  "setVectorModel",
  "chunksWithoutVectors",
  "countChunksWithoutVectors",
  "putVectors",
  "optimize",
]);

/** Recoveries of one opened index, as they happen. */
export class IndexHealer {
  /** Every recovery since the store was opened, the one on open included. */
  readonly recoveries: Recovery[] = [];
  private readonly listeners = new Set<(recovery: Recovery) => void>();
  private healing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private current: SqliteStore,
    private readonly dbPath: string,
  ) {}

  get store(): SqliteStore {
    return this.current;
  }

  /** Called for each recovery from now on; returns the unsubscribe. */
  onRecovered(listener: (recovery: Recovery) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  noteRecovery(recovery: Recovery): void {
    this.recoveries.push(recovery);
    for (const listener of this.listeners) listener(recovery);
  }

  async call(name: string, args: unknown[]): Promise<unknown> {
    await this.healing;
    const store = this.current;
    try {
      return await invoke(store, name, args);
    } catch (error) {
      if (isDiskFullError(error)) throw diskFull(this.dbPath, error);
      if (this.closed || !isCorruptionError(error)) throw error;
      await this.recover(store, error);
      return invoke(this.current, name, args);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.healing;
    await this.current.close();
  }

  /** Sets the damaged file aside and opens a fresh index, once however many calls met it. */
  private recover(failed: SqliteStore, error: unknown): Promise<void> {
    if (failed !== this.current) return Promise.resolve(); // another call recovered already
    this.healing ??= (async () => {
      await closeDamaged(failed);
      // SQLite's own report is trusted; quick_check only puts the damage into words.
      const reason = checkSqliteFile(this.dbPath) ?? describeError(error);
      const recovery = setAsideIndex(this.dbPath, reason);
      this.current = await openSqliteStore(this.dbPath);
      this.noteRecovery(recovery);
    })().finally(() => (this.healing = undefined));
    return this.healing;
  }
}

/**
 * A full disk is not damage: the failed transaction rolled back, the index is as its last
 * commit left it, and files not written wait as pending for the next run. The message names the
 * folder, since that is where space must be freed.
 */
export function diskFull(dbPath: string, error: unknown): DocindexError {
  return new DocindexError(
    "DISK_FULL",
    `no space left for the index in ${path.dirname(dbPath)} (${describeError(error)}): free space ` +
      "there and run again; what was indexed is kept, the files not written yet wait as pending",
    { cause: error },
  );
}

function invoke(store: SqliteStore, name: string, args: unknown[]): Promise<unknown> {
  const method = (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name];
  return method!.apply(store, args);
}

/** Closing may itself meet the damage (PRAGMA optimize reads pages): the handle closes anyway. */
async function closeDamaged(store: SqliteStore): Promise<void> {
  try {
    await store.close();
  } catch {
    if (store.db.open) store.db.close();
  }
}

function setAsideIndex(dbPath: string, reason: string): Recovery {
  // The vector graph files were built from the damaged file's vectors: derived, and stale now.
  removeStaleAnnFiles(dbPath, undefined);
  return recoverFile("index", dbPath, reason);
}

const healers = new WeakMap<object, IndexHealer>();

/** The healer behind a store opened by openSelfHealingIndex, if it is one. */
export function healerOf(store: Store): IndexHealer | undefined {
  return healers.get(store);
}

/**
 * Opens the SQLite index at `dbPath`, checking it first; a damaged file is set aside and a
 * fresh index is opened instead (the recovery is in `healerOf(store).recoveries`).
 */
export async function openSelfHealingIndex(dbPath: string): Promise<Store> {
  try {
    return await openChecked(dbPath);
  } catch (error) {
    throw isDiskFullError(error) ? diskFull(dbPath, error) : error;
  }
}

async function openChecked(dbPath: string): Promise<Store> {
  let reason = checkSqliteFile(dbPath);
  let store: SqliteStore | undefined;
  if (reason === undefined) {
    try {
      store = await openSqliteStore(dbPath);
    } catch (error) {
      if (!isCorruptionError(error)) throw error;
      reason = checkSqliteFile(dbPath) ?? describeError(error);
    }
  }
  const recovery = reason !== undefined ? setAsideIndex(dbPath, reason) : undefined;
  store ??= await openSqliteStore(dbPath);
  const healer = new IndexHealer(store, dbPath);
  if (recovery) healer.noteRecovery(recovery);
  const proxy = new Proxy(store, {
    get(_target, property) {
      const current = healer.store;
      if (property === "close") return () => healer.close();
      const value: unknown = Reflect.get(current, property, current);
      if (typeof value !== "function") return value;
      if (typeof property === "string" && STORE_CALLS.has(property))
        return (...args: unknown[]) => healer.call(property, args);
      return (value as (...a: unknown[]) => unknown).bind(current);
    },
  });
  healers.set(proxy, healer);
  return proxy;
}
