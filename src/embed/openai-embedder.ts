/**
 * Embeddings from OpenAI, Azure OpenAI or any server that speaks the OpenAI embeddings API
 * (vLLM, Ollama, LiteLLM, text-embeddings-inference). The SDK's own retries and timeout are off:
 * every request runs under the shared policy (indexers/resilience: backoff with full jitter,
 * Retry-After, a per-attempt timeout, a circuit breaker), the same for every provider and for
 * the chat model and Elasticsearch. See README.md for the numbers.
 */
// Only types at load time: the SDK is some 150 modules, loaded with the first client (see
// loadSdk), so that a command that never embeds (search without vectors) does not pay for it.
import type OpenAI from "openai";
import type { Logger } from "../log.js";
import { createLogger } from "../log.js";
import { estimateTokens } from "../../scanners/chunk/tokens.js";
import { AttemptTimedOut, CircuitOpen, GaveUp } from "../../indexers/resilience/failures.js";
import {
  Resilience,
  type BreakerSettings,
  type RetrySettings,
} from "../../indexers/resilience/resilience.js";
import { EmbedderError, l2Normalize, type Embedder, type EmbedOptions } from "./embedder.js";
import type * as ProviderFailures from "./provider-failure.js";
import { Semaphore } from "./semaphore.js";
import { planBatches, truncateToTokens } from "./token-budget.js";

export interface OpenAIEmbedderOptions {
  provider: "openai" | "azure";
  /** Model name (OpenAI) or deployment name (Azure, when azure.deployment is not given). */
  model: string;
  /** Ask for shorter vectors (text-embedding-3 models); part of the embedder id. */
  dimensions?: number;
  /** Default: OPENAI_BASE_URL, else https://api.openai.com/v1 (the SDK reads it). */
  baseURL?: string;
  /** Default: OPENAI_API_KEY (AZURE_OPENAI_API_KEY for Azure; the SDK reads it). */
  apiKey?: string;
  azure?: { endpoint?: string; deployment?: string; apiVersion?: string };
  /** Inputs per request; default 64. */
  batchSize?: number;
  /** Estimated tokens per request; default 8 000. */
  maxBatchTokens?: number;
  /** Requests in flight at once; default 2. */
  concurrency?: number;
  /** Longer inputs are cut; default 8 191 (OpenAI's embedding models). */
  maxInputTokens?: number;
  /** Per attempt (a retry gets a fresh timeout); default 60 000 ms. */
  timeoutMs?: number;
  retries?: Partial<RetrySettings>;
  circuit?: Partial<BreakerSettings>;
  /** A Retry-After longer than this is not waited out in-call: the call fails UNAVAILABLE. Default 60 000 ms. */
  maxRetryAfterMs?: number;
  log?: Logger;
}

/**
 * The estimate can run a little below a real BPE count; cutting at 90% of the window keeps an
 * over-long chunk from being refused by the provider (a 400 would stall the backlog).
 */
const TRUNCATION_SAFETY = 0.9;

const DEFAULT_RETRY: RetrySettings = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 20_000 };
const DEFAULT_CIRCUIT: BreakerSettings = { failureThreshold: 5, cooldownMs: 30_000 };

export class OpenAIEmbedder implements Embedder {
  readonly id: string;
  readonly maxInputTokens: number;
  private dims = 0;
  private client: OpenAI | undefined;
  private starting: Promise<void> | undefined;
  private readonly name: string;
  private readonly batchSize: number;
  private readonly maxBatchTokens: number;
  private readonly timeoutMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly policy: Resilience;
  private readonly limiter: Semaphore;
  private readonly log: Logger;

  constructor(private readonly options: OpenAIEmbedderOptions) {
    this.name =
      options.provider === "azure" ? (options.azure?.deployment ?? options.model) : options.model;
    if (this.name === "")
      throw new EmbedderError("CONFIG", `${options.provider} embedder: set a model name`);
    this.id = `${options.provider}:${this.name}${options.dimensions !== undefined ? `@${options.dimensions}` : ""}`;
    this.maxInputTokens = positive(options.maxInputTokens ?? 8191, "maxInputTokens");
    this.batchSize = positive(options.batchSize ?? 64, "batchSize");
    this.maxBatchTokens = positive(options.maxBatchTokens ?? 8000, "maxBatchTokens");
    this.timeoutMs = positive(options.timeoutMs ?? 60_000, "timeoutMs");
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    const retry = { ...DEFAULT_RETRY, ...options.retries };
    positive(retry.maxAttempts, "retries.maxAttempts");
    this.limiter = new Semaphore(positive(options.concurrency ?? 2, "concurrency"));
    this.log = (options.log ?? createLogger({ level: "silent" })).child({
      component: "embedder",
      embedder: this.id,
    });
    this.policy = new Resilience({
      retry,
      breaker: { ...DEFAULT_CIRCUIT, ...options.circuit },
      attemptTimeoutMs: this.timeoutMs,
      maxRetryAfterMs: this.maxRetryAfterMs,
      classify: (error) => failures().providerVerdict(error, failures().isRetryableStatus),
      onRetry: ({ attempt, waitMs, error }) =>
        this.log.warn("embedding request failed; retrying", {
          attempt,
          waitMs,
          reason: this.toEmbedderError(error).message,
        }),
    });
    if (options.dimensions !== undefined) positive(options.dimensions, "dimensions");
  }

  get dimensions(): number {
    return this.dims;
  }

  /** Where requests go, for messages; never includes the key. */
  get endpoint(): string {
    return (
      this.client?.baseURL ??
      this.options.baseURL ??
      this.options.azure?.endpoint ??
      "(not started)"
    );
  }

  assumeDimensions(dimensions: number): void {
    if (this.dims !== 0 || this.starting !== undefined) return;
    this.dims = dimensions;
    // A configuration error still surfaces from start(), as it did when this was synchronous.
    this.starting = this.connect().catch((error: unknown) => {
      this.dims = 0;
      this.starting = undefined;
      throw error;
    });
  }

  start(): Promise<void> {
    this.starting ??= this.probe().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  async embed(texts: string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    await this.start();
    const budget = Math.max(1, Math.floor(this.maxInputTokens * TRUNCATION_SAFETY));
    const inputs = texts.map((text) => truncateToTokens(text === "" ? " " : text, budget));
    const batches = planBatches(inputs.map(estimateTokens), {
      maxItems: this.batchSize,
      maxTokens: this.maxBatchTokens,
    });
    const results = new Array<Float32Array | undefined>(inputs.length);
    const signal = options.signal ?? new AbortController().signal;
    // After one batch fails, batches not yet sent are skipped, but those in flight may finish:
    // their vectors are paid for, and travel back in the error's `partial`.
    let failure: unknown;
    await Promise.all(
      batches.map(({ start, end }) =>
        this.limiter.run(async () => {
          if (failure !== undefined || signal.aborted) return;
          try {
            const vectors = await this.request(inputs.slice(start, end), signal);
            vectors.forEach((vector, i) => (results[start + i] = vector));
          } catch (error) {
            failure ??= error;
          }
        }),
      ),
    );
    signal.throwIfAborted();
    if (failure === undefined) return results as Float32Array[];
    throw failure instanceof EmbedderError && results.some((v) => v !== undefined)
      ? failure.withPartial(results)
      : failure;
  }

  embedQuery(texts: string[], options?: EmbedOptions): Promise<Float32Array[]> {
    return this.embed(texts, options);
  }

  async close(): Promise<void> {
    this.client = undefined;
    this.starting = undefined;
  }

  private async connect(): Promise<void> {
    this.client ??= await this.createClient();
  }

  private async probe(): Promise<void> {
    await this.connect();
    const [vector] = await this.request(["ping"], new AbortController().signal);
    this.dims = vector?.length ?? 0;
    this.log.info("embedder ready", { endpoint: this.endpoint, dimensions: this.dims });
  }

  private async createClient(): Promise<OpenAI> {
    const { default: OpenAIClient, AzureOpenAI } = await loadSdk();
    // No SDK retries and no SDK timeout: the shared policy owns both, per attempt.
    const common = { apiKey: this.options.apiKey, maxRetries: 0 };
    try {
      if (this.options.provider === "azure") {
        return new AzureOpenAI({
          ...common,
          endpoint: this.options.azure?.endpoint,
          deployment: this.name,
          apiVersion: this.options.azure?.apiVersion,
          ...(this.options.baseURL !== undefined ? { baseURL: this.options.baseURL } : {}),
        });
      }
      return new OpenAIClient({
        ...common,
        ...(this.options.baseURL !== undefined ? { baseURL: this.options.baseURL } : {}),
      });
    } catch (error) {
      const message = this.clean(error);
      const keyVariable =
        this.options.provider === "azure" ? "AZURE_OPENAI_API_KEY" : "OPENAI_API_KEY";
      const hint = /api.?key|credential/i.test(message)
        ? ` Set ${keyVariable} or embedder.apiKey (any value for a local server that does not check keys).`
        : "";
      throw new EmbedderError(
        "CONFIG",
        `${this.options.provider} embedder (${this.name}) cannot be configured: ${message.split("\n")[0]}${hint}`,
        { cause: error },
      );
    }
  }

  /** One HTTP request, retried per policy. */
  private async request(inputs: string[], signal: AbortSignal): Promise<Float32Array[]> {
    const client = this.client ?? (this.client = await this.createClient());
    let response: unknown;
    try {
      response = await this.policy.run(
        (attemptSignal) =>
          client.embeddings.create(
            {
              model: this.name,
              input: inputs,
              encoding_format: "float",
              ...(this.options.dimensions !== undefined
                ? { dimensions: this.options.dimensions }
                : {}),
            },
            { signal: attemptSignal, maxRetries: 0 },
          ),
        signal,
      );
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
      throw this.failure(error);
    }
    return this.decode(response, inputs.length);
  }

  /** The EmbedderError for what the policy threw. */
  private failure(error: unknown): EmbedderError {
    const where = `embedding provider ${this.endpoint} (${this.name})`;
    if (error instanceof CircuitOpen) {
      return new EmbedderError(
        "CIRCUIT_OPEN",
        `${where} failed repeatedly; not calling it for another ${Math.ceil(error.remainingMs / 1000)} s`,
      );
    }
    if (!(error instanceof GaveUp)) return this.toEmbedderError(error);
    const last = this.toEmbedderError(error.cause);
    if (error.retryAfterMs !== undefined) {
      return new EmbedderError(
        "UNAVAILABLE",
        `${last.message}; the provider asks to retry after ${Math.ceil(error.retryAfterMs / 1000)} s, longer than the ${Math.ceil(this.maxRetryAfterMs / 1000)} s this call waits`,
        { cause: error.cause },
      );
    }
    return error.attempts > 1 ? withAttempts(last, error.attempts) : last;
  }

  private toEmbedderError(error: unknown): EmbedderError {
    const where = `embedding provider ${this.endpoint} (${this.name})`;
    if (error instanceof AttemptTimedOut) {
      return new EmbedderError(
        "UNAVAILABLE",
        `${where} did not answer within ${error.timeoutMs} ms`,
        {
          cause: error,
        },
      );
    }
    const failure = failures().classifyProviderFailure(error);
    const detail = failures().redact(failure.detail, this.options.apiKey);
    switch (failure.kind) {
      case "timeout":
        return new EmbedderError("UNAVAILABLE", `${where} timed out`, { cause: error });
      case "network":
        return new EmbedderError("UNAVAILABLE", `${where} is unreachable: ${detail}`, {
          cause: error,
        });
      case "config":
        return new EmbedderError("CONFIG", `${where}: ${detail}`, { cause: error });
      case "status": {
        const { status } = failure;
        if (status === 401 || status === 403) {
          return new EmbedderError(
            "AUTH",
            `${where} refused the API key (${status}): ${detail}. Check ${this.options.provider === "azure" ? "AZURE_OPENAI_API_KEY" : "OPENAI_API_KEY"} or embedder.apiKey`,
            { cause: error },
          );
        }
        if (failures().isRetryableStatus(status)) {
          return new EmbedderError("UNAVAILABLE", `${where} answered ${status}: ${detail}`, {
            cause: error,
          });
        }
        return new EmbedderError(
          "BAD_REQUEST",
          `${where} rejected the request (${status}): ${detail}. Check the model name${this.options.dimensions !== undefined ? " and dimensions" : ""}`,
          { cause: error },
        );
      }
      case "aborted":
      case "other":
        return new EmbedderError("BAD_RESPONSE", `${where}: ${detail}`, { cause: error });
    }
  }

  /** Checks the answer against the request: one vector per input, in index order, all of one size. */
  private decode(response: unknown, count: number): Float32Array[] {
    const where = `embedding provider ${this.endpoint} (${this.name})`;
    const data = (response as { data?: unknown } | null)?.data;
    if (!Array.isArray(data) || data.length !== count) {
      throw new EmbedderError(
        "BAD_RESPONSE",
        `${where} returned ${Array.isArray(data) ? data.length : "no"} vectors for ${count} inputs`,
      );
    }
    let want = this.dims || this.options.dimensions;
    const vectors = new Array<Float32Array | undefined>(count);
    data.forEach((item: unknown, position) => {
      const { index = position, embedding } = (item ?? {}) as {
        index?: unknown;
        embedding?: unknown;
      };
      if (
        typeof index !== "number" ||
        !Number.isInteger(index) ||
        index < 0 ||
        index >= count ||
        vectors[index]
      ) {
        throw new EmbedderError(
          "BAD_RESPONSE",
          `${where} returned a bad or repeated index ${String(index)}`,
        );
      }
      const vector = toFloat32(embedding);
      if (vector === undefined) {
        throw new EmbedderError(
          "BAD_RESPONSE",
          `${where} returned an embedding that is neither a float list nor base64 float32`,
        );
      }
      want ??= vector.length;
      if (vector.length !== want || vector.length === 0) {
        throw new EmbedderError(
          "BAD_RESPONSE",
          `${where} returned vectors of ${vector.length} dimensions, expected ${want}` +
            (this.options.dimensions !== undefined
              ? " (embedder.dimensions)"
              : " (the model's size at start-up)") +
            ". Did the model behind the endpoint change? Set embedder.dimensions to match, or re-index.",
        );
      }
      vectors[index] = l2Normalize(vector);
    });
    return vectors as Float32Array[];
  }

  private clean(error: unknown): string {
    return failures().redact(
      error instanceof Error ? error.message : String(error),
      this.options.apiKey,
    );
  }
}

let loadedFailures: typeof ProviderFailures | undefined;

/**
 * The SDK and the failure sorting built on its error classes, together. Every path that sorts
 * a failure runs after a client was made, so it finds them loaded.
 */
async function loadSdk(): Promise<typeof import("openai")> {
  const [sdk, sorting] = await Promise.all([import("openai"), import("./provider-failure.js")]);
  loadedFailures = sorting;
  return sdk;
}

function failures(): typeof ProviderFailures {
  if (loadedFailures === undefined) throw new Error("openai embedder: SDK used before loading");
  return loadedFailures;
}

/** A float list, or base64 of little-endian float32 (what OpenAI sends for encoding_format "base64"). */
function toFloat32(embedding: unknown): Float32Array | undefined {
  if (Array.isArray(embedding)) {
    return embedding.every((x) => typeof x === "number" && Number.isFinite(x))
      ? Float32Array.from(embedding as number[])
      : undefined;
  }
  if (typeof embedding !== "string") return undefined;
  const bytes = Buffer.from(embedding, "base64");
  if (bytes.length === 0 || bytes.length % 4 !== 0) return undefined;
  const vector = new Float32Array(bytes.length / 4);
  for (let i = 0; i < vector.length; i++) vector[i] = bytes.readFloatLE(i * 4);
  return vector.every(Number.isFinite) ? vector : undefined;
}

function withAttempts(error: EmbedderError, attempts: number): EmbedderError {
  return new EmbedderError(error.code, `${error.message} (after ${attempts} attempts)`, {
    retryable: error.retryable,
    cause: error.cause,
  });
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new EmbedderError("CONFIG", `embedder: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}
