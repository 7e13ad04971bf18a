/**
 * Where the local embedder's time goes, per piece, in-process (no worker thread), with the same
 * transformers.js pipeline and model files the worker loads: tokenizing (with padding and
 * truncation), the ONNX session, pooling (ours, local-pooling.ts, next to transformers.js's
 * mean_pooling), and how much of each batch is padding. The worker thread's own cost (messages,
 * transfer) is LocalEmbedder's time minus this total, measured in the same bench.
 */
import { poolHiddenState } from "../../src/embed/local-pooling.js";
import { onnxSessionOptions, type LocalDtype } from "../../src/embed/local-protocol.js";
import { inputBatches } from "../../src/embed/local-embedder.js";
import { loadTransformersOffline } from "./tokenizer.js";

interface Tensor {
  data: Float32Array | BigInt64Array;
  dims: number[];
}

interface Extractor {
  tokenizer: (
    texts: string[],
    options: { padding: boolean; truncation: boolean },
  ) => {
    attention_mask: Tensor;
  };
  model: (inputs: object) => Promise<{ last_hidden_state: Tensor }>;
  dispose(): Promise<void>;
}

interface TransformersModule {
  pipeline(task: string, model: string, options: object): Promise<Extractor>;
  mean_pooling(hidden: Tensor, mask: Tensor): Tensor;
}

export interface BreakdownConfig {
  dtype: LocalDtype;
  batchSize: number;
  maxBatchTokens: number;
  sortByLength: boolean;
  allowSpinning?: boolean;
}

/** all-MiniLM-L6-v2's model_max_length as prepareMiniLm writes it (sentence-transformers' 256). */
const MINILM_WINDOW = 256;

export interface Breakdown extends BreakdownConfig {
  texts: number;
  /** Milliseconds over all batches. */
  tokenizeMs: number;
  sessionMs: number;
  poolMs: number;
  transformersPoolMs: number;
  totalMs: number;
  /** Share of the padded [batch, sequence] positions that are padding. */
  paddingShare: number;
}

const now = () => performance.now();

export async function embeddingBreakdown(
  localModelPath: string,
  modelId: string,
  texts: string[],
  configs: BreakdownConfig[],
): Promise<Breakdown[]> {
  const transformers = await loadTransformersOffline<TransformersModule>(localModelPath);
  const rows: Breakdown[] = [];
  for (const config of configs) {
    const extractor = await transformers.pipeline("feature-extraction", modelId, {
      dtype: config.dtype,
      device: "cpu",
      // As the worker sets them; absent: onnxruntime's default (spinning), as before issue 10.
      ...(config.allowSpinning !== undefined
        ? { session_options: onnxSessionOptions({ allowSpinning: config.allowSpinning }) }
        : {}),
    });
    try {
      const run = async (timed: boolean) => {
        const row: Breakdown = {
          ...config,
          texts: texts.length,
          tokenizeMs: 0,
          sessionMs: 0,
          poolMs: 0,
          transformersPoolMs: 0,
          totalMs: 0,
          paddingShare: 0,
        };
        let real = 0;
        let padded = 0;
        const started = now();
        const batches = inputBatches(texts, { ...config, window: MINILM_WINDOW });
        for (const slots of batches) {
          let at = now();
          const inputs = extractor.tokenizer(
            slots.map((i) => texts[i]!),
            { padding: true, truncation: true },
          );
          row.tokenizeMs += now() - at;
          at = now();
          const { last_hidden_state: hidden } = await extractor.model(inputs);
          row.sessionMs += now() - at;
          at = now();
          poolHiddenState(
            { data: hidden.data as Float32Array, dims: hidden.dims },
            inputs.attention_mask.data,
            "mean",
          );
          row.poolMs += now() - at;
          // Not part of the embedder's path: timed apart, and taken out of the total.
          const other = now();
          transformers.mean_pooling(hidden, inputs.attention_mask);
          row.transformersPoolMs += now() - other;
          row.totalMs -= now() - other;
          const mask = inputs.attention_mask.data as BigInt64Array;
          padded += mask.length;
          for (const m of mask) real += Number(m);
        }
        row.totalMs += now() - started;
        row.paddingShare = 1 - real / padded;
        return timed ? row : undefined;
      };
      await run(false); // warm-up: the first runs of a session allocate its buffers
      rows.push((await run(true))!);
    } finally {
      await extractor.dispose();
    }
  }
  return rows;
}
