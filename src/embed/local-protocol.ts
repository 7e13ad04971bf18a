/** Messages between LocalEmbedder and its worker thread (local-worker.ts), and its settings. */
import type { EmbedderErrorCode } from "./embedder.js";

export type Pooling = "cls" | "mean";
export type LocalDtype = "q8" | "fp32";

export interface LocalWorkerInit {
  model: string;
  dtype: LocalDtype;
  pooling: Pooling;
  cacheDir?: string;
  localModelPath?: string;
  offline: boolean;
  /** onnxruntime's intra-op threads for one batch; absent: onnxruntime's default (one per core). */
  threads?: number;
  /** Let onnxruntime's idle threads spin between operators instead of sleeping. */
  allowSpinning: boolean;
}

export interface EmbedRequest {
  type: "embed";
  id: number;
  texts: string[];
}

export type WorkerMessage =
  | { type: "ready"; dimensions: number; maxInputTokens?: number }
  | { type: "failed"; code: EmbedderErrorCode; message: string }
  | { type: "vectors"; id: number; vectors: Float32Array[] }
  | { type: "error"; id: number; message: string };

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === "ready" || type === "failed" || type === "vectors" || type === "error";
}

/** onnxruntime session options from the worker's settings (see LocalEmbedderOptions). */
export function onnxSessionOptions(
  init: Pick<LocalWorkerInit, "threads" | "allowSpinning">,
): Record<string, unknown> {
  return {
    // One batch runs at a time, so inter-op parallelism has nothing to overlap.
    ...(init.threads !== undefined
      ? { intraOpNumThreads: init.threads, interOpNumThreads: 1 }
      : {}),
    // Session config entries (onnxruntime_session_options_config_keys.h), strings in Node.
    extra: { session: { intra_op: { allow_spinning: init.allowSpinning ? "1" : "0" } } },
  };
}
