/**
 * Decides when the index file is refreshed, and runs refresh-worker.ts for it, one at a time
 * per store: when enough vectors changed since the newest file (the delta every search scores
 * exactly), when there is no file and enough vectors to want one, and after a refresh that
 * ended while more changes arrived. Asked after each write of vectors, and once a few seconds
 * after the store opens (a short CLI command closes before that, and never pays for a build).
 */
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";
import { compiledSibling } from "../../../scanners/pool/worker-script.js";
import { workerExecArgv } from "../../../scanners/pool/worker-exec-argv.js";
import { ANN_MIN_VECTORS } from "./refresh.js";
import type { RefreshMessage } from "./refresh-worker.js";
import { annFiles, usableAnnFile, usearch } from "./usearch-file.js";

/** Vectors changed since the newest file that make it worth writing a new one. */
export const REFRESH_DELTA = 2000;
const OPEN_DELAY_MS = 3000;

export type StoreLog = (
  level: "info" | "warn",
  message: string,
  fields: Record<string, unknown>,
) => void;

export class AnnRefresher {
  private worker: Worker | undefined;
  private again = false;
  private closed = false;
  private readonly openTimer: NodeJS.Timeout;
  /** Settles when the running refresh (if any) ends: tests and benchmarks wait on it. */
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database.Database,
    private readonly dbPath: string,
    private readonly log: StoreLog,
  ) {
    this.openTimer = setTimeout(() => this.poke(), OPEN_DELAY_MS);
    this.openTimer.unref();
  }

  /** Starts a refresh if one is due; cheap when none is. */
  poke(): void {
    if (this.closed || usearch() === undefined) return;
    if (this.worker !== undefined) {
      this.again = true;
      return;
    }
    if (!this.due()) return;
    this.start();
  }

  /** Resolves once no refresh runs (after starting one if it is due). */
  async settled(): Promise<void> {
    this.poke();
    for (;;) {
      const running = this.running;
      await running;
      if (running === this.running) return;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.openTimer);
    // A refresh killed here leaves a temporary file the next one deletes; nothing else.
    await this.worker?.terminate();
  }

  private due(): boolean {
    const model = this.db
      .prepare(
        "SELECT generation, (SELECT seq FROM vector_log_floor) AS floor FROM vector_model WHERE singleton = 1",
      )
      .get() as { generation: string; floor: number } | undefined;
    const files = annFiles(this.dbPath);
    // Files of another model (or of none) are removed by a refresh.
    if (files.some((f) => f.generation !== model?.generation)) return true;
    if (model === undefined) return false;
    const file = usableAnnFile(files, model.generation, model.floor);
    if (file === undefined) {
      const vectors = this.db.prepare("SELECT count(*) FROM chunk_vectors").pluck().get() as number;
      return vectors >= ANN_MIN_VECTORS;
    }
    const changed = this.db
      .prepare("SELECT count(*) FROM (SELECT 1 FROM vector_log WHERE seq > ? LIMIT ?)")
      .pluck()
      .get(file.seq, REFRESH_DELTA) as number;
    return changed >= REFRESH_DELTA;
  }

  private start(): void {
    const script = compiledSibling(import.meta.url, "indexers/sqlite/ann", "refresh-worker.js");
    const worker = new Worker(script, {
      workerData: { dbPath: this.dbPath },
      execArgv: workerExecArgv(process.execArgv),
    });
    this.worker = worker;
    this.running = new Promise((resolve) => {
      worker.on("message", (message: RefreshMessage) => {
        if ("error" in message) this.log("warn", "vector index refresh failed", message);
        else if (message.result.action !== "none") {
          const { reason, ...result } = message.result;
          if (reason !== undefined) this.log("warn", "vector index rebuilt", { reason, ...result });
          else this.log("info", "vector index refreshed", { ...result });
        }
      });
      worker.on("error", (error) =>
        this.log("warn", "vector index refresh failed", { error: error.message }),
      );
      worker.on("exit", () => {
        this.worker = undefined;
        resolve();
        if (this.again && !this.closed) {
          this.again = false;
          this.poke();
        }
      });
    });
  }
}
