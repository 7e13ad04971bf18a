/**
 * Runs parsers in worker threads so that one hostile file cannot hang or sink the indexer:
 * each file gets a time limit, each worker a heap limit (worker_threads resourceLimits). A
 * worker that times out, crashes or runs out of memory is terminated and replaced, its file
 * gets a "failed" outcome with the reason, and the queue goes on. See README.md.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ParseOptions } from "../parsers/parse-options.js";
import { failed, shortMessage } from "../parsers/outcome.js";
import type { FileKind, ParseOutcome } from "../types.js";
import { isParseResponse, type ParseRequest, type WorkerInit } from "./protocol.js";
import { assertWorkerScriptExists, defaultWorkerScript } from "./worker-script.js";

export interface ParserPoolOptions {
  /** Worker threads at most; default os.availableParallelism(). Workers start on demand. */
  size?: number;
  /** Time limit per file; default 30 000 ms. */
  timeoutMs?: number;
  /** V8 old-generation heap limit per worker; default 512 MB. */
  maxMemoryMb?: number;
  parseOptions?: ParseOptions;
  /**
   * The worker script. Tests only: they pass workers that hang, crash or leak on purpose.
   * Production uses the compiled parse-worker (see worker-script.ts).
   */
  workerScript?: URL;
}

interface Task {
  request: ParseRequest;
  resolve: (outcome: ParseOutcome) => void;
}

interface Slot {
  worker: Worker;
  task?: Task;
  timer?: NodeJS.Timeout;
  /** Set once the worker is being replaced; its late events are ignored. */
  dead: boolean;
}

export const CANCELLED_REASON = "cancelled: parser pool terminated";

export class ParserPool {
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly maxMemoryMb: number;
  private readonly init: WorkerInit;
  private readonly script: URL;
  private readonly queue: Task[] = [];
  private queueHead = 0;
  private readonly slots = new Set<Slot>();
  private readonly idle: Slot[] = [];
  private nextId = 1;
  private closed = false;
  private drained: (() => void)[] = [];

  constructor(options: ParserPoolOptions = {}) {
    this.size = positiveInteger(options.size ?? availableParallelism(), "size");
    this.timeoutMs = positiveInteger(options.timeoutMs ?? 30_000, "timeoutMs");
    this.maxMemoryMb = positiveInteger(options.maxMemoryMb ?? 512, "maxMemoryMb");
    this.init = { parseOptions: options.parseOptions ?? {} };
    this.script = options.workerScript ?? defaultWorkerScript();
    assertWorkerScriptExists(this.script);
  }

  /** Resolves with the file's outcome; never rejects, except after close() or terminate(). */
  parse(absPath: string, kind: FileKind): Promise<ParseOutcome> {
    if (this.closed) return Promise.reject(new Error("ParserPool is closed"));
    return new Promise((resolve) => {
      this.queue.push({ request: { id: this.nextId++, absPath, kind }, resolve });
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
    this.idle.push(this.spawn());
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
      slot.task?.resolve(failed(CANCELLED_REASON));
      slot.task = undefined;
    }
    await this.stopAll();
  }

  private pendingCount(): number {
    let busy = 0;
    for (const slot of this.slots) if (slot.task !== undefined) busy++;
    return busy + this.queue.length - this.queueHead;
  }

  private pump(): void {
    while (this.queueHead < this.queue.length) {
      let slot = this.idle.pop();
      if (slot === undefined) {
        if (this.slots.size >= this.size) return;
        slot = this.spawn();
      }
      const task = this.queue[this.queueHead++];
      if (task === undefined) break;
      this.assign(slot, task);
    }
    // Compact the FIFO once it is fully consumed, so it does not grow without bound.
    this.queue.length = 0;
    this.queueHead = 0;
    if (this.pendingCount() === 0) this.notifyDrained();
  }

  private spawn(): Slot {
    const worker = new Worker(this.script, {
      workerData: this.init,
      resourceLimits: {
        maxOldGenerationSizeMb: this.maxMemoryMb,
        maxYoungGenerationSizeMb: Math.max(4, Math.min(64, Math.floor(this.maxMemoryMb / 8))),
        stackSizeMb: 4,
      },
      // Workers inherit the parent's node flags; --input-type (node -e) makes a worker refuse to start.
      execArgv: process.execArgv.filter((arg) => !arg.startsWith("--input-type")),
    });
    const slot: Slot = { worker, dead: false };
    worker.on("message", (message: unknown) => this.onMessage(slot, message));
    worker.on("error", (error: Error) => this.retire(slot, crashReason(error, this.maxMemoryMb)));
    worker.on("exit", (code: number) =>
      this.retire(slot, `worker crashed: exited with code ${code}`),
    );
    this.slots.add(slot);
    return slot;
  }

  private assign(slot: Slot, task: Task): void {
    slot.task = task;
    slot.worker.ref();
    slot.timer = setTimeout(
      () => this.retire(slot, `timed out after ${seconds(this.timeoutMs)} s`),
      this.timeoutMs,
    );
    slot.worker.postMessage(task.request);
  }

  private onMessage(slot: Slot, message: unknown): void {
    const task = slot.task;
    if (slot.dead || task === undefined) return;
    if (!isParseResponse(message) || message.id !== task.request.id) {
      this.retire(slot, "worker crashed: malformed reply");
      return;
    }
    clearTimeout(slot.timer);
    slot.task = undefined;
    slot.timer = undefined;
    // An idle worker must not keep the process alive.
    slot.worker.unref();
    this.idle.push(slot);
    task.resolve(message.outcome);
    this.pump();
  }

  /** Fails the slot's file with `reason`, terminates the worker and lets pump() replace it. */
  private retire(slot: Slot, reason: string): void {
    if (slot.dead) return;
    slot.dead = true;
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    const task = slot.task;
    slot.task = undefined;
    this.slots.delete(slot);
    const idleAt = this.idle.indexOf(slot);
    if (idleAt !== -1) this.idle.splice(idleAt, 1);
    void slot.worker.terminate().catch(() => undefined);
    task?.resolve(failed(reason));
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
    this.idle.length = 0;
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
