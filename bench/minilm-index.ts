/**
 * SciFact indexed with the real all-MiniLM-L6-v2 (bench/real-model) through the product's own
 * pipeline: reindex with a VectorIndexer, settings embedder local / fp32 (or q8) / offline, SQLite
 * store, in `<workDir>/scifact-minilm-index` (q8: `scifact-minilm-q8-<sha256 of the model>-index`,
 * with its own cache, since the cache does not tell dtypes or quantizations apart). The folder is kept between runs: an unchanged corpus
 * reindexes in a second and every chunk keeps its vector (and embeddings.db, the content-addressed
 * cache, would refill a fresh index without running the model).
 */
import { join } from "node:path";
import type { PartialSettings, Settings } from "../src/config/schema.js";
import { loadSettings } from "../src/config/load.js";
import { describeError } from "../src/errors.js";
import { createLogger } from "../src/log.js";
import { reindex, type ReindexSummary } from "../src/pipeline/reindex.js";
import { createParserPool, openStore } from "../src/pipeline/runtime.js";
import { VectorIndexer } from "../src/pipeline/vectors.js";
import type { Store } from "../indexers/store.js";
import type { LocalDtype } from "../src/embed/local-protocol.js";
import { prepareMiniLm } from "./real-model/prepare-minilm.js";
import { writeScifactCorpus } from "./scifact.js";
import { timeMs } from "./timing.js";

/** A variable, not a literal: the package is optional (as in real-model/tokenizer.ts). */
const TRANSFORMERS = "@huggingface/transformers";

export interface MiniLm {
  localModelPath: string;
  modelId: string;
  /** Why onnx/model_quantized.onnx (dtype q8) is missing, if it is. */
  q8Skipped?: string;
  /** That file's sha256: another quantization needs another index. */
  q8Sha256?: string;
}

/** The converted model, or why there is none (no pip or network, no transformers package). */
export async function prepareModel(workDir: string): Promise<MiniLm | { skipped: string }> {
  try {
    await import(TRANSFORMERS);
  } catch (error) {
    return {
      skipped: `@huggingface/transformers (optional dependency) cannot be loaded: ${describeError(error)}`,
    };
  }
  try {
    const model = await prepareMiniLm(workDir, (line) => console.error(line));
    if ("skipped" in model) return model;
    return {
      localModelPath: model.localModelPath,
      modelId: model.modelId,
      ...("skipped" in model.quantized
        ? { q8Skipped: model.quantized.skipped }
        : { q8Sha256: model.quantized.sha256 }),
    };
  } catch (error) {
    return { skipped: `all-MiniLM-L6-v2 could not be prepared: ${describeError(error)}` };
  }
}

export function miniLmFlags(model: MiniLm, dtype: LocalDtype = "fp32"): PartialSettings {
  return {
    embedder: "local",
    embedModel: model.modelId,
    localModelPath: model.localModelPath,
    offline: true,
    embedDtype: dtype,
  };
}

export interface MiniLmIndex {
  root: string;
  settings: Settings;
  store: Store;
  vectors: VectorIndexer;
  summary: ReindexSummary;
  seconds: number;
  close(): Promise<void>;
}

export const MINILM_INDEX_DIR = "scifact-minilm-index";
/**
 * The q8 index is named by its model file: the store and the cache know the model id only, not
 * the dtype or the quantization, and would keep another quantization's vectors.
 */
function indexDir(model: MiniLm, dtype: LocalDtype): string {
  return dtype === "fp32"
    ? MINILM_INDEX_DIR
    : `scifact-minilm-q8-${(model.q8Sha256 ?? "").slice(0, 12)}-index`;
}

export async function openMiniLmIndex(
  workDir: string,
  model: MiniLm,
  dtype: LocalDtype = "fp32",
): Promise<MiniLmIndex | { skipped: string }> {
  if (dtype === "q8" && model.q8Skipped !== undefined)
    return { skipped: `no q8 model: ${model.q8Skipped}` };
  const root = join(workDir, "scifact");
  writeScifactCorpus(root);
  const { settings } = loadSettings({
    cwd: root,
    env: {},
    flags: {
      roots: [root],
      indexDir: join(workDir, indexDir(model, dtype)),
      ...miniLmFlags(model, dtype),
    },
  });
  const log = createLogger({ level: "warn" });
  const store = await openStore(settings, { create: true });
  const vectors = VectorIndexer.create(settings, store, log);
  const pool = createParserPool(settings);
  const close = async () => {
    await vectors.close();
    await store.close();
  };
  try {
    const pending = await store.countChunksWithoutVectors();
    if (pending > 0 || (await store.stats()).documents === 0)
      console.error(
        `embeddings: indexing SciFact with all-MiniLM-L6-v2 (${dtype}) into ${settings.indexDir} (minutes on first run)`,
      );
    let summary: ReindexSummary | undefined;
    const ms = await timeMs(async () => {
      summary = await reindex({ settings, store, parser: pool, log, vectors });
    });
    const embeddings = summary!.embeddings;
    if (embeddings?.error || (embeddings?.pending ?? 0) > 0) {
      await close();
      return {
        skipped: `embedding SciFact failed: ${embeddings?.error ?? `${embeddings?.pending} chunks pending`}`,
      };
    }
    return { root, settings, store, vectors, summary: summary!, seconds: ms / 1000, close };
  } catch (error) {
    await close();
    return { skipped: `indexing SciFact with MiniLM failed: ${describeError(error)}` };
  } finally {
    await pool.close();
  }
}
