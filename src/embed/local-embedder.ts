/**
 * An in-process embedding model (ONNX through @huggingface/transformers, on CPU) in a worker
 * thread. Nothing leaves the machine; the weights are downloaded once into cacheDir, or read
 * from localModelPath with no network at all. The package is loaded only inside the worker, so
 * provider users never pay for it.
 */
import { Worker } from "node:worker_threads";
import type { Logger } from "../log.js";
import { createLogger } from "../log.js";
import { EmbedderError, l2Normalize, type Embedder, type EmbedOptions } from "./embedder.js";
import { DEFAULT_LOCAL_MODEL, localModelProfile } from "./local-models.js";
import {
  isWorkerMessage,
  type LocalDtype,
  type LocalWorkerInit,
  type Pooling,
  type WorkerMessage,
} from "./local-protocol.js";
import { workerExecArgv } from "../../scanners/pool/worker-exec-argv.js";
import { assertLocalWorkerExists, defaultLocalWorkerScript } from "./worker-script.js";

export interface LocalEmbedderOptions {
  /** Hub id or folder name under localModelPath; default Xenova/bge-small-en-v1.5. */
  model?: string;
  /** "q8" reads onnx/model_quantized.onnx, "fp32" onnx/model.onnx; default q8. */
  dtype?: LocalDtype;
  /** Default: the model's own (cls for bge, mean otherwise). */
  pooling?: Pooling;
  /** Prepended to queries only; default: the model's own (bge's instruction, else none). */
  queryPrefix?: string;
  /** Where downloaded weights are kept (transformers env.cacheDir). */
  cacheDir?: string;
  /** A folder holding <model>/config.json, tokenizer.json, onnx/… (transformers env.localModelPath). */
  localModelPath?: string;
  /** Never download: only localModelPath and cacheDir are read. */
  offline?: boolean;
  /** Texts per inference run; default 16. */
  batchSize?: number;
  /** Default: the tokenizer's model_max_length (512 for bge-small). The tokenizer truncates. */
  maxInputTokens?: number;
  log?: Logger;
  /** Tests only: another worker script. */
  workerScript?: URL;
}

interface Pending {
  resolve: (vectors: Float32Array[]) => void;
  reject: (error: Error) => void;
}

export class LocalEmbedder implements Embedder {
  readonly id: string;
  private dims = 0;
  private inputWindow: number;
  private worker: Worker | undefined;
  private starting: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly init: LocalWorkerInit;
  private readonly queryPrefix: string;
  private readonly batchSize: number;
  private readonly script: URL;
  private readonly log: Logger;

  constructor(options: LocalEmbedderOptions = {}) {
    const model = options.model ?? DEFAULT_LOCAL_MODEL;
    const profile = localModelProfile(model);
    this.id = `local:${model}`;
    this.init = {
      model,
      dtype: options.dtype ?? "q8",
      pooling: options.pooling ?? profile.pooling,
      offline: options.offline ?? false,
      ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
      ...(options.localModelPath !== undefined ? { localModelPath: options.localModelPath } : {}),
    };
    this.queryPrefix = options.queryPrefix ?? profile.queryPrefix;
    this.batchSize = options.batchSize ?? 16;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new EmbedderError(
        "CONFIG",
        `local embedder: batchSize must be a positive integer, got ${this.batchSize}`,
      );
    }
    this.inputWindow = options.maxInputTokens ?? 512;
    this.script = options.workerScript ?? defaultLocalWorkerScript();
    this.log = (options.log ?? createLogger({ level: "silent" })).child({
      component: "embedder",
      embedder: this.id,
    });
  }

  get dimensions(): number {
    return this.dims;
  }

  get maxInputTokens(): number {
    return this.inputWindow;
  }

  start(): Promise<void> {
    this.starting ??= this.spawn().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  embed(texts: string[], options?: EmbedOptions): Promise<Float32Array[]> {
    return this.run(texts, options);
  }

  embedQuery(texts: string[], options?: EmbedOptions): Promise<Float32Array[]> {
    return this.run(
      texts.map((text) => this.queryPrefix + text),
      options,
    );
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.starting = undefined;
    this.failAll(new EmbedderError("UNAVAILABLE", `local embedder ${this.init.model} was closed`));
    await worker?.terminate();
  }

  private async run(texts: string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    await this.start();
    const vectors: Float32Array[] = [];
    try {
      for (let at = 0; at < texts.length; at += this.batchSize) {
        options.signal?.throwIfAborted();
        const batch = texts
          .slice(at, at + this.batchSize)
          .map((text) => (text === "" ? " " : text));
        vectors.push(...(await this.request(batch, options.signal)));
      }
    } catch (error) {
      throw error instanceof EmbedderError && vectors.length > 0
        ? error.withPartial(vectors)
        : error;
    }
    return vectors;
  }

  private request(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const worker = this.worker;
    if (worker === undefined) {
      return Promise.reject(
        new EmbedderError("UNAVAILABLE", `local embedder ${this.init.model} is not running`),
      );
    }
    const id = this.nextId++;
    return new Promise<Float32Array[]>((resolve, reject) => {
      const onAbort = () => {
        // The worker still finishes the batch; its answer finds no one waiting and is dropped.
        this.settle(id);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.pending.set(id, {
        resolve: (vectors) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(vectors.map(l2Normalize));
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      });
      worker.ref();
      worker.postMessage({ type: "embed", id, texts });
    });
  }

  private settle(id: number): Pending | undefined {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    // An idle worker must not keep the process alive.
    if (this.pending.size === 0) this.worker?.unref();
    return entry;
  }

  private spawn(): Promise<void> {
    assertLocalWorkerExists(this.script);
    const started = Date.now();
    const worker = new Worker(this.script, {
      workerData: this.init,
      execArgv: workerExecArgv(process.execArgv),
    });
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      worker.on("message", (message: unknown) => {
        if (!isWorkerMessage(message)) return;
        if (!ready) {
          if (message.type === "ready") {
            ready = true;
            this.dims = message.dimensions;
            if (message.maxInputTokens !== undefined)
              this.inputWindow = Math.min(this.inputWindow, message.maxInputTokens);
            worker.unref();
            this.log.info("local embedder ready", {
              model: this.init.model,
              dtype: this.init.dtype,
              dimensions: this.dims,
              maxInputTokens: this.inputWindow,
              loadMs: Date.now() - started,
            });
            resolve();
          } else if (message.type === "failed") {
            this.stop(worker);
            reject(new EmbedderError(message.code, message.message));
          }
          return;
        }
        this.onAnswer(message);
      });
      worker.on("error", (error: Error) => {
        const failure = new EmbedderError(
          "UNAVAILABLE",
          `local embedder ${this.init.model} crashed: ${error.message}`,
          {
            cause: error,
          },
        );
        this.retire(worker, failure, ready ? undefined : reject);
      });
      worker.on("exit", (code: number) => {
        const failure = new EmbedderError(
          "UNAVAILABLE",
          `local embedder ${this.init.model} stopped (exit code ${code})`,
        );
        this.retire(worker, failure, ready ? undefined : reject);
      });
    });
  }

  private onAnswer(message: WorkerMessage): void {
    if (message.type !== "vectors" && message.type !== "error") return;
    const entry = this.settle(message.id);
    if (entry === undefined) return;
    if (message.type === "vectors") entry.resolve(message.vectors);
    else
      entry.reject(
        new EmbedderError("UNAVAILABLE", `local embedder ${this.init.model}: ${message.message}`),
      );
  }

  /** A worker died: its waiting callers fail, and the next call starts a fresh worker. */
  private retire(
    worker: Worker,
    failure: EmbedderError,
    rejectStart?: (error: Error) => void,
  ): void {
    // A late event from a worker already replaced must not fail its successor's requests.
    const current = this.worker === worker;
    this.stop(worker);
    rejectStart?.(failure);
    if (current) this.failAll(failure);
  }

  /** Forgets a worker so that the next call starts a fresh one. */
  private stop(worker: Worker): void {
    if (this.worker === worker) {
      this.worker = undefined;
      this.starting = undefined;
    }
    void worker.terminate().catch(() => undefined);
  }

  private failAll(error: Error): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) entry.reject(error);
  }
}
