/**
 * Keeps the index following the workspace. Each root is watched natively by @parcel/watcher
 * (the default), or by chokidar when the native module cannot load or the `watcher` setting
 * asks for it (parcel-watch.ts and chokidar-watch.ts say why), with the scanner's own ignore
 * rules, so an ignored directory (node_modules with 100,000 files) is never walked or watched.
 * Events are collected into batches and each batch becomes one "watch" job on the shared job
 * queue, which runs the same pipeline as `reindex`. A batch closes after a short quiet time for
 * a lone save, longer as the batch grows (a burst), and at the latest after maxWaitMs. An
 * editor's atomic save (write a temporary file, rename over the original) arrives as
 * unlink+add or change of the same path, and ends as one change.
 *
 * Index jobs wait until every root is watched, so the start-up catch-up scan cannot miss a
 * change made while the watch was being set up: what changed before is seen by the scan, what
 * changed after by the watch.
 *
 * A .gitignore edit changes which files exist for docindex: the root's watch is rebuilt with
 * the new rules, then the root is rescanned (newly ignored files leave, newly visible ones
 * enter, and whatever changed while the watch was rebuilt is found). Rebuilds of a root run
 * one at a time, and requests made while one is waiting are merged into it. If watching fails (the OS watch limit, for instance), the watcher
 * falls back to polling, and if that fails too, to periodic rescans; the server keeps serving
 * and says so in `inventory`.
 */
import { basename } from "node:path";
import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import type { IndexJobs } from "../server/index-jobs.js";
import type { Admission } from "../../scanners/walk/index.js";
import { chokidarWatch, rootRelative } from "./chokidar-watch.js";
import { loadParcelWatcher, parcelWatch } from "./parcel-watch.js";
import { outermost, treeUnder } from "./ignored-folders.js";
import { RebuildQueue } from "./rebuild-queue.js";
import { Reconciler } from "./reconciler.js";
import type { RootWatch, WatchSink } from "./root-watch.js";

/** How long after a rebuilt watch is live the root is rescanned a second time. */
const SETTLE_RESCAN_MS = 2000;

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
  /** Quiet time that closes a batch of one path; it grows with the batch, up to burstDebounceMs. */
  debounceMs?: number;
  /** The longest quiet time, for a batch of many paths (a burst, a checkout). */
  burstDebounceMs?: number;
  /** A batch is closed at the latest this long after its first event, even in a steady stream. */
  maxWaitMs?: number;
  /** Interval of the periodic-rescan fallback. */
  rescanIntervalMs?: number;
  /** Poll interval of the polling fallback. */
  pollIntervalMs?: number;
  /** The native watch: @parcel/watcher where it loads, or chokidar (the `watcher` setting). */
  backend?: "chokidar" | "parcel";
}

interface PendingBatch {
  paths: Map<string, Set<string>>;
  /** Folders created, per root: their files may predate their watch, so they are listed. */
  folders: Map<string, Set<string>>;
  rescanRoots: Set<string>;
  firstEventAt: number;
  /** Distinct paths in the batch. */
  size: number;
}

/** Adds `rel` to the set of `root` in `map`. */
function addTo(map: Map<string, Set<string>>, root: string, rel: string): void {
  const set = map.get(root) ?? new Set<string>();
  map.set(root, set.add(rel));
}

export class WorkspaceWatcher {
  private readonly watchers = new Map<string, RootWatch>();
  private readonly rebuilds: RebuildQueue;
  /** The rule each root's watch was built with: invalidated on .gitignore events, replaced on rewatch. */
  private readonly admissions = new Map<string, Admission>();
  private readonly options: Required<WatcherOptions>;
  private batch: PendingBatch | undefined;
  private timer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  /** The second rescan after each rebuild (see rebuild()). */
  private readonly settleTimers = new Set<NodeJS.Timeout>();
  private readonly reconciler: Reconciler;
  private closed = false;
  private readonly state: WatcherStatus;

  constructor(options: WatcherOptions) {
    this.options = {
      debounceMs: 25,
      burstDebounceMs: 100,
      maxWaitMs: 1000,
      rescanIntervalMs: 60_000,
      pollIntervalMs: 1000,
      backend: "parcel",
      ...options,
    };
    this.state = { mode: "starting", roots: options.roots, events: 0, batches: 0 };
    this.rebuilds = new RebuildQueue((root) => this.rebuild(root));
    this.reconciler = new Reconciler({
      jobs: options.jobs,
      admission: (root) => this.admissions.get(root),
      quietMs: Math.max(1000, this.options.maxWaitMs),
      // A folder the watch never reported was created before its parent's watch existed: no
      // event will ever come from it until the root's watch is rebuilt.
      unwatched: (root) => this.rebuilds.request(root),
    });
  }

  status(): WatcherStatus {
    return { ...this.state };
  }

  /** Watches every root; index jobs queued meanwhile (the catch-up scan) wait for it. */
  start(): Promise<void> {
    const watching = (async () => {
      for (const root of this.options.roots) {
        await this.rebuilds.first(root, () => this.watchRoot(root, false));
      }
      if (this.state.mode === "starting") this.state.mode = "watching";
    })();
    // Held even if watching fails: the fallbacks then say so, and the scan must still run.
    this.options.jobs.holdUntil(watching.catch(() => undefined));
    return watching;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.reconciler.close();
    clearInterval(this.rescanTimer);
    for (const timer of this.settleTimers) clearTimeout(timer);
    this.settleTimers.clear();
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
    // New rules: a rebuilt watch, then a rescan of the root (rebuild() queues it).
    for (const root of batch.rescanRoots) void this.rebuilds.request(root);
    if (batch.folders.size === 0) {
      if (batch.paths.size > 0) this.options.jobs.enqueue({ kind: "watch", paths: batch.paths });
      return;
    }
    // By the time a folder's event arrives its watch is live (the backends add it first), so
    // listing it now finds every file the watch will not report.
    void this.listFolders(batch.folders, batch.paths).then(() => {
      if (!this.closed && batch.paths.size > 0)
        this.options.jobs.enqueue({ kind: "watch", paths: batch.paths });
    });
  }

  /** Adds the files under each root's `folders` to `paths`. */
  private async listFolders(
    folders: Map<string, Set<string>>,
    paths: Map<string, Set<string>>,
  ): Promise<void> {
    for (const [root, rels] of folders) {
      const admission = this.admissions.get(root);
      if (!admission) continue;
      for (const rel of outermost(rels)) {
        for (const file of (await treeUnder(root, admission, rel)).files) addTo(paths, root, file);
      }
    }
  }

  private async watchRoot(root: string, polling: boolean): Promise<void> {
    const admission = await this.options.admission(root);
    this.admissions.set(root, admission);
    const sink: WatchSink = {
      event: (event, absPath) => this.onEvent(root, event, absPath),
      error: (error) => void this.onWatchError(root, error, polling),
      stale: () => void this.rebuilds.request(root),
    };
    const options = { root, admission, sink, polling, pollIntervalMs: this.options.pollIntervalMs };
    const wantParcel = !polling && this.options.backend === "parcel";
    const parcel = wantParcel ? await loadParcelWatcher() : undefined;
    if (wantParcel && !parcel) {
      this.options.log.warn("@parcel/watcher cannot load here; watching with chokidar", { root });
    }
    const watch = parcel ? await parcelWatch(parcel, options) : await chokidarWatch(options);
    // Closed while the watch was being built (a rebuild at shutdown): nobody else will close it.
    if (this.closed) return void (await watch.close());
    this.watchers.set(root, watch);
    this.options.log.debug("watching", {
      root,
      backend: parcel ? "@parcel/watcher" : "chokidar",
      polling,
    });
  }

  /**
   * Rebuilds a root's watch under the rules as they are now (RebuildQueue runs one per root at
   * a time), then rescans the root. The old watch is closed first: a new @parcel/watcher
   * subscription made while the old one lives reuses the old one's folder tree instead of
   * crawling (parcel-watch.ts), which is the very thing a rebuild must replace. What changes
   * between the two (a second or two on 50,000 files) no watch sees; the rescan that follows,
   * which starts once the new watch is live, finds it by size and mtime, as the catch-up scan
   * does at start-up. So a rule change, a folder the watch missed and a new ignored folder all
   * end the same way: a fresh watch and an unchanged-tree rescan.
   */
  private async rebuild(root: string): Promise<void> {
    if (this.closed) return;
    const old = this.watchers.get(root);
    this.watchers.delete(root);
    await old?.close().catch(() => undefined);
    try {
      // watchRoot reads every ignore file afresh: an event may have fired while a .gitignore
      // was half written, and a later event asks for another rebuild.
      await this.watchRoot(root, this.state.mode === "polling");
    } catch (error) {
      // A rebuild that fails (the OS watch limit) falls back like a failing watch; the
      // fallback rescans the root itself.
      await this.onWatchError(root, error as Error, this.state.mode === "polling");
      return;
    }
    if (this.closed) return;
    this.options.jobs.enqueue({ kind: "watch", roots: [root] });
    // And once more when the rebuild has settled. A .gitignore save can raise its events apart
    // (truncate, then write), so a second rebuild may close the watch the first rescan relied
    // on; a file written in that gap (CI caught one: a file in a folder the edit made visible,
    // never found) is seen by no watch, nor by a rescan that had passed its folder already.
    // An unchanged-tree rescan is cheap next to the edit that asked for it.
    const settle = setTimeout(() => {
      this.settleTimers.delete(settle);
      if (!this.closed) this.options.jobs.enqueue({ kind: "watch", roots: [root] });
    }, SETTLE_RESCAN_MS);
    settle.unref();
    this.settleTimers.add(settle);
  }

  private onEvent(root: string, event: string, absPath: string): void {
    if (this.closed) return;
    const rel = rootRelative(root, absPath);
    if (rel === undefined) return;
    this.state.events++;
    const batch = (this.batch ??= {
      paths: new Map(),
      folders: new Map(),
      rescanRoots: new Set(),
      firstEventAt: Date.now(),
      size: 0,
    });
    this.reconciler.note(root, event, rel, this.state.events);
    if (basename(rel) === ".gitignore") {
      this.admissions.get(root)?.invalidate(rel);
      batch.rescanRoots.add(root);
    }
    if (event === "addDir") addTo(batch.folders, root, rel);
    const before = batch.paths.get(root)?.size ?? 0;
    addTo(batch.paths, root, rel);
    if ((batch.paths.get(root)?.size ?? 0) > before) batch.size++;
    this.options.log.debug("file event", { event, root, path: rel });
    this.schedule(batch);
  }

  /**
   * A lone save waits debounceMs of quiet (what an editor's write-and-rename needs to arrive
   * whole); each further event in the batch adds as much, up to burstDebounceMs, so a burst is
   * gathered into few jobs; maxWaitMs bounds the wait in a stream that never pauses.
   */
  private schedule(batch: PendingBatch): void {
    clearTimeout(this.timer);
    const { debounceMs, burstDebounceMs, maxWaitMs } = this.options;
    const quiet = Math.min(Math.max(debounceMs, burstDebounceMs), debounceMs * batch.size);
    const untilMaxWait = batch.firstEventAt + maxWaitMs - Date.now();
    this.timer = setTimeout(() => this.flush(), Math.max(0, Math.min(quiet, untilMaxWait)));
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
