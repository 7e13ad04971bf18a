/**
 * Keeps the index following the workspace. Each root is watched natively by @parcel/watcher
 * when it is installed, else by chokidar (parcel-watch.ts and chokidar-watch.ts say why), with
 * the scanner's own ignore rules, so an ignored directory (node_modules with 100,000 files) is
 * never walked or watched. Events are collected into batches (debounced, with a maximum wait)
 * and each batch becomes one "watch" job on the shared job queue, which runs the same pipeline
 * as `reindex`. An editor's atomic save (write a temporary file, rename over the original)
 * arrives as unlink+add or change of the same path, and ends as one change.
 *
 * A .gitignore edit changes which files exist for docindex: the root is rescanned (newly
 * ignored files leave, newly visible ones enter) and its watch is rebuilt with the new rules.
 * If watching fails (the OS watch limit, for instance), the watcher falls back to polling, and
 * if that fails too, to periodic rescans; the server keeps serving and says so in `inventory`.
 */
import { basename } from "node:path";
import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import type { IndexJobs } from "../server/index-jobs.js";
import type { Admission } from "../../scanners/walk/index.js";
import { chokidarWatch, rootRelative } from "./chokidar-watch.js";
import { loadParcelWatcher, parcelWatch } from "./parcel-watch.js";
import { Reconciler } from "./reconciler.js";
import type { RootWatch, WatchSink } from "./root-watch.js";

export type WatchMode = "starting" | "watching" | "polling" | "rescanning" | "off";

export interface WatcherStatus {
  mode: WatchMode;
  /** Why the watcher is not in its normal mode, when it is not. */
  detail?: string;
  roots: string[];
  /** File events received since start. */
  events: number;
  /** Batches handed to the job queue since start. */
  batches: number;
}

export interface WatcherOptions {
  roots: string[];
  jobs: IndexJobs;
  /** A root's admission rule, read afresh; the watcher keeps one per watch and invalidates it. */
  admission(root: string): Promise<Admission>;
  log: Logger;
  /** Quiet time that closes a batch. */
  debounceMs?: number;
  /** A batch is closed at the latest this long after its first event, even in a steady stream. */
  maxWaitMs?: number;
  /** Interval of the periodic-rescan fallback. */
  rescanIntervalMs?: number;
  /** Poll interval of the polling fallback. */
  pollIntervalMs?: number;
  /** The native watch: chokidar, or @parcel/watcher where it is installed (the `watcher` setting). */
  backend?: "chokidar" | "parcel";
}

interface PendingBatch {
  paths: Map<string, Set<string>>;
  rescanRoots: Set<string>;
  firstEventAt: number;
}

export class WorkspaceWatcher {
  private readonly watchers = new Map<string, RootWatch>();
  private readonly rewatching = new Set<string>();
  /** The rule each root's watch was built with: invalidated on .gitignore events, replaced on rewatch. */
  private readonly admissions = new Map<string, Admission>();
  private readonly options: Required<WatcherOptions>;
  private batch: PendingBatch | undefined;
  private timer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private readonly reconciler: Reconciler;
  private closed = false;
  private readonly state: WatcherStatus;

  constructor(options: WatcherOptions) {
    this.options = {
      debounceMs: 100,
      maxWaitMs: 1000,
      rescanIntervalMs: 60_000,
      pollIntervalMs: 1000,
      backend: "chokidar",
      ...options,
    };
    this.state = { mode: "starting", roots: options.roots, events: 0, batches: 0 };
    this.reconciler = new Reconciler(
      options.jobs,
      (root) => this.admissions.get(root),
      Math.max(1000, this.options.maxWaitMs),
    );
  }

  status(): WatcherStatus {
    return { ...this.state };
  }

  async start(): Promise<void> {
    for (const root of this.options.roots) await this.watchRoot(root, false);
    if (this.state.mode === "starting") this.state.mode = "watching";
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.reconciler.close();
    clearInterval(this.rescanTimer);
    await Promise.all([...this.watchers.values()].map((w) => w.close()));
    this.watchers.clear();
    this.state.mode = "off";
  }

  /** Flushes the pending batch now (tests and shutdown use it). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch;
    this.batch = undefined;
    if (!batch || this.closed) return;
    this.state.batches++;
    const rescan = [...batch.rescanRoots];
    for (const root of rescan) batch.paths.delete(root);
    if (rescan.length > 0) {
      const job = this.options.jobs.enqueue({ kind: "watch", roots: rescan });
      // Rebuild the watch once the rescan has run, so newly visible folders are watched too.
      void this.options.jobs
        .wait(job.id)
        .then(() => Promise.all(rescan.map((root) => this.rewatch(root))));
    }
    if (batch.paths.size > 0) this.options.jobs.enqueue({ kind: "watch", paths: batch.paths });
  }

  private async watchRoot(root: string, polling: boolean): Promise<void> {
    const admission = await this.options.admission(root);
    this.admissions.set(root, admission);
    const sink: WatchSink = {
      event: (event, absPath) => this.onEvent(root, event, absPath),
      error: (error) => void this.onWatchError(root, error, polling),
      stale: () => this.rewatchLater(root),
    };
    const options = { root, admission, sink, polling, pollIntervalMs: this.options.pollIntervalMs };
    const parcel =
      polling || this.options.backend !== "parcel" ? undefined : await loadParcelWatcher();
    const watch = parcel ? await parcelWatch(parcel, options) : await chokidarWatch(options);
    this.watchers.set(root, watch);
    this.options.log.debug("watching", {
      root,
      backend: parcel ? "@parcel/watcher" : "chokidar",
      polling,
    });
  }

  /** One rebuild for any number of stale reports in a row. */
  private rewatchLater(root: string): void {
    if (this.rewatching.has(root)) return;
    this.rewatching.add(root);
    // A rebuild that fails (the OS watch limit) falls back like a failing watch.
    void this.rewatch(root)
      .catch((error: unknown) =>
        this.onWatchError(root, error as Error, this.state.mode === "polling"),
      )
      .finally(() => this.rewatching.delete(root));
  }

  /**
   * Rebuilds a root's watch under new ignore rules. The old watch stays open until the new one
   * is ready, and a rescan afterwards settles anything that changed while the two overlapped,
   * so no event falls into the gap.
   */
  private async rewatch(root: string): Promise<void> {
    if (this.closed) return;
    // watchRoot reads every ignore file afresh: an event may have fired while a .gitignore was
    // half written.
    const old = this.watchers.get(root);
    await this.watchRoot(root, this.state.mode === "polling");
    await old?.close();
    if (!this.closed) this.options.jobs.enqueue({ kind: "watch", roots: [root] });
  }

  private onEvent(root: string, event: string, absPath: string): void {
    if (this.closed) return;
    const rel = rootRelative(root, absPath);
    if (rel === undefined) return;
    this.state.events++;
    const batch = (this.batch ??= {
      paths: new Map(),
      rescanRoots: new Set(),
      firstEventAt: Date.now(),
    });
    this.reconciler.note(root, event, rel, this.state.events);
    if (basename(rel) === ".gitignore") {
      this.admissions.get(root)?.invalidate(rel);
      batch.rescanRoots.add(root);
    } else {
      const set = batch.paths.get(root) ?? new Set<string>();
      set.add(rel);
      batch.paths.set(root, set);
    }
    this.options.log.debug("file event", { event, root, path: rel });
    this.schedule(batch);
  }

  private schedule(batch: PendingBatch): void {
    clearTimeout(this.timer);
    const untilMaxWait = batch.firstEventAt + this.options.maxWaitMs - Date.now();
    this.timer = setTimeout(
      () => this.flush(),
      Math.max(0, Math.min(this.options.debounceMs, untilMaxWait)),
    );
  }

  /** Public for the fallback test: chokidar reports watch failures (ENOSPC, EMFILE) through this path. */
  async onWatchError(root: string, error: Error, wasPolling: boolean): Promise<void> {
    if (this.closed) return;
    const reason = describeError(error);
    const old = this.watchers.get(root);
    this.watchers.delete(root);
    await old?.close().catch(() => undefined);
    if (!wasPolling) {
      this.options.log.warn("file watching failed; falling back to polling", {
        root,
        error: reason,
      });
      this.state.mode = "polling";
      this.state.detail = `watching failed (${reason}); polling every ${this.options.pollIntervalMs / 1000} s`;
      try {
        await this.watchRoot(root, true);
        // Polling starts from what it sees now: catch up with what happened in between.
        this.options.jobs.enqueue({ kind: "watch", roots: [root] });
        return;
      } catch (pollError) {
        this.options.log.warn("polling failed too", { root, error: describeError(pollError) });
      }
    }
    this.state.mode = "rescanning";
    this.state.detail = `watching failed (${reason}); rescanning every ${this.options.rescanIntervalMs / 1000} s`;
    this.options.log.warn("falling back to periodic rescans", { root, error: reason });
    this.rescanTimer ??= setInterval(() => {
      this.options.jobs.enqueue({ kind: "watch", roots: this.options.roots });
    }, this.options.rescanIntervalMs);
    this.rescanTimer.unref();
  }
}
