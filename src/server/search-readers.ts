/**
 * Searches off the event loop: a few worker threads (search-reader-worker.ts), each with its
 * own read-only SQLite connection, answer `store.search` while the main thread keeps serving
 * JSON-RPC. Requests go to an idle reader, or wait in a FIFO. A reader that dies fails the
 * search it held (StoreError UNAVAILABLE, which the tools report as any store error) and is
 * replaced on the next request.
 */
import { availableParallelism } from "node:os";
import { SqliteStore } from "../../indexers/sqlite/index.js";
import { Worker } from "node:worker_threads";
import { workerExecArgv } from "../../scanners/pool/worker-exec-argv.js";
import { compiledSibling } from "../../scanners/pool/worker-script.js";
import {
  StoreError,
  type SearchHit,
  type SearchRequest,
  type Store,
} from "../../indexers/store.js";
import type { ReaderInit, ReaderRequest, ReaderResponse } from "./search-reader-protocol.js";
import { healerOf } from "../pipeline/self-heal.js";

interface Task {
  request: SearchRequest;
  resolve: (hits: SearchHit[]) => void;
  reject: (error: Error) => void;
}

interface Reader {
  worker: Worker;
  task?: Task;
  id: number;
  /** Its connection is to a file that was replaced (a healed index): ends after its task. */
  stale?: boolean;
}

function toError(error: NonNullable<ReaderResponse["error"]>): Error {
  if (error.name === "StoreError" && error.code !== undefined)
    return new StoreError(error.code as ConstructorParameters<typeof StoreError>[0], error.message);
  const copy = new Error(error.message);
  if (error.code !== undefined) Object.assign(copy, { code: error.code });
  return copy;
}

export class SearchReaders implements Pick<Store, "search"> {
  private readonly script = compiledSibling(
    import.meta.url,
    "src/server",
    "search-reader-worker.js",
  );
  private readonly readers = new Set<Reader>();
  private readonly idle: Reader[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  /** Two readers per core at most would only contend; the main thread needs a core too. */
  constructor(
    private readonly init: ReaderInit,
    private readonly size = Math.max(1, Math.min(4, availableParallelism())),
  ) {}

  search(request: SearchRequest): Promise<SearchHit[]> {
    if (this.closed) return Promise.reject(new StoreError("UNAVAILABLE", "the server is closing"));
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.pump();
    });
  }

  /** The index file was replaced: every reader ends (a busy one after its task), new ones open it. */
  renew(): void {
    for (const reader of this.readers) {
      reader.stale = true;
      if (reader.task === undefined) void reader.worker.terminate();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0))
      task.reject(new StoreError("UNAVAILABLE", "the server is closing"));
    await Promise.all([...this.readers].map((reader) => reader.worker.terminate()));
    this.readers.clear();
    this.idle.length = 0;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let reader = this.idle.pop();
      if (reader === undefined) {
        if (this.readers.size >= this.size) return;
        reader = this.spawn();
      }
      const task = this.queue.shift()!;
      reader.task = task;
      reader.id = this.nextId++;
      reader.worker.ref();
      reader.worker.postMessage({ id: reader.id, request: task.request } satisfies ReaderRequest);
    }
  }

  private spawn(): Reader {
    const worker = new Worker(this.script, {
      workerData: this.init,
      execArgv: workerExecArgv(process.execArgv),
    });
    const reader: Reader = { worker, id: 0 };
    worker.on("message", (message: ReaderResponse | { ready: true }) => {
      if (!("id" in message) || message.id !== reader.id) return;
      const task = reader.task;
      reader.task = undefined;
      // An idle reader must not keep the process alive (stdio exits when its input ends).
      worker.unref();
      if (reader.stale) void worker.terminate();
      else this.idle.push(reader);
      if (task) {
        if (message.error) task.reject(toError(message.error));
        else task.resolve(message.hits);
      }
      this.pump();
    });
    const retire = (reason: string) => {
      if (!this.readers.delete(reader)) return;
      const at = this.idle.indexOf(reader);
      if (at !== -1) this.idle.splice(at, 1);
      reader.task?.reject(new StoreError("UNAVAILABLE", `search reader failed: ${reason}`));
      reader.task = undefined;
      if (!this.closed) this.pump();
    };
    worker.on("error", (error: Error) => retire(error.message));
    worker.on("exit", (code: number) => retire(`exited with code ${code}`));
    this.readers.add(reader);
    return reader;
  }
}

/** Readers for a store kept in a SQLite file; none for other stores (they answer off-loop). */
export function searchReadersFor(store: Store): SearchReaders | undefined {
  if (!(store instanceof SqliteStore) || store.dbPath === ":memory:") return undefined;
  // openStore opens SQLite with the default options, so the readers do too.
  const readers = new SearchReaders({ dbPath: store.dbPath, options: {} });
  healerOf(store)?.onRecovered(() => readers.renew());
  return readers;
}
