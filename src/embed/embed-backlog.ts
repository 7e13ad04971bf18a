/**
 * Gives vectors to every stored chunk that has none, in batches, through the content-addressed
 * cache: a text embedded once (by this run, an earlier run or another index) is never sent to
 * the provider again. When the embedder fails, the run stops and reports what is still pending;
 * chunks stay pending in the store and the next run picks them up, so none is ever dropped.
 *
 * The store must already hold this embedder's model (store.setVectorModel({ id, dimensions })
 * after embedder.start()); this function only fills in vectors.
 */
import { createHash } from "node:crypto";
import type { PendingChunk, Store } from "../../indexers/store.js";
import type { Logger } from "../log.js";
import type { Embedder } from "./embedder.js";
import { isEmbedderError } from "./embedder.js";
import type { EmbeddingCache } from "./embedding-cache.js";

export type PendingChunkStore = Pick<
  Store,
  "chunksWithoutVectors" | "countChunksWithoutVectors" | "putVectors" | "vectorBatchSize"
>;

export interface EmbedBacklogOptions {
  store: PendingChunkStore;
  embedder: Pick<Embedder, "id" | "embed">;
  cache: Pick<EmbeddingCache, "getMany" | "putMany">;
  log: Logger;
  /** Chunks per round; default the store's vectorBatchSize, else 64. */
  batchSize?: number;
  signal?: AbortSignal;
  /**
   * Asked before each round: true stops the run between rounds, its chunks still pending (the
   * server gives way to index work, so that a save is searchable without waiting for the
   * backlog; the run resumes after the job).
   */
  pauseWhen?: () => boolean;
  /** After each round: chunks given vectors so far, and the pending count at the start. */
  onProgress?: (progress: { done: number; total: number }) => void;
}

export interface EmbedBacklogResult {
  /** Chunks given a vector by this run (from the cache or the embedder). */
  embedded: number;
  /** Of those, how many came from the cache. */
  fromCache: number;
  /** Distinct texts the embedder returned vectors for (what the provider billed). */
  providerInputs: number;
  /** Chunks still without a vector when the run ended. */
  pending: number;
  /** Why the run stopped early; absent when the backlog is empty. */
  error?: string;
  /** The run gave way to other work (pauseWhen) and left the rest pending. */
  paused?: boolean;
}

/** Rounds the pace is measured over: recent enough to follow load, long enough to smooth it. */
const PACE_ROUNDS = 8;

/**
 * How fast a backlog run gives chunks vectors, over its last few rounds, and the time left at
 * that pace: what `inventory` shows while a backlog is embedded. Fed by embedPendingChunks'
 * onProgress (`start` before the run, `record` after each round).
 */
export class BacklogPace {
  /** (time, chunks done so far) at the start and after each recent round. */
  private marks: { at: number; done: number }[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  start(): void {
    this.marks = [{ at: this.now(), done: 0 }];
  }

  record(done: number): void {
    this.marks.push({ at: this.now(), done });
    if (this.marks.length > PACE_ROUNDS + 1) this.marks.shift();
  }

  /** Chunks per second over the recent rounds; undefined before the first round ends. */
  chunksPerSecond(): number | undefined {
    const first = this.marks[0];
    const last = this.marks[this.marks.length - 1];
    if (first === undefined || last === undefined || last === first) return undefined;
    const seconds = (last.at - first.at) / 1000;
    return seconds > 0 ? (last.done - first.done) / seconds : undefined;
  }
}

/** Seconds until `pending` chunks have vectors at `chunksPerSecond`; undefined without a pace. */
export function backlogSecondsLeft(
  pending: number,
  chunksPerSecond: number | undefined,
): number | undefined {
  return chunksPerSecond === undefined || chunksPerSecond <= 0
    ? undefined
    : pending / chunksPerSecond;
}

/** The exact text embedded for a chunk: its heading path gives a chunk its context. */
export function embeddingInput(chunk: Pick<PendingChunk, "headingPath" | "text">): string {
  return chunk.headingPath.length > 0
    ? `${chunk.headingPath.join(" > ")}\n${chunk.text}`
    : chunk.text;
}

export function embeddingCacheKey(input: string): string {
  return createHash("sha256").update(input, "utf8").digest("hex");
}

export async function embedPendingChunks(
  options: EmbedBacklogOptions,
): Promise<EmbedBacklogResult> {
  const { store, embedder, cache, log, signal, onProgress, pauseWhen } = options;
  // The embedder cuts a round into its own request batches: the round size is the store's choice.
  const batchSize = options.batchSize ?? store.vectorBatchSize ?? 64;
  const total = await store.countChunksWithoutVectors();
  let embedded = 0;
  let fromCache = 0;
  let providerInputs = 0;
  // Chunks already given vectors by this run. A store that hands one back (it ignored the
  // write) would otherwise keep this loop busy forever.
  const written = new Set<string>();

  const finish = async (error?: string): Promise<EmbedBacklogResult> => {
    const pending = await store.countChunksWithoutVectors();
    const result = {
      embedded,
      fromCache,
      providerInputs,
      pending,
      ...(error !== undefined ? { error } : {}),
    };
    if (error !== undefined) log.warn("embedding stopped; chunks stay pending", { ...result });
    else log.info("embedding backlog done", { ...result });
    return result;
  };

  for (;;) {
    if (signal?.aborted) return finish("cancelled");
    if (pauseWhen?.()) {
      const pending = await store.countChunksWithoutVectors();
      log.debug("embedding gives way to index work", { embedded, pending });
      return { embedded, fromCache, providerInputs, pending, paused: true };
    }
    const batch = await store.chunksWithoutVectors(batchSize);
    if (batch.length === 0) return finish();
    const fresh = batch.filter((chunk) => !written.has(chunk.chunkId));
    if (fresh.length === 0) {
      return finish(
        `the store still lists ${batch.length} chunk(s) without vectors after they were written (first: ${batch[0]?.chunkId}); stopping`,
      );
    }

    const inputs = fresh.map(embeddingInput);
    const keys = inputs.map(embeddingCacheKey);
    const cached = cache.getMany(embedder.id, keys);
    const missing = new Map<string, string>();
    keys.forEach((key, i) => {
      if (!cached.has(key)) missing.set(key, inputs[i] ?? "");
    });

    let computed: readonly (Float32Array | undefined)[] = [];
    let failure: string | undefined;
    try {
      if (missing.size > 0)
        computed = await embedder.embed([...missing.values()], signal ? { signal } : {});
    } catch (error) {
      if (signal?.aborted) return finish("cancelled");
      if (!isEmbedderError(error)) throw error;
      // Vectors finished before the failure were paid for: keep them, then stop.
      computed = error.partial ?? [];
      failure = `${error.code}: ${error.message}`;
    }
    const fresher = new Map<string, Float32Array>();
    [...missing.keys()].forEach((key, i) => {
      const vector = computed[i];
      if (vector !== undefined) fresher.set(key, vector);
    });
    providerInputs += fresher.size;
    if (fresher.size > 0) cache.putMany(embedder.id, fresher);

    const vectors = fresh.flatMap((chunk, i) => {
      const key = keys[i] ?? "";
      const vector = cached.get(key) ?? fresher.get(key);
      return vector === undefined ? [] : [{ chunkId: chunk.chunkId, vector }];
    });
    if (vectors.length > 0) await store.putVectors(vectors);
    for (const { chunkId } of vectors) written.add(chunkId);
    embedded += vectors.length;
    fromCache += fresh.filter((_, i) => cached.has(keys[i] ?? "")).length;
    onProgress?.({ done: embedded, total });
    if (failure !== undefined) return finish(failure);
    if (vectors.length < fresh.length) {
      return finish(
        `the embedder returned ${fresher.size} vectors for ${missing.size} inputs; stopping`,
      );
    }
  }
}
