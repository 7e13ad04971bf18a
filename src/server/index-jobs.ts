/**
 * Background indexing jobs. Jobs run one at a time, in order, so that a manual reindex, the
 * start-up catch-up scan and the watcher's batches never write to the store at once. A job
 * is queued and its id returned at once; callers follow it by id (index_status) or by
 * subscribing to its progress. Watcher batches that wait in the queue are merged, so a burst
 * of 5,000 events becomes a few jobs, not 5,000.
 */
import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import type { ReindexProgress, RunSummary } from "../pipeline/reindex.js";
import type { JobJournal } from "./job-journal.js";

export type JobKind = "reindex" | "catch-up" | "watch";
export type JobState = "queued" | "running" | "done" | "failed";

export interface JobRequest {
  kind: JobKind;
  /** Whole roots to scan (absolute realpaths). */
  roots?: string[];
  /** Individual root-relative paths per root (watcher batches, reindex of given paths). */
  paths?: Map<string, Set<string>>;
  /** Re-parse unchanged files too. */
  full?: boolean;
}

export interface JobCounts {
  scanned: number;
  total: number;
  done: number;
}

export interface IndexJob {
  id: string;
  kind: JobKind;
  state: JobState;
  roots: string[];
  paths: number;
  full: boolean;
  queuedAt: number;
  startedAt?: number;
  finishedAt?: number;
  progress: JobCounts;
  summary?: RunSummary;
  error?: string;
}

export type JobRunner = (
  request: JobRequest,
  onProgress: (progress: ReindexProgress) => void,
) => Promise<RunSummary>;

type ProgressListener = (job: IndexJob) => void;

export interface DeferralOptions {
  /** Failures that mean "try again later" (the store is unreachable), not "this work is bad". */
  isRetryable(error: unknown): boolean;
  /** Where deferred work is kept until it is applied. */
  journal: JobJournal;
  /** Wait before trying deferred work again. */
  retryMs: number;
}

const HISTORY = 50;

export class IndexJobs {
  private readonly jobs = new Map<string, IndexJob>();
  private readonly requests = new Map<string, JobRequest>();
  private readonly queue: string[] = [];
  private readonly listeners = new Map<string, Set<ProgressListener>>();
  private readonly waiters = new Map<string, ((job: IndexJob) => void)[]>();
  /** Called when any job ends, done or failed (what the index now says may have changed). */
  private readonly finishListeners = new Set<(job: IndexJob) => void>();
  private running = false;
  private sequence = 0;
  private closed = false;
  /** Work that failed because the store was unreachable, merged, waiting to be tried again. */
  private deferred: JobRequest | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** No job starts before this settles (see holdUntil); unset once it has. */
  private hold: Promise<void> | undefined;

  constructor(
    private readonly runner: JobRunner,
    private readonly log: Logger,
    private readonly deferral?: DeferralOptions,
  ) {
    const saved = deferral?.journal.load() ?? [];
    for (const request of saved) this.defer(request);
  }

  /** Work waiting for the store to come back, if any. */
  deferredWork(): { roots: number; paths: number } | undefined {
    if (!this.deferred) return undefined;
    return { roots: this.deferred.roots?.length ?? 0, paths: countPaths(this.deferred.paths) };
  }

  enqueue(request: JobRequest): IndexJob {
    if (request.kind === "watch") {
      const merged = this.mergeIntoQueuedWatchJob(request);
      if (merged) return merged;
    }
    const id = `job-${++this.sequence}`;
    const job: IndexJob = {
      id,
      kind: request.kind,
      state: "queued",
      roots: request.roots ?? [...(request.paths?.keys() ?? [])],
      paths: countPaths(request.paths),
      full: request.full ?? false,
      queuedAt: Date.now(),
      progress: { scanned: 0, total: 0, done: 0 },
    };
    this.jobs.set(id, job);
    this.requests.set(id, request);
    this.queue.push(id);
    this.trimHistory();
    void this.drain();
    return job;
  }

  /**
   * No job starts before `ready` settles. The watcher holds the queue until every root is
   * watched, so that the catch-up scan queued at start-up runs after the watch is live and
   * between them nothing is missed. Tool calls keep answering; jobs queue meanwhile.
   */
  holdUntil(ready: Promise<unknown>): void {
    const held = Promise.all([this.hold, ready]).then(
      () => undefined,
      () => undefined,
    );
    this.hold = held;
    // Unset once settled, so that jobs start at once again, as before any hold.
    void held.then(() => {
      if (this.hold === held) this.hold = undefined;
    });
  }

  get(id: string): IndexJob | undefined {
    return this.jobs.get(id);
  }

  /** Newest first. */
  list(): IndexJob[] {
    return [...this.jobs.values()].reverse();
  }

  active(): IndexJob | undefined {
    return [...this.jobs.values()].find((job) => job.state === "running");
  }

  pending(): number {
    return this.queue.length;
  }

  /** Calls `listener` whenever a job ends; returns the function that stops it. */
  onFinished(listener: (job: IndexJob) => void): () => void {
    this.finishListeners.add(listener);
    return () => this.finishListeners.delete(listener);
  }

  subscribe(id: string, listener: ProgressListener): () => void {
    if (!this.listeners.has(id)) this.listeners.set(id, new Set());
    this.listeners.get(id)!.add(listener);
    return () => this.listeners.get(id)?.delete(listener);
  }

  /** Resolves when the job is done or failed. */
  wait(id: string): Promise<IndexJob> {
    const job = this.jobs.get(id);
    if (!job) return Promise.reject(new Error(`unknown job ${id}`));
    if (job.state === "done" || job.state === "failed") return Promise.resolve(job);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
    });
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    for (;;) {
      const open = [...this.jobs.values()].find(
        (job) => job.state === "queued" || job.state === "running",
      );
      if (!open) return;
      await this.wait(open.id);
    }
  }

  /** Stops taking new work; waits for the running job. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.queue.length = 0;
    const running = this.active();
    if (running) await this.wait(running.id);
  }

  private mergeIntoQueuedWatchJob(request: JobRequest): IndexJob | undefined {
    const queuedId = this.queue.find((id) => this.jobs.get(id)?.kind === "watch");
    if (queuedId === undefined) return undefined;
    const queued = this.requests.get(queuedId)!;
    const job = this.jobs.get(queuedId)!;
    if (request.roots) {
      queued.roots = [...new Set([...(queued.roots ?? []), ...request.roots])];
    }
    for (const [root, paths] of request.paths ?? []) {
      if (!queued.paths) queued.paths = new Map();
      const set = queued.paths.get(root) ?? new Set<string>();
      for (const path of paths) set.add(path);
      queued.paths.set(root, set);
    }
    job.roots = [...new Set([...(queued.roots ?? []), ...(queued.paths?.keys() ?? [])])];
    job.paths = countPaths(queued.paths);
    return job;
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      if (this.hold) await this.hold;
      for (;;) {
        if (this.closed) return;
        const id = this.queue.shift();
        if (id === undefined) return;
        await this.run(this.jobs.get(id)!, this.requests.get(id)!);
      }
    } finally {
      this.running = false;
    }
  }

  private async run(job: IndexJob, request: JobRequest): Promise<void> {
    job.state = "running";
    job.startedAt = Date.now();
    this.notify(job);
    try {
      job.summary = await this.runner(request, (progress) => {
        job.progress = { scanned: progress.scanned, total: progress.total, done: progress.done };
        this.notify(job);
      });
      job.state = "done";
    } catch (error) {
      job.state = "failed";
      job.error = describeError(error);
      if (this.deferral?.isRetryable(error)) {
        this.defer(request);
        job.error += " (the work is kept and tried again when the store answers)";
        this.log.warn("index job deferred: store unavailable", {
          jobId: job.id,
          error: describeError(error),
        });
      } else {
        this.log.error("index job failed", { jobId: job.id, error: job.error });
      }
    } finally {
      job.finishedAt = Date.now();
      this.requests.delete(job.id);
      this.notify(job);
      for (const resolve of this.waiters.get(job.id) ?? []) resolve(job);
      this.waiters.delete(job.id);
      this.listeners.delete(job.id);
      for (const listener of this.finishListeners) {
        try {
          listener(job);
        } catch (error) {
          this.log.warn("job listener failed", { jobId: job.id, error: describeError(error) });
        }
      }
    }
  }

  /** Keeps failed work (merged with earlier failed work) on disk and schedules a retry. */
  private defer(request: JobRequest): void {
    const merged: JobRequest = this.deferred ?? { kind: "watch" };
    if (request.roots) merged.roots = [...new Set([...(merged.roots ?? []), ...request.roots])];
    for (const [root, paths] of request.paths ?? []) {
      merged.paths ??= new Map();
      const set = merged.paths.get(root) ?? new Set<string>();
      for (const path of paths) set.add(path);
      merged.paths.set(root, set);
    }
    merged.full = (merged.full ?? false) || (request.full ?? false);
    this.deferred = merged;
    this.deferral?.journal.save([merged]);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.retryDeferred(), this.deferral?.retryMs ?? 10_000);
    this.retryTimer.unref();
  }

  private retryDeferred(): void {
    const request = this.deferred;
    if (!request || this.closed) return;
    this.deferred = undefined;
    const job = this.enqueue({ ...request, kind: "reindex" });
    void this.wait(job.id).then((finished) => {
      // Applied: the journal may go. Failed again: defer() has written it anew.
      if (finished.state === "done" && !this.deferred) this.deferral?.journal.save([]);
    });
  }

  private notify(job: IndexJob): void {
    for (const listener of this.listeners.get(job.id) ?? []) {
      try {
        listener(job);
      } catch (error) {
        this.log.warn("progress listener failed", { jobId: job.id, error: describeError(error) });
      }
    }
  }

  private trimHistory(): void {
    const finished = [...this.jobs.values()].filter(
      (job) => job.state === "done" || job.state === "failed",
    );
    for (const job of finished.slice(0, Math.max(0, finished.length - HISTORY)))
      this.jobs.delete(job.id);
  }
}

function countPaths(paths: Map<string, Set<string>> | undefined): number {
  let count = 0;
  for (const set of paths?.values() ?? []) count += set.size;
  return count;
}
