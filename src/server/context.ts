/**
 * Everything a running server shares between its sessions and tools: settings, the store,
 * the job queue (the only writer), the admission rules and the watcher. Built once by
 * `docindex serve`, closed once on shutdown.
 */
import type { Store } from "../../indexers/store.js";
import type { Settings } from "../config/schema.js";
import type { Logger } from "../log.js";
import { reindexPaths } from "../pipeline/reindex-paths.js";
import { reindex, type RunSummary } from "../pipeline/reindex.js";
import { resolveRoot } from "../pipeline/resolve-root.js";
import { createParserPool, openStore } from "../pipeline/runtime.js";
import { VectorIndexer } from "../pipeline/vectors.js";
import { admissionFor } from "../pipeline/walk-options.js";
import type { Admission } from "../../scanners/walk/index.js";
import { WorkspaceWatcher, type WatcherStatus } from "../watcher/workspace-watcher.js";
import { IndexJobs, type JobRequest } from "./index-jobs.js";
import { JobJournal } from "./job-journal.js";
import { rebuildOnRecovery } from "./index-recovery.js";
import { join } from "node:path";
import { StoreError } from "../../indexers/store.js";
import { isDocindexError } from "../errors.js";

export interface ServerContext {
  settings: Settings;
  /** Realpaths of the configured roots. */
  roots: string[];
  store: Store;
  /**
   * Where searches run: the store itself, or (HTTP, http.ts) reader threads over the SQLite
   * file (search-readers.ts), so the event loop stays free for many sessions' JSON-RPC.
   */
  searcher: Pick<Store, "search">;
  jobs: IndexJobs;
  /** The admission rule of a root as its files say now: what may be indexed and read. */
  admission(root: string): Promise<Admission>;
  vectors: VectorIndexer;
  log: Logger;
  watcherStatus(): WatcherStatus;
  close(): Promise<void>;
}

export interface ContextOptions {
  settings: Settings;
  log: Logger;
  watch: boolean;
  /** Watcher timings, for tests. */
  watcher?: { debounceMs?: number; maxWaitMs?: number; rescanIntervalMs?: number };
  /** How often chunks waiting for an unavailable embedder are tried again. */
  embedRetryMs?: number;
  /** How soon work deferred because the store was unreachable is tried again. */
  deferredRetryMs?: number;
}

export const JOURNAL_FILE = "pending-work.json";

/** Adds the figures of one run to another, for jobs that do several (roots, then paths). */
function mergeSummaries(a: RunSummary | undefined, b: RunSummary): RunSummary {
  if (!a) return b;
  const sum = (
    key:
      | "scanned"
      | "added"
      | "changed"
      | "unchanged"
      | "deleted"
      | "indexed"
      | "skipped"
      | "failed"
      | "chunksWritten",
  ) => a[key] + b[key];
  return {
    ...b,
    roots: [...new Set([...a.roots, ...b.roots])],
    scanned: sum("scanned"),
    added: sum("added"),
    changed: sum("changed"),
    unchanged: sum("unchanged"),
    deleted: sum("deleted"),
    indexed: sum("indexed"),
    skipped: sum("skipped"),
    failed: sum("failed"),
    chunksWritten: sum("chunksWritten"),
    problems: [...a.problems, ...b.problems],
    durationMs: a.durationMs + b.durationMs,
  };
}

export async function createServerContext(options: ContextOptions): Promise<ServerContext> {
  const { settings, log } = options;
  const roots = settings.roots.map(resolveRoot);
  const store = await openStore(settings, { create: true });
  const pool = createParserPool(settings);
  const admission = (root: string) => admissionFor(root, settings);
  const vectors = VectorIndexer.create(settings, store, log);

  const runJob = async (
    request: JobRequest,
    onProgress: Parameters<typeof reindex>[0]["onProgress"],
  ) => {
    // A `reindex` (the tool, the CLI) embeds within its job and reports it; the watcher's jobs
    // leave the backlog to embedInBackground, so that the next save is not queued behind it.
    const inline = request.kind === "reindex";
    const base = {
      settings,
      store,
      parser: pool,
      log,
      full: request.full,
      onProgress,
      ...(inline ? { vectors } : {}),
    };
    let summary: RunSummary | undefined;
    if (request.roots && request.roots.length > 0) {
      summary = await reindex({ ...base, roots: request.roots });
    }
    for (const [root, paths] of request.paths ?? []) {
      if (request.roots?.includes(root)) continue; // already rescanned whole
      const rule = await admission(root);
      summary = mergeSummaries(
        summary,
        await reindexPaths({ ...base, root, paths, admission: rule }),
      );
    }
    if (!summary) summary = await reindex({ ...base, roots: [] });
    if (!inline) embedInBackground();
    return summary;
  };
  // Between rounds, the backlog gives way to any index job queued or running; the job's end
  // starts it again. So embedding never holds a save behind it for more than one round.
  const embedInBackground = () => {
    if (!vectors.enabled) return;
    // After the job is marked done (setImmediate runs after the queue's own continuations).
    setImmediate(() => {
      void vectors
        .embedBacklog(undefined, () => jobs.active() !== undefined || jobs.pending() > 0)
        .catch((error: unknown) => log.warn("embedding failed", { error: String(error) }));
    });
  };
  // When the store is unreachable (a cluster that is down), work waits on disk, not in memory.
  const jobs = new IndexJobs(runJob, log, {
    journal: new JobJournal(join(settings.indexDir, JOURNAL_FILE)),
    retryMs: options.deferredRetryMs ?? settings.storeRetrySec * 1000,
    isRetryable: (error) =>
      (error instanceof StoreError && error.code === "UNAVAILABLE") ||
      (isDocindexError(error) && error.code === "UNAVAILABLE"),
  });

  rebuildOnRecovery(store, jobs, roots, log);

  let watcher: WorkspaceWatcher | undefined;
  if (options.watch) {
    watcher = new WorkspaceWatcher({
      roots,
      jobs,
      admission,
      log,
      backend: settings.watcher,
      ...options.watcher,
    });
    // Watching starts in the background: tools answer while the watch is set up; index jobs wait for it.
    void watcher.start().then(
      // Once the catch-up scan is done, a parser worker waits for the first save.
      () => jobs.idle().then(() => pool.warm()),
      (error: unknown) => void watcher?.onWatchError(roots[0]!, error as Error, false),
    );
  }

  // Chunks that wait for an embedder that was down are embedded once it answers again,
  // without waiting for the next file change.
  const retry = setInterval(
    () => {
      const status = vectors.status();
      if (
        vectors.enabled &&
        status.state === "unavailable" &&
        (status.pending ?? 1) > 0 &&
        !jobs.active()
      ) {
        void vectors
          .embedBacklog()
          .catch((error: unknown) => log.warn("embedding retry failed", { error: String(error) }));
      }
    },
    options.embedRetryMs ?? settings.embedRetrySec * 1000,
  );
  retry.unref();

  return {
    settings,
    roots,
    store,
    searcher: store,
    jobs,
    admission,
    vectors,
    log,
    watcherStatus: () =>
      watcher?.status() ?? {
        mode: "off",
        detail: "started with --no-watch",
        roots,
        events: 0,
        batches: 0,
      },
    close: async () => {
      clearInterval(retry);
      await watcher?.close();
      await jobs.close();
      await vectors.close();
      await pool.close();
      await store.close();
    },
  };
}
