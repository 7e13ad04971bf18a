/**
 * The one interface every embedder implements (OpenAI-compatible providers, Azure OpenAI, the
 * in-process ONNX model), and the one error class they throw. Callers branch on `code` and
 * `retryable`; the message names the provider URL or model and what to do, never the API key.
 */

export interface EmbedOptions {
  signal?: AbortSignal;
}

export interface Embedder {
  /**
   * "openai:<model>", "azure:<deployment>" or "local:<model>" ("local:<model>#fp32" for full
   * precision weights), plus "@<dims>" when dimensions are overridden. The index and the cache
   * keep vectors per id, so two ids never mix.
   */
  readonly id: string;
  /** Known after start(); 0 before. */
  readonly dimensions: number;
  /** Longer inputs are truncated before embedding, never rejected. */
  readonly maxInputTokens: number;
  /** Loads the model or probes the provider; throws EmbedderError on failure. Idempotent. */
  start(): Promise<void>;
  /**
   * Takes the dimensions an index already recorded for this same model id, so that a provider
   * need not be probed (a request) before the first real embedding; the answers are still
   * checked against them. Embedders that load a model anyway may ignore it.
   */
  assumeDimensions?(dimensions: number): void;
  /** Embeds passages (document chunks). Vectors are L2-normalised, one per text, in order. */
  embed(texts: string[], options?: EmbedOptions): Promise<Float32Array[]>;
  /**
   * Embeds search queries. Models trained with a query instruction (bge) get it here and only
   * here; for the others this is the same as embed().
   */
  embedQuery(texts: string[], options?: EmbedOptions): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export type EmbedderErrorCode =
  /** Provider unreachable, timing out, rate limiting or failing (5xx); or the model crashed. */
  | "UNAVAILABLE"
  /** 401/403: the key is missing, wrong or lacks access. */
  | "AUTH"
  /** 400/404/422: the request is wrong for this provider (model name, dimensions). */
  | "BAD_REQUEST"
  /** The answer does not fit the request (count, order, dimensions, encoding). */
  | "BAD_RESPONSE"
  /** Too many consecutive failures: calls fail fast until the cool-down ends. */
  | "CIRCUIT_OPEN"
  /** The configuration cannot work (missing model, key, package). */
  | "CONFIG";

export class EmbedderError extends Error {
  readonly code: EmbedderErrorCode;
  /** Whether the same call may succeed later without a configuration change. */
  readonly retryable: boolean;
  /**
   * Vectors that were computed before the call failed, by input position (undefined where
   * none was). A provider bills for them, so callers should keep them rather than ask again.
   */
  readonly partial?: readonly (Float32Array | undefined)[];

  constructor(
    code: EmbedderErrorCode,
    message: string,
    options?: {
      retryable?: boolean;
      cause?: unknown;
      partial?: readonly (Float32Array | undefined)[];
    },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "EmbedderError";
    this.code = code;
    this.retryable = options?.retryable ?? (code === "UNAVAILABLE" || code === "CIRCUIT_OPEN");
    if (options?.partial !== undefined) this.partial = options.partial;
  }

  /** The same failure, carrying the vectors a multi-batch call finished before it. */
  withPartial(partial: readonly (Float32Array | undefined)[]): EmbedderError {
    return new EmbedderError(this.code, this.message, {
      retryable: this.retryable,
      cause: this.cause,
      partial,
    });
  }
}

export function isEmbedderError(error: unknown): error is EmbedderError {
  return error instanceof EmbedderError;
}

/**
 * Scales to unit length in place, so cosine similarity is a dot product in every store. A zero
 * vector stays zero rather than becoming NaN.
 */
export function l2Normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const x of vector) sum += x * x;
  if (sum === 0 || !Number.isFinite(sum)) return vector;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) * scale;
  return vector;
}
