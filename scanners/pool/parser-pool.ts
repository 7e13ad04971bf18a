/**
 * Runs parsers in worker threads so that one hostile file cannot hang or sink the indexer:
 * each file gets a time limit, each worker a heap limit (worker_threads resourceLimits). A
 * worker that times out, crashes or runs out of memory is terminated and replaced, its file
 * gets a "failed" outcome with the reason, and the queue goes on. See README.md.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ChunkOptions } from "../chunk/index.js";
import type { ParseOptions } from "../parsers/parse-options.js";
import { failed, shortMessage } from "../parsers/outcome.js";
import type { FileKind, ParseOutcome } from "../types.js";
import type { PreparedOutcome } from "./prepare-document.js";
import { isParseResponse, type ParseRequest, type WorkerInit } from "./protocol.js";
import { workerExecArgv } from "./worker-exec-argv.js";
import { assertWorkerScriptExists, defaultWorkerScript } from "./worker-script.js";

export interface ParserPoolOptions {
  /** Worker threads at most; default os.availableParallelism(). Workers start on demand. */
  size?: number;
  /** Time limit per file; default 30 000 ms. */
  timeoutMs?: number;
  /** V8 old-generation heap limit per worker; default 512 MB. */
  maxMemoryMb?: number;
  /**
   * Files sent to one worker ahead of its answers; default 4. A worker then never waits for a
   * round trip to the indexing thread between two small files (see README.md).
   */
  queuePerWorker?: number;
  parseOptions?: ParseOptions;
  /**
   * The worker script. Tests only: they pass workers that hang, crash or leak on purpose.
   * Production uses the compiled parse-worker (see worker-script.ts).
   */
  workerScript?: URL;
}

/** A failure the pool itself decides (timeout, crash) fits both outcome types. */
type Outcome = ParseOutcome | PreparedOutcome;

interface Task {
  request: ParseRequest;
  resolve: (outcome: Outcome) => void;
}

interface Slot {
  worker: Worker;
  /** Sent and unanswered, oldest first: the first is the one running. */
  tasks: Task[];
  /** The time limit of the running file, restarted at each answer. */
  timer?: NodeJS.Timeout;
  /** Set once the worker is being replaced; its late events are ignored. */
  dead: boolean;
}

export const CANCELLED_REASON = "cancelled: parser pool terminated";

export class ParserPool {
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly maxMemoryMb: number;
  private readonly queuePerWorker: number;
  private readonly init: WorkerInit;
  private readonly script: URL;
  private readonly queue: Task[] = [];
  private queueHead = 0;
  private readonly slots = new Set<Slot>();
  private nextId = 1;
  private closed = false;
  private drained: (() => void)[] = [];

  constructor(options: ParserPoolOptions = {}) {
    this.size = positiveInteger(options.size ?? availableParallelism(), "size");
    this.timeoutMs = positiveInteger(options.timeoutMs ?? 30_000, "timeoutMs");
    this.maxMemoryMb = positiveInteger(options.maxMemoryMb ?? 512, "maxMemoryMb");
    this.queuePerWorker = positiveInteger(options.queuePerWorker ?? 4, "queuePerWorker");
    this.init = { parseOptions: options.parseOptions ?? {} };
    this.script = options.workerScript ?? defaultWorkerScript();
    assertWorkerScriptExists(this.script);
  }

  /** Resolves with the file's outcome; never rejects, except after close() or terminate(). */
  parse(absPath: string, kind: FileKind): Promise<ParseOutcome> {
    return this.submit({ id: this.nextId++, absPath, kind }) as Promise<ParseOutcome>;
  }

  /**
   * Reads the file once in a worker, hashes, parses and chunks it (prepareDocument): what the
   * indexing pipeline asks, so that its own thread only writes. `path` is root-relative (chunk
   * ids derive from it); `sizeLimit` is judged on the fstat of the descriptor the worker reads.
   * Never rejects, except after close() or terminate().
   */
  prepare(
    absPath: string,
    path: string,
    kind: FileKind,
    chunk: ChunkOptions,
    sizeLimit?: number,
  ): Promise<PreparedOutcome> {
    return this.submit({
      id: this.nextId++,
      absPath,
      kind,
      prepare: { path, chunk, sizeLimit },
    }) as Promise<PreparedOutcome>;
  }

  private submit(request: ParseRequest): Promise<Outcome> {
    if (this.closed) return Promise.reject(new Error("ParserPool is closed"));
    return new Promise((resolve) => {
      this.queue.push({ request, resolve });
      this.pump();
    });
  }

  /**
   * Starts one worker now if none runs, so that the first file after an idle start (the
   * watcher's first save) does not also wait for a worker to start and load its parsers
   * (about a second under load).
   */
  warm(): void {
    if (this.closed || this.slots.size > 0) return;
    // Idle until pump() gives it a file: it must not keep the process alive meanwhile.
    this.spawn().worker.unref();
  }

  /**
   * Graceful shutdown: no new work is accepted, everything already submitted (queued or
   * running) is finished, each file still bounded by the time limit, then the workers stop.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pendingCount() > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
    await this.stopAll();
  }

  /** Immediate shutdown: running and queued files resolve as failed with CANCELLED_REASON. */
  async terminate(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(this.queueHead)) task.resolve(failed(CANCELLED_REASON));
    this.queueHead = 0;
    this.queue.length = 0;
    for (const slot of this.slots) {
      if (slot.timer !== undefined) clearTimeout(slot.timer);
      for (const task of slot.tasks.splice(0)) task.resolve(failed(CANCELLED_REASON));
    }
    await this.stopAll();
  }

  private pendingCount(): number {
    let sent = 0;
    for (const slot of this.slots) sent += slot.tasks.length;
    return sent + this.queue.length - this.queueHead;
  }

  /** The worker with the fewest files, or a new one while every worker has some and more may start. */
  private slotWithRoom(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.slots)
      if (best === undefined || slot.tasks.length < best.tasks.length) best = slot;
    if ((best === undefined || best.tasks.length > 0) && this.slots.size < this.size)
      return this.spawn();
    return best !== undefined && best.tasks.length < this.queuePerWorker ? best : undefined;
  }

  private pump(): void {
    while (this.queueHead < this.queue.length) {
      const slot = this.slotWithRoom();
      if (slot === undefined) {
        this.dropConsumed();
        return;
      }
      const task = this.queue[this.queueHead++];
      if (task === undefined) break;
      this.assign(slot, task);
    }
    this.queue.length = 0;
    this.queueHead = 0;
    if (this.pendingCount() === 0) this.notifyDrained();
  }

  /**
   * Cuts the tasks already handed out from the front of the FIFO. Each holds its promise's
   * resolve function, and through it the outcome (a document's text and chunks): while the
   * pipeline keeps files waiting here, the queue is never empty, and before this every document
   * of a run stayed in memory until its end (380 MB of heap for 13,000 files).
   */
  private dropConsumed(): void {
    if (this.queueHead < 64 || this.queueHead * 2 < this.queue.length) return;
    this.queue.splice(0, this.queueHead);
    this.queueHead = 0;
  }

  private spawn(): Slot {
    const worker = new Worker(this.script, {
      workerData: this.init,
      resourceLimits: {
        maxOldGenerationSizeMb: this.maxMemoryMb,
        maxYoungGenerationSizeMb: Math.max(4, Math.min(64, Math.floor(this.maxMemoryMb / 8))),
        stackSizeMb: 4,
      },
      execArgv: workerExecArgv(process.execArgv),
    });
    const slot: Slot = { worker, tasks: [], dead: false };
    worker.on("message", (message: unknown) => this.onMessage(slot, message));
    worker.on("error", (error: Error) => this.retire(slot, crashReason(error, this.maxMemoryMb)));
    worker.on("exit", (code: number) =>
      this.retire(slot, `worker crashed: exited with code ${code}`),
    );
    this.slots.add(slot);
    return slot;
  }

  private assign(slot: Slot, task: Task): void {
    slot.tasks.push(task);
    if (slot.tasks.length === 1) {
      slot.worker.ref();
      this.startClock(slot);
    }
    slot.worker.postMessage(task.request);
  }

  /** The running file's time limit; the worker starts a file as soon as it answers the one before. */
  private startClock(slot: Slot): void {
    slot.timer = setTimeout(
      () => this.retire(slot, `timed out after ${seconds(this.timeoutMs)} s`),
      this.timeoutMs,
    );
  }

  private onMessage(slot: Slot, message: unknown): void {
    const task = slot.tasks[0];
    if (slot.dead || task === undefined) return;
    if (!isParseResponse(message) || message.id !== task.request.id) {
      this.retire(slot, "worker crashed: malformed reply");
      return;
    }
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.tasks.shift();
    if (slot.tasks.length > 0) this.startClock(slot);
    // An idle worker must not keep the process alive.
    else slot.worker.unref();
    task.resolve(message.outcome);
    this.pump();
  }

  /**
   * Fails the slot's running file with `reason`, terminates the worker, puts the files sent
   * after it back at the head of the queue (they never started) and lets pump() replace it.
   */
  private retire(slot: Slot, reason: string): void {
    if (slot.dead) return;
    slot.dead = true;
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    const [running, ...waiting] = slot.tasks.splice(0);
    this.slots.delete(slot);
    void slot.worker.terminate().catch(() => undefined);
    this.queue.splice(this.queueHead, 0, ...waiting);
    running?.resolve(failed(reason));
    this.pump();
  }

  private notifyDrained(): void {
    const waiters = this.drained;
    this.drained = [];
    for (const resolve of waiters) resolve();
  }

  private async stopAll(): Promise<void> {
    const workers = [...this.slots].map((slot) => {
      slot.dead = true;
      return slot.worker.terminate().catch(() => undefined);
    });
    this.slots.clear();
    await Promise.all(workers);
  }
}

function crashReason(error: Error, maxMemoryMb: number): string {
  if ((error as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY")
    return `out of memory (limit ${maxMemoryMb} MB)`;
  return `worker crashed: ${shortMessage(error)}`;
}

/** 30000 → "30", 1500 → "1.5": the reason reads like a person wrote it. */
function seconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(1)));
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`ParserPool: ${name} must be a positive integer, got ${value}`);
  return value;
}
