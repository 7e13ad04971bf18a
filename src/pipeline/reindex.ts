/**
 * The indexing run shared by `docindex reindex`, the MCP `reindex` tool and the watcher:
 * walk each root, diff against the store's catalog, and send only new and changed files
 * through parse → chunk → store. Unchanged means same size and mtime; failing that, the same
 * sha256 (then only the mtime is updated). Files the walk no longer yields (deleted, or newly
 * ignored) leave the index. Each document is written in its own transaction, so a run that is
 * killed leaves a consistent index and the next run picks up where it stopped.
 */
import type { SourceFile } from "../../scanners/types.js";
import { walk } from "../../scanners/walk/index.js";
import type { Store, StoreStats } from "../../indexers/store.js";
import { effectiveWorkers, type Settings } from "../config/schema.js";
import { newCorrelationId, type Logger } from "../log.js";
import { forEachConcurrent } from "./concurrency.js";
import { hashFile } from "./hash-file.js";
import { indexFile, type FileParser } from "./index-file.js";
import { resolveRoot } from "./resolve-root.js";
import { walkOptionsFor } from "./walk-options.js";

export interface ReindexProgress {
  phase: "scanning" | "indexing" | "done";
  root: string;
  /** Files found so far (scanning) or in total (indexing). */
  scanned: number;
  /** Files that need work in this root, and how many are done. */
  total: number;
  done: number;
  current?: string;
}

export interface FileProblem {
  root: string;
  path: string;
  status: "skipped" | "failed";
  reason: string;
}

export interface ReindexSummary {
  runId: string;
  roots: string[];
  scanned: number;
  added: number;
  changed: number;
  unchanged: number;
  deleted: number;
  /** What became of the files parsed in this run. */
  indexed: number;
  skipped: number;
  failed: number;
  chunksWritten: number;
  /** Skipped and failed files of this run, with reasons. */
  problems: FileProblem[];
  /** The whole index after the run. */
  totals: StoreStats;
  durationMs: number;
}

export interface ReindexOptions {
  settings: Settings;
  store: Store;
  parser: FileParser;
  log: Logger;
  /** Re-parse every file, even unchanged ones. */
  full?: boolean;
  /** Defaults to settings.roots. */
  roots?: string[];
  /** How many files are parsed and written at once; defaults to twice the worker count. */
  concurrency?: number;
  onProgress?: (progress: ReindexProgress) => void;
  signal?: AbortSignal;
}

type Counters = Omit<ReindexSummary, "runId" | "roots" | "totals" | "durationMs">;

function emptyCounters(): Counters {
  return {
    scanned: 0, added: 0, changed: 0, unchanged: 0, deleted: 0,
    indexed: 0, skipped: 0, failed: 0, chunksWritten: 0, problems: [],
  };
}

export async function reindex(options: ReindexOptions): Promise<ReindexSummary> {
  const started = Date.now();
  const runId = newCorrelationId("run");
  const log = options.log.child({ runId });
  const roots = (options.roots ?? options.settings.roots).map(resolveRoot);
  const counters = emptyCounters();
  log.info("reindex started", { roots, full: options.full ?? false });
  for (const root of roots) {
    if (options.signal?.aborted) break;
    await reindexRoot(root, options, counters, log);
  }
  const summary: ReindexSummary = {
    runId,
    roots,
    ...counters,
    totals: await options.store.stats(),
    durationMs: Date.now() - started,
  };
  log.info("reindex finished", {
    scanned: summary.scanned, added: summary.added, changed: summary.changed,
    unchanged: summary.unchanged, deleted: summary.deleted, indexed: summary.indexed,
    skipped: summary.skipped, failed: summary.failed, durationMs: summary.durationMs,
  });
  return summary;
}

async function reindexRoot(
  root: string,
  options: ReindexOptions,
  counters: Counters,
  log: Logger,
): Promise<void> {
  const { store, settings } = options;
  const progress = (p: Omit<ReindexProgress, "root">) => options.onProgress?.({ root, ...p });
  const catalog = await store.catalog(root);
  const seen = new Set<string>();
  const work: { file: SourceFile; isNew: boolean }[] = [];
  const maybeUnchanged: SourceFile[] = [];

  for await (const file of walk({ ...walkOptionsFor(root, settings), signal: options.signal })) {
    seen.add(file.path);
    counters.scanned++;
    if (counters.scanned % 500 === 0) progress({ phase: "scanning", scanned: seen.size, total: 0, done: 0 });
    const known = catalog.get(file.path);
    if (known === undefined) work.push({ file, isNew: true });
    else if (options.full) work.push({ file, isNew: false });
    else if (known.size === file.size && known.mtimeMs === file.mtimeMs) counters.unchanged++;
    else maybeUnchanged.push(file);
  }

  // Same bytes under a new mtime (a touch, a checkout): record the mtime, parse nothing.
  await forEachConcurrent(maybeUnchanged, 8, async (file) => {
    const known = catalog.get(file.path)!;
    const sha256 = await hashFile(file.absPath).catch(() => undefined);
    if (sha256 !== undefined && sha256 === known.sha256 && known.size === file.size) {
      await store.touchDocument(root, file.path, file.mtimeMs);
      counters.unchanged++;
    } else {
      work.push({ file: { ...file, sha256 }, isNew: false });
    }
  });

  const gone = [...catalog.keys()].filter((path) => !seen.has(path));
  if (gone.length > 0 && !options.signal?.aborted) {
    counters.deleted += await store.deleteDocuments(root, gone);
    log.debug("removed documents", { root, count: gone.length });
  }

  work.sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
  let done = 0;
  progress({ phase: "indexing", scanned: seen.size, total: work.length, done });
  const concurrency = options.concurrency ?? effectiveWorkers(settings) * 2;
  const ctx = { store, parser: options.parser, chunkTokens: settings.chunkTokens };
  await forEachConcurrent(
    work,
    concurrency,
    async ({ file, isNew }) => {
      const result = await indexFile(file, ctx);
      if (isNew) counters.added++;
      else counters.changed++;
      counters[result.status]++;
      counters.chunksWritten += result.chunks;
      if (result.status !== "indexed") {
        counters.problems.push({ root, path: file.path, status: result.status, reason: result.reason ?? "" });
        log.debug("file not indexed", { path: file.path, status: result.status, reason: result.reason });
      }
      done++;
      progress({ phase: "indexing", scanned: seen.size, total: work.length, done, current: file.path });
    },
    options.signal,
  );
  counters.problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  progress({ phase: "done", scanned: seen.size, total: work.length, done });
}
