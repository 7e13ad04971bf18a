/**
 * A worker thread that runs one refreshAnnFile on its own connection to the index and
 * reports the result: building or updating the graph takes seconds to minutes, which must not
 * stall the server's event loop (refresher.ts starts it).
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { refreshAnnFile, type RefreshResult } from "./refresh.js";

export type RefreshMessage = { result: RefreshResult } | { error: string };

const { dbPath } = workerData as { dbPath: string };
const db = new Database(dbPath, { fileMustExist: true });
try {
  db.pragma("busy_timeout = 10000");
  const result = refreshAnnFile(db, dbPath);
  parentPort?.postMessage({ result } satisfies RefreshMessage);
} catch (error) {
  parentPort?.postMessage({ error: (error as Error).message } satisfies RefreshMessage);
} finally {
  db.close();
}
