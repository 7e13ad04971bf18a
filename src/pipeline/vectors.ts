/**
 * The vector half of indexing: starts the configured embedder, declares its model to the store
 * (a new model makes the store drop old vectors, so two models never mix), fills in vectors for
 * chunks that have none (through the content-addressed cache), and embeds queries. When the
 * embedder cannot start or fails mid-run, indexing carries on lexically: chunks wait in the
 * store's backlog with the reason recorded here, and the next attempt picks them up.
 */
import { join } from "node:path";
import type { Store } from "../../indexers/store.js";
import type { Settings } from "../config/schema.js";
import { createEmbedder, type EmbedderConfig } from "../embed/create-embedder.js";
import type { Embedder } from "../embed/embedder.js";
import {
  BacklogPace,
  embedPendingChunks,
  type EmbedBacklogResult,
} from "../embed/embed-backlog.js";
import type { EmbeddingCache } from "../embed/embedding-cache.js";
import { describeRecovery, type Recovery } from "./self-heal.js";
import { openSelfHealingCache } from "./self-healing-cache.js";
import { describeError } from "../errors.js";
import type { Logger } from "../log.js";

export type VectorState = "off" | "starting" | "ready" | "unavailable";

export interface VectorStatus {
  state: VectorState;
  /** The embedder's model id, once known. */
  model?: string;
  /** Why vectors are not available (unavailable), or what went wrong last (ready). */
  reason?: string;
  /** Chunks waiting for a vector, as of the last backlog run. */
  pending?: number;
  /** While a backlog run embeds: chunks given vectors per second over its recent rounds. */
  chunksPerSecond?: number;
}

export const EMBEDDING_CACHE_FILE = "embeddings.db";

export function embedderConfigFrom(settings: Settings): EmbedderConfig {
  const config: EmbedderConfig = { kind: settings.embedder };
  if (settings.embedModel) config.model = settings.embedModel;
  if (settings.embedDimensions) config.dimensions = settings.embedDimensions;
  if (settings.embedBaseUrl) config.baseURL = settings.embedBaseUrl;
  if (process.env.DOCINDEX_EMBED_API_KEY) config.apiKey = process.env.DOCINDEX_EMBED_API_KEY;
  if (settings.embedBatchSize) config.batchSize = settings.embedBatchSize;
  if (settings.embedder === "azure") {
    config.azure = {
      endpoint: settings.azureEndpoint,
      deployment: settings.azureDeployment ?? settings.embedModel,
      apiVersion: settings.azureApiVersion,
    };
  }
  if (settings.embedder === "local") {
    config.local = {
      cacheDir: settings.modelCacheDir,
      localModelPath: settings.localModelPath,
      offline: settings.offline,
      dtype: settings.embedDtype,
      ...(settings.embedThreads !== undefined ? { threads: settings.embedThreads } : {}),
    };
  }
  return config;
}

export class VectorIndexer {
  private current: VectorStatus;
  private starting: Promise<boolean> | undefined;
  private running: Promise<EmbedBacklogResult | undefined> | undefined;
  private started = false;
  private readonly pace = new BacklogPace();
  private embedding = false;
  /** Damaged caches replaced and not reported yet: the report needs the backlog's size. */
  private readonly cacheRecoveries: Recovery[] = [];
  private cache: EmbeddingCache | undefined;

  private constructor(
    private readonly store: Store,
    private readonly embedder: Embedder | undefined,
    private readonly log: Logger,
  ) {
    this.current = embedder ? { state: "starting" } : { state: "off" };
  }

  static create(settings: Settings, store: Store, log: Logger): VectorIndexer {
    const embedder = createEmbedder(embedderConfigFrom(settings), { log });
    const vectors = new VectorIndexer(store, embedder, log.child({ component: "embeddings" }));
    if (embedder) {
      vectors.cache = openSelfHealingCache(
        join(settings.indexDir, EMBEDDING_CACHE_FILE),
        (recovery) => vectors.cacheRecoveries.push(recovery),
      );
    }
    return vectors;
  }

  /**
   * One warning per replaced cache, with its cost: the chunks without a vector in the index are
   * embedded again (the index's own vectors are kept).
   */
  private async reportCacheRecoveries(): Promise<void> {
    if (this.cacheRecoveries.length === 0) return;
    const recoveries = this.cacheRecoveries.splice(0);
    const pending = await this.store.countChunksWithoutVectors().catch(() => undefined);
    for (const recovery of recoveries) {
      this.log.warn(
        `${describeRecovery(recovery)}; it starts empty: ${pending ?? "every"} chunks without a vector ` +
          `in the index will be embedded again by ${this.embedder?.id ?? "the embedder"}`,
        { file: recovery.file, movedTo: recovery.movedTo, chunksToEmbed: pending },
      );
    }
  }

  status(): VectorStatus {
    const chunksPerSecond = this.embedding ? this.pace.chunksPerSecond() : undefined;
    return { ...this.current, ...(chunksPerSecond !== undefined ? { chunksPerSecond } : {}) };
  }

  get enabled(): boolean {
    return this.embedder !== undefined;
  }

  /** Starts the embedder (once at a time); true when vectors can be made. */
  async ensureStarted(): Promise<boolean> {
    if (!this.embedder) return false;
    if (this.started) return true;
    this.starting ??= (async () => {
      try {
        // The index knows this model's dimensions already: no probe request needed.
        // The index, or the cache (a new store for the same model), knows this model's
        // dimensions already: no probe request needed.
        const stored = await this.store.getVectorModel();
        const known =
          stored?.id === this.embedder!.id
            ? stored.dimensions
            : this.cache?.dimensionsOf(this.embedder!.id);
        if (known !== undefined) this.embedder!.assumeDimensions?.(known);
        await this.embedder!.start();
        await this.store.setVectorModel({
          id: this.embedder!.id,
          dimensions: this.embedder!.dimensions,
        });
        this.started = true;
        this.current = { state: "ready", model: this.embedder!.id, pending: this.current.pending };
        this.log.info("embedder ready", {
          model: this.embedder!.id,
          dimensions: this.embedder!.dimensions,
        });
        return true;
      } catch (error) {
        this.current = {
          state: "unavailable",
          model: this.embedder!.id,
          reason: describeError(error),
          pending: this.current.pending,
        };
        this.log.warn("embedder unavailable; search stays lexical", {
          reason: this.current.reason,
        });
        return false;
      } finally {
        this.starting = undefined;
      }
    })();
    return this.starting;
  }

  /** Embeds every chunk that has no vector yet; undefined when embeddings are off. */
  async embedBacklog(
    signal?: AbortSignal,
    pauseWhen?: () => boolean,
  ): Promise<EmbedBacklogResult | undefined> {
    if (!this.embedder || !this.cache) return undefined;
    this.running ??= (async () => {
      try {
        await this.reportCacheRecoveries();
        // Nothing to embed under the same model: no need to start (a provider's start costs a call).
        const stored = await this.store.getVectorModel();
        if (
          stored?.id === this.embedder!.id &&
          (await this.store.countChunksWithoutVectors()) === 0
        ) {
          if (this.current.state === "starting")
            this.current = { state: "ready", model: stored.id };
          this.current.pending = 0;
          return { embedded: 0, fromCache: 0, providerInputs: 0, pending: 0 };
        }
        if (!(await this.ensureStarted())) {
          const pending = await this.store.countChunksWithoutVectors();
          this.current.pending = pending;
          return {
            embedded: 0,
            fromCache: 0,
            providerInputs: 0,
            pending,
            error: this.current.reason,
          };
        }
        this.pace.start();
        this.embedding = true;
        const result = await embedPendingChunks({
          store: this.store,
          embedder: this.embedder!,
          cache: this.cache!,
          log: this.log,
          signal,
          ...(pauseWhen ? { pauseWhen } : {}),
          onProgress: ({ done }) => this.pace.record(done),
        }).finally(() => (this.embedding = false));
        this.current.pending = result.pending;
        if (result.error) {
          // The provider went away mid-run: say so, and let the next attempt start it again.
          this.started = false;
          this.current = {
            state: "unavailable",
            model: this.embedder!.id,
            reason: result.error,
            pending: result.pending,
          };
        } else {
          this.current.reason = undefined;
        }
        return result;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** The query's vector, or the reason there is none. */
  async queryVector(query: string): Promise<{ vector?: Float32Array; reason?: string }> {
    if (!this.embedder)
      return {
        reason:
          "no embedder is configured (set embedder in mcp.json, DOCINDEX_EMBEDDER or --embedder)",
      };
    if (!(await this.ensureStarted()))
      return { reason: `the embedder is unavailable: ${this.current.reason}` };
    try {
      const [vector] = await this.embedder.embedQuery([query]);
      return { vector };
    } catch (error) {
      return { reason: `the embedder failed on the query: ${describeError(error)}` };
    }
  }

  async close(): Promise<void> {
    await this.running?.catch(() => undefined);
    await this.reportCacheRecoveries();
    await this.embedder?.close().catch(() => undefined);
    this.cache?.close();
  }
}
