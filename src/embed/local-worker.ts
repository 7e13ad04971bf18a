/**
 * The worker thread behind LocalEmbedder: loads the ONNX model through @huggingface/transformers
 * (CPU, onnxruntime-node) and answers embed requests one at a time. Inference is CPU-bound for
 * hundreds of milliseconds per batch; here it cannot stall the MCP server's event loop.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { EmbedderErrorCode } from "./embedder.js";
import {
  onnxSessionOptions,
  type EmbedRequest,
  type LocalWorkerInit,
  type WorkerMessage,
} from "./local-protocol.js";
import { poolHiddenState } from "./local-pooling.js";

interface Tensor {
  data: ArrayLike<number | bigint>;
  dims: number[];
}

/** The pipeline's parts this worker calls itself: tokenizer, then model, then its own pooling. */
interface FeatureExtractor {
  tokenizer: {
    (
      texts: string[],
      options: { padding: boolean; truncation: boolean },
    ): {
      attention_mask: Tensor;
    };
    model_max_length?: number;
  };
  model: (inputs: object) => Promise<Record<string, Tensor | undefined>>;
}

interface TransformersModule {
  env: {
    cacheDir: string | null;
    localModelPath: string;
    allowRemoteModels: boolean;
    allowLocalModels: boolean;
  };
  pipeline(
    task: "feature-extraction",
    model: string,
    options: Record<string, unknown>,
  ): Promise<FeatureExtractor>;
}

/** A variable, not a literal: the package is optional, and the build must not need its types. */
const TRANSFORMERS = "@huggingface/transformers";

const port = parentPort;
if (port === null) throw new Error("local-worker.ts must run in a worker thread");
const init = workerData as LocalWorkerInit;

function send(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

async function load(): Promise<FeatureExtractor> {
  let transformers: TransformersModule;
  try {
    transformers = (await import(TRANSFORMERS)) as TransformersModule;
  } catch (error) {
    throw new LoadError(
      "CONFIG",
      `install @huggingface/transformers for the local embedder (${message(error)})`,
    );
  }
  const { env } = transformers;
  if (init.cacheDir !== undefined) env.cacheDir = init.cacheDir;
  if (init.localModelPath !== undefined) env.localModelPath = withSlash(init.localModelPath);
  env.allowLocalModels = true;
  env.allowRemoteModels = !init.offline;
  try {
    return await transformers.pipeline("feature-extraction", init.model, {
      dtype: init.dtype,
      device: "cpu",
      session_options: onnxSessionOptions(init),
    });
  } catch (error) {
    throw classifyLoadFailure(error);
  }
}

class LoadError extends Error {
  constructor(
    readonly code: EmbedderErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function classifyLoadFailure(error: unknown): LoadError {
  const text = message(error);
  const file = init.dtype === "q8" ? "onnx/model_quantized.onnx" : "onnx/model.onnx";
  if (/not found locally|could not locate file|local_files_only|no such file/i.test(text)) {
    const where = [
      init.localModelPath !== undefined ? `localModelPath ${init.localModelPath}` : undefined,
      init.cacheDir !== undefined ? `cacheDir ${init.cacheDir}` : undefined,
    ].filter(Boolean);
    return new LoadError(
      "CONFIG",
      `local model ${init.model} (${init.dtype}) not found${where.length ? ` in ${where.join(" or ")}` : ""}` +
        `${init.offline ? " and downloads are off (offline)" : ""}: it needs config.json, tokenizer.json and ${file}. (${text})`,
    );
  }
  if (/fetch failed|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|network/i.test(text)) {
    return new LoadError(
      "UNAVAILABLE",
      `cannot download local model ${init.model} from the Hugging Face hub (${text}); once downloaded it is cached and works offline`,
    );
  }
  return new LoadError("UNAVAILABLE", `local model ${init.model} failed to load: ${text}`);
}

async function embed(extractor: FeatureExtractor, texts: string[]): Promise<Float32Array[]> {
  // The pipeline's own steps (FeatureExtractionPipeline._call), with pooling done here.
  const inputs = extractor.tokenizer(texts, { padding: true, truncation: true });
  const outputs = await extractor.model(inputs);
  const hidden = outputs.last_hidden_state ?? outputs.logits ?? outputs.token_embeddings;
  if (hidden === undefined || !(hidden.data instanceof Float32Array))
    throw new Error(
      `the model gave no float32 last_hidden_state (outputs: ${Object.keys(outputs).join(", ")})`,
    );
  return poolHiddenState(
    { data: hidden.data, dims: hidden.dims },
    inputs.attention_mask.data,
    init.pooling,
  );
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

function withSlash(path: string): string {
  return path.endsWith("/") ? path : `${path}/`;
}

async function main(): Promise<void> {
  let extractor: FeatureExtractor;
  let dimensions: number;
  try {
    extractor = await load();
    dimensions = (await embed(extractor, ["probe"]))[0]?.length ?? 0;
  } catch (error) {
    const failure = error instanceof LoadError ? error : classifyLoadFailure(error);
    send({ type: "failed", code: failure.code, message: failure.message });
    return;
  }
  const limit = extractor.tokenizer?.model_max_length;
  // Tokenizers without a limit report a huge sentinel (1e30); that is no window at all.
  const maxInputTokens = typeof limit === "number" && limit > 0 && limit < 1e6 ? limit : undefined;
  send({ type: "ready", dimensions, ...(maxInputTokens !== undefined ? { maxInputTokens } : {}) });

  // One batch at a time: onnxruntime already uses every core for one run.
  let queue = Promise.resolve();
  port?.on("message", (request: EmbedRequest) => {
    queue = queue.then(async () => {
      try {
        const vectors = await embed(extractor, request.texts);
        send(
          { type: "vectors", id: request.id, vectors },
          vectors.map((v) => v.buffer as ArrayBuffer),
        );
      } catch (error) {
        send({ type: "error", id: request.id, message: message(error) });
      }
    });
  });
}

void main();
