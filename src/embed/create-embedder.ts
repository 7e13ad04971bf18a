/**
 * Settings → embedder. The schema is what the configuration layer validates against; the
 * factory only applies defaults and picks the class. Provider credentials left unset here fall
 * back to the SDK's environment variables (OPENAI_API_KEY, OPENAI_BASE_URL, AZURE_OPENAI_*,
 * OPENAI_API_VERSION).
 */
import { z } from "zod";
import type { Logger } from "../log.js";
import { EmbedderError, type Embedder } from "./embedder.js";
import { LocalEmbedder } from "./local-embedder.js";
import { DEFAULT_LOCAL_MODEL } from "./local-models.js";
import { OpenAIEmbedder } from "./openai-embedder.js";

export const DEFAULT_OPENAI_MODEL = "text-embedding-3-small";

const positiveInt = z.number().int().positive();

export const embedderConfigSchema = z
  .object({
    kind: z.enum(["none", "openai", "azure", "local"]),
    /** Model (OpenAI, local) or deployment (Azure, when azure.deployment is unset). */
    model: z.string().min(1).optional(),
    /** Shorter vectors from models that support it (text-embedding-3-*). */
    dimensions: positiveInt.optional(),
    baseURL: z.url().optional(),
    apiKey: z.string().min(1).optional(),
    azure: z
      .object({
        endpoint: z.url().optional(),
        deployment: z.string().min(1).optional(),
        apiVersion: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    local: z
      .object({
        cacheDir: z.string().min(1).optional(),
        localModelPath: z.string().min(1).optional(),
        offline: z.boolean().optional(),
        dtype: z.enum(["q8", "fp32"]).optional(),
        /** Inference threads (default: onnxruntime's, one per core). */
        threads: z.number().int().positive().max(256).optional(),
        pooling: z.enum(["cls", "mean"]).optional(),
        queryPrefix: z.string().optional(),
      })
      .strict()
      .optional(),
    /** Inputs per provider request (default 64) or per local inference run (default 16). */
    batchSize: positiveInt.max(2048).optional(),
    /** Provider requests in flight (default 2). */
    concurrency: positiveInt.max(64).optional(),
    /** Inputs are truncated to this many estimated tokens (default 8191 for providers, the tokenizer's window locally). */
    maxInputTokens: positiveInt.optional(),
    /** Estimated tokens per provider request (default 8000). */
    maxBatchTokens: positiveInt.optional(),
    /** Per provider request (default 60 000). */
    timeoutMs: positiveInt.optional(),
    retries: z
      .object({
        maxAttempts: positiveInt.max(20),
        baseDelayMs: z.number().int().min(0),
        maxDelayMs: z.number().int().min(0),
      })
      .strict()
      .optional(),
    circuit: z
      .object({ failureThreshold: positiveInt, cooldownMs: z.number().int().min(0) })
      .strict()
      .optional(),
  })
  .strict();

export type EmbedderConfig = z.infer<typeof embedderConfigSchema>;

export interface CreateEmbedderOptions {
  log?: Logger;
}

/** undefined for kind "none": search is lexical only. Nothing is contacted until start(). */
export function createEmbedder(
  config: EmbedderConfig,
  options: CreateEmbedderOptions = {},
): Embedder | undefined {
  const parsed = embedderConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new EmbedderError(
      "CONFIG",
      `embedder settings: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`,
    );
  }
  const c = parsed.data;
  const log = options.log;
  switch (c.kind) {
    case "none":
      return undefined;
    case "local":
      return new LocalEmbedder({
        model: c.model ?? DEFAULT_LOCAL_MODEL,
        ...c.local,
        ...(c.batchSize !== undefined ? { batchSize: c.batchSize } : {}),
        ...(c.maxInputTokens !== undefined ? { maxInputTokens: c.maxInputTokens } : {}),
        ...(log !== undefined ? { log } : {}),
      });
    case "openai":
    case "azure": {
      const model =
        c.kind === "azure" ? (c.azure?.deployment ?? c.model) : (c.model ?? DEFAULT_OPENAI_MODEL);
      if (model === undefined) {
        throw new EmbedderError(
          "CONFIG",
          "azure embedder: set azure.deployment (or model) to the embedding deployment's name",
        );
      }
      return new OpenAIEmbedder({
        provider: c.kind,
        model,
        ...pick(c, [
          "dimensions",
          "baseURL",
          "apiKey",
          "azure",
          "batchSize",
          "concurrency",
          "maxInputTokens",
          "maxBatchTokens",
          "timeoutMs",
          "retries",
          "circuit",
        ]),
        ...(log !== undefined ? { log } : {}),
      });
    }
  }
}

/** Only the keys that are set, so that `undefined` never overrides a default (exactOptionalPropertyTypes-safe). */
function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
