/**
 * Embedding throughput of a local model through the project's LocalEmbedder (worker thread,
 * transformers.js, onnxruntime on every core), in chunks per second for several batch sizes,
 * on synthetic chunk-sized texts of a fixed token length.
 */
import { LocalEmbedder } from "../../src/embed/local-embedder.js";
import type { LocalDtype } from "../../src/embed/local-protocol.js";
import { loadTokenizer } from "./tokenizer.js";

export interface ThroughputRow {
  batchSize: number;
  texts: number;
  /** Tokens per text including [CLS] and [SEP], as the model's tokenizer counts them. */
  tokensPerText: number;
  seconds: number;
  chunksPerSecond: number;
  msPerBatch: number;
}

export interface ThroughputOptions {
  /** Default sentence-transformers/all-MiniLM-L6-v2. */
  modelId?: string;
  dtype?: LocalDtype;
  /** Tokens per text, [CLS] and [SEP] included; default 200. */
  tokensPerText?: number;
  /** Texts embedded per batch size (after one warm-up batch); default 96. */
  textsPerRun?: number;
  log?: (line: string) => void;
}

/** Scientific-prose words that are single WordPiece tokens in an uncased BERT vocabulary. */
const WORDS = (
  "the of and in to a is that for with was were by as on are from this be at or which these " +
  "cells cell protein gene genes expression patients disease cancer tumor clinical study studies " +
  "results analysis data effect effects increased decreased level levels risk response treatment " +
  "human mice blood brain heart liver tissue activity function role model mechanism pathway growth " +
  "however therefore although significant significantly associated between during after before " +
  "high low higher lower early late acute chronic infection immune virus bacteria drug dose trial " +
  "population women men children age years group groups control compared observed found shown " +
  "suggest evidence factor factors receptor signal signaling binding membrane structure molecular " +
  "development regulation mutation mutations sequence dna rna transcription cancer survival rate"
).split(" ");

/** Deterministic texts of exactly `tokens` tokens (when every word is one token). */
function syntheticTexts(count: number, tokens: number, vocabulary: string[]): string[] {
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const texts: string[] = [];
  for (let t = 0; t < count; t++) {
    const words: string[] = [];
    let used = 2; // [CLS] and [SEP]
    while (used < tokens) {
      if (words.length > 0 && words.length % 16 === 15 && used + 2 <= tokens) {
        words[words.length - 1] += ".";
        used += 1;
      }
      words.push(vocabulary[next() % vocabulary.length]!);
      used += 1;
    }
    texts.push(words.join(" "));
  }
  return texts;
}

export async function embeddingThroughput(
  localModelPath: string,
  batchSizes: number[] = [1, 8, 16, 32],
  options: ThroughputOptions = {},
): Promise<ThroughputRow[]> {
  const modelId = options.modelId ?? "sentence-transformers/all-MiniLM-L6-v2";
  const tokens = options.tokensPerText ?? 200;
  const count = options.textsPerRun ?? 96;
  const log = options.log ?? (() => undefined);

  const tokenizer = await loadTokenizer(localModelPath, modelId);
  const singleToken = WORDS.filter((w) => tokenizer.encode(w).length === 3);
  const rows: ThroughputRow[] = [];
  for (const batchSize of batchSizes) {
    const texts = syntheticTexts(count + batchSize, tokens, singleToken);
    const tokensPerText = Math.round(
      texts.slice(0, 8).reduce((sum, t) => sum + tokenizer.encode(t).length, 0) / 8,
    );
    const embedder = new LocalEmbedder({
      model: modelId,
      localModelPath,
      offline: true,
      dtype: options.dtype ?? "fp32",
      pooling: "mean",
      batchSize,
    });
    try {
      await embedder.start();
      await embedder.embed(texts.slice(count)); // warm-up: one batch, not timed
      const started = process.hrtime.bigint();
      await embedder.embed(texts.slice(0, count));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const row: ThroughputRow = {
        batchSize,
        texts: count,
        tokensPerText,
        seconds,
        chunksPerSecond: count / seconds,
        msPerBatch: (seconds * 1000) / Math.ceil(count / batchSize),
      };
      log(
        `throughput: batch ${batchSize}: ${row.chunksPerSecond.toFixed(1)} chunks/s ` +
          `(${count} texts of ${tokensPerText} tokens in ${seconds.toFixed(2)} s)`,
      );
      rows.push(row);
    } finally {
      await embedder.close();
    }
  }
  return rows;
}
