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
import { planBatches } from "./token-budget.js";
import { estimateTokens } from "../../scanners/chunk/tokens.js";

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
  /** Texts per inference run, at most; default 16. */
  batchSize?: number;
  /**
   * Estimated tokens per inference run, at most (a text longer than this runs alone); default
   * 256: a chunk that fills a 256- or 512-token window runs alone, short texts still share.
   */
  maxBatchTokens?: number;
  /**
   * Batch texts of similar length together (sorted by length, answered in input order), so that
   * a batch pads to its own longest text rather than to a stranger's; default true.
   */
  sortByLength?: boolean;
  /** onnxruntime threads per batch (intraOpNumThreads); default onnxruntime's: one per core. */
  threads?: number;
  /**
   * Let onnxruntime's worker threads spin while waiting for work between operators (its own
   * default). Default false here: a spinning thread holds a core that the server's parsers and
   * searches, or other processes, need, and on a busy machine the spinning costs more than
   * it saves (q8 about 25% faster with it off under load 4 on two cores; bench/README.md).
   */
  allowSpinning?: boolean;
  /** Default: the tokenizer's model_max_length (512 for bge-small). The tokenizer truncates. */
  maxInputTokens?: number;
  log?: Logger;
  /** Tests only: another worker script. */
  workerScript?: URL;
}

/**
 * The input indices cut into batches of at most `batchSize` texts and `maxBatchTokens` estimated
 * tokens (each text counted up to the model's window, where the tokenizer cuts it). With
 * `sortByLength`, shortest first, so that a batch holds texts of similar length and pads little.
 * The token budget keeps batches of long texts small: on CPU their activations (batch × tokens
 * × 1,536 floats in each feed-forward layer) outgrow the cache, and one 256-token text at a time
 * ran faster than 16 (bench/README.md); short texts still share a batch and its per-run cost.
 */
export function inputBatches(
  texts: readonly string[],
  limits: { batchSize: number; maxBatchTokens: number; window: number; sortByLength: boolean },
): number[][] {
  const tokens = texts.map((text) => Math.min(estimateTokens(text), limits.window));
  const order = texts.map((_, i) => i);
  if (limits.sortByLength) order.sort((a, b) => tokens[a]! - tokens[b]! || a - b);
  return planBatches(
    order.map((i) => tokens[i]!),
    { maxItems: limits.batchSize, maxTokens: limits.maxBatchTokens },
  ).map(({ start, end }) => order.slice(start, end));
}

const DEFAULT_MAX_BATCH_TOKENS = 256;

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new EmbedderError(
      "CONFIG",
      `local embedder: ${name} must be a positive integer, got ${value}`,
    );
  }
  return value;
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
  private readonly sortByLength: boolean;
  private readonly maxBatchTokens: number;
  private readonly script: URL;
  private readonly log: Logger;

  constructor(options: LocalEmbedderOptions = {}) {
    const model = options.model ?? DEFAULT_LOCAL_MODEL;
    const profile = localModelProfile(model);
    const dtype = options.dtype ?? "q8";
    // q8 and fp32 weights give slightly different vectors: a distinct id keeps the index and the
    // cache from mixing them. q8 (the default since the first release) keeps the bare id, so
    // indexes built with it stay valid.
    this.id = dtype === "q8" ? `local:${model}` : `local:${model}#${dtype}`;
    this.init = {
      model,
      dtype,
      pooling: options.pooling ?? profile.pooling,
      offline: options.offline ?? false,
      ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
      ...(options.localModelPath !== undefined ? { localModelPath: options.localModelPath } : {}),
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      allowSpinning: options.allowSpinning ?? false,
    };
    if (options.threads !== undefined) positiveInteger("threads", options.threads);
    this.sortByLength = options.sortByLength ?? true;
    this.maxBatchTokens = positiveInteger(
      "maxBatchTokens",
      options.maxBatchTokens ?? DEFAULT_MAX_BATCH_TOKENS,
    );
    this.queryPrefix = options.queryPrefix ?? profile.queryPrefix;
    this.batchSize = positiveInteger("batchSize", options.batchSize ?? 16);
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
    const vectors = new Array<Float32Array | undefined>(texts.length);
    let done = 0;
    try {
      const batches = inputBatches(texts, {
        batchSize: this.batchSize,
        maxBatchTokens: this.maxBatchTokens,
        window: this.inputWindow,
        sortByLength: this.sortByLength,
      });
      for (const slots of batches) {
        options.signal?.throwIfAborted();
        const batch = slots.map((i) => (texts[i] === "" ? " " : texts[i]!));
        const answer = await this.request(batch, options.signal);
        slots.forEach((slot, k) => (vectors[slot] = answer[k]));
        done += slots.length;
      }
    } catch (error) {
      // The finished batches are not a prefix of the input when sorted: the partial has holes,
      // as EmbedderError.partial allows.
      throw error instanceof EmbedderError && done > 0 ? error.withPartial(vectors) : error;
    }
    return vectors as Float32Array[];
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
