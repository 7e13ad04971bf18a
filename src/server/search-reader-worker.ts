/**
 * One search reader: a worker thread with its own read-only connection to the SQLite index.
 * WAL lets it read while the job queue's writer writes; each search runs in one read
 * transaction, so it sees every document either before or after its replacement, never half
 * of one. It only answers `store.search`: admission and confinement are decided on the main
 * thread before a request gets here, and searching reads no file of the workspace.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openSqliteStore, type SqliteStoreOptions } from "../../indexers/sqlite/index.js";
import type { ReaderInit, ReaderRequest, ReaderResponse } from "./search-reader-protocol.js";

const init = workerData as ReaderInit;
const options: SqliteStoreOptions = { ...init.options, readonly: true };
const store = await openSqliteStore(init.dbPath, options);
const port = parentPort!;

port.on("message", (message: ReaderRequest) => {
  store.search(message.request).then(
    (hits) => port.postMessage({ id: message.id, hits } satisfies ReaderResponse),
    (error: unknown) => {
      const e = error as { message?: string; code?: string; name?: string };
      port.postMessage({
        id: message.id,
        error: { message: e.message ?? String(error), code: e.code, name: e.name },
      } satisfies ReaderResponse);
    },
  );
});
port.postMessage({ ready: true });
