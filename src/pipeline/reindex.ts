/**
 * The indexing run shared by `docindex reindex`, the MCP `reindex` tool and the server's
 * catch-up scan: walk each root, diff against the store's catalog, and send only new and
 * changed files through parse → chunk → store (apply-changes.ts). Files the walk no longer
 * yields (deleted, or newly ignored) leave the index. Each document is written in its own
 * transaction, so a run that is killed leaves a consistent index and the next run picks up
 * where it stopped.
 */
import { walkBatches } from "../../scanners/walk/index.js";
import type { Store, StoreStats } from "../../indexers/store.js";
import { effectiveWorkers, type Settings } from "../config/schema.js";
import { newCorrelationId, type Logger } from "../log.js";
import {
  applyChanges,
  emptyCounters,
  type ApplyContext,
  type Candidate,
  type RunCounters,
} from "./apply-changes.js";
import type { FileParser } from "./index-file.js";
import type { EmbedBacklogResult } from "../embed/embed-backlog.js";
import type { VectorIndexer } from "./vectors.js";
import { resolveRoot } from "./resolve-root.js";
import { walkOptionsFor } from "./walk-options.js";

export type { FileProblem } from "./apply-changes.js";

export interface ReindexProgress {
  phase: "scanning" | "indexing" | "done";
  root: string;
  /** Files found so far. */
  scanned: number;
  /** Files that need parsing in this root, and how many are done. */
  total: number;
  done: number;
  current?: string;
}

/** What a run did. */
export interface RunSummary extends RunCounters {
  runId: string;
  roots: string[];
  /** What the embedding backlog did after indexing (absent when no embedder is configured). */
  embeddings?: EmbedBacklogResult;
  durationMs: number;
}

/**
 * A whole-root run's summary also counts the whole index. A run over given paths (a watcher
 * save) does not: counting 50,000 rows by status and kind took longer than the save itself.
 */
export interface ReindexSummary extends RunSummary {
  /** The whole index after the run. */
  totals: StoreStats;
}

export interface PipelineOptions {
  settings: Settings;
  store: Store;
  parser: FileParser;
  log: Logger;
  /** Re-parse every file, even unchanged ones. */
  full?: boolean;
  /** How many files are hashed, parsed and chunked at once; defaults to PARSES_PER_WORKER per worker. */
  concurrency?: number;
  onProgress?: (progress: ReindexProgress) => void;
  signal?: AbortSignal;
  /** Gives the new chunks vectors after indexing; absent or disabled: lexical only. */
  vectors?: Pick<VectorIndexer, "enabled" | "embedBacklog">;
}

export interface ReindexOptions extends PipelineOptions {
  /** Defaults to settings.roots. */
  roots?: string[];
}

/**
 * Small files parse in far less time than a message takes to reach a worker and come back, so a
 * worker needs several files queued to stay busy; each waiting file costs one parsed document
 * of memory.
 */
const PARSES_PER_WORKER = 8;

/** Wraps a run's work with its id, logs and the summary every entry point reports. */
export async function runWithSummary(
  options: PipelineOptions,
  roots: string[],
  label: string,
  work: (counters: RunCounters, log: Logger) => Promise<void>,
): Promise<RunSummary> {
  const started = Date.now();
  const runId = newCorrelationId("run");
  const log = options.log.child({ runId });
  const counters = emptyCounters();
  log.info(`${label} started`, { roots, full: options.full ?? false });
  await work(counters, log);
  const embeddings = options.vectors?.enabled
    ? await options.vectors.embedBacklog(options.signal)
    : undefined;
  const summary: RunSummary = {
    runId,
    roots,
    ...counters,
    ...(embeddings ? { embeddings } : {}),
    durationMs: Date.now() - started,
  };
  const { problems: _problems, ...figures } = summary;
  log.info(`${label} finished`, figures);
  return summary;
}

/** What applyChanges needs from a run's options: shared by whole-root and path runs. */
export function applyContext(
  root: string,
  options: PipelineOptions,
  log: Logger,
  onFileDone: ApplyContext["onFileDone"],
): ApplyContext {
  return {
    root,
    store: options.store,
    parser: options.parser,
    chunkTokens: options.settings.chunkTokens,
    concurrency:
      options.concurrency ??
      Math.max(
        effectiveWorkers(options.settings) * PARSES_PER_WORKER,
        options.store.writeConcurrency ?? 0,
      ),
    log,
    full: options.full,
    signal: options.signal,
    onFileDone,
  };
}

export async function reindex(options: ReindexOptions): Promise<ReindexSummary> {
  const roots = (options.roots ?? options.settings.roots).map(resolveRoot);
  const run = () =>
    runWithSummary(options, roots, "reindex", async (counters, log) => {
      for (const root of roots) {
        if (options.signal?.aborted) break;
        await reindexRoot(root, options, counters, log);
      }
    });
  const { store } = options;
  // A store that can build a new index beside the live one (Elasticsearch) does so for a full
  // run, and swaps it in only when complete: searches never see an empty or half-built index.
  if (!options.full || !store.beginRebuild || !store.finishRebuild) {
    const summary = await run();
    return { ...summary, totals: await store.stats() };
  }
  await store.beginRebuild();
  try {
    const summary = await run();
    if (options.signal?.aborted) throw new Error("reindex cancelled");
    await store.finishRebuild();
    return { ...summary, totals: await store.stats() };
  } catch (error) {
    await store.abortRebuild?.().catch(() => undefined);
    throw error;
  }
}

async function reindexRoot(
  root: string,
  options: PipelineOptions,
  counters: RunCounters,
  log: Logger,
): Promise<void> {
  const { store, settings } = options;
  const progress = (p: Omit<ReindexProgress, "root">) => options.onProgress?.({ root, ...p });
  const catalog = await store.catalog(root);
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  const walkOptions = { ...walkOptionsFor(root, settings), signal: options.signal };
  for await (const files of walkBatches(walkOptions)) {
    for (const file of files) {
      seen.add(file.path);
      counters.scanned++;
      candidates.push({ file, known: catalog.get(file.path) });
    }
    progress({ phase: "scanning", scanned: seen.size, total: 0, done: 0 });
  }
  // A document inside a file (an attachment) is no file of the walk: it goes with its file.
  const gone = [...catalog]
    .filter(([path, entry]) => !seen.has(path) && !seen.has(entry.container ?? path))
    .map(([path]) => path);
  if (gone.length > 0 && !options.signal?.aborted) {
    counters.deleted += await store.deleteDocuments(root, gone);
    log.debug("removed documents", { root, count: gone.length });
  }
  await applyChanges(
    candidates,
    applyContext(root, options, log, (done, total, path) =>
      progress({ phase: "indexing", scanned: seen.size, total, done, current: path || undefined }),
    ),
    counters,
  );
  progress({
    phase: "done",
    scanned: seen.size,
    total: counters.added + counters.changed,
    done: counters.added + counters.changed,
  });
}
