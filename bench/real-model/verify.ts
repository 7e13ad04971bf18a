/**
 * Checks the converted model through the project's real LocalEmbedder (worker thread,
 * transformers.js pipeline, onnxruntime, fp32, mean pooling): 384 dimensions, unit vectors,
 * the similarities printed in the sentence-transformers documentation for this model, and
 * agreement with an independent TypeScript forward pass of the same safetensors weights.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LocalEmbedder } from "../../src/embed/local-embedder.js";
import { bertForward, meanPooledNormalized } from "./bert-reference.js";
import { bertConfigFrom, loadBertWeights } from "./bert-weights.js";
import type { PreparedModel } from "./prepare-minilm.js";
import { SafeTensors } from "./safetensors.js";
import { loadTokenizer } from "./tokenizer.js";

/**
 * Cosine similarities published for sentence-transformers/all-MiniLM-L6-v2 (4 decimals):
 * the sentence-transformers README / quickstart, and the output printed next to
 * examples/applications/semantic-search/semantic_search.py in its documentation.
 */
export const PUBLISHED_SIMILARITIES: readonly { a: string; b: string; expected: number }[] = [
  { a: "The weather is lovely today.", b: "It's so sunny outside!", expected: 0.666 },
  { a: "The weather is lovely today.", b: "He drove to the stadium.", expected: 0.1046 },
  { a: "It's so sunny outside!", b: "He drove to the stadium.", expected: 0.1411 },
  { a: "A man is eating pasta.", b: "A man is eating food.", expected: 0.7035 },
  { a: "A man is eating pasta.", b: "A man is eating a piece of bread.", expected: 0.5272 },
  { a: "A man is eating pasta.", b: "A man is riding a horse.", expected: 0.1889 },
  {
    a: "A man is eating pasta.",
    b: "A man is riding a white horse on an enclosed ground.",
    expected: 0.1047,
  },
  { a: "A man is eating pasta.", b: "A cheetah is running behind its prey.", expected: 0.098 },
  {
    a: "Someone in a gorilla costume is playing a set of drums.",
    b: "A monkey is playing drums.",
    expected: 0.6433,
  },
  {
    a: "Someone in a gorilla costume is playing a set of drums.",
    b: "A woman is playing violin.",
    expected: 0.2564,
  },
  {
    a: "A cheetah chases prey on across a field.",
    b: "A cheetah is running behind its prey.",
    expected: 0.8253,
  },
];

/** The published figures have 4 decimals; fp32 on another CPU/GPU and library version moves the 4th. */
const PUBLISHED_TOLERANCE = 2e-3;
/** The ONNX graph (float32, onnxruntime) against the float64 reference. */
const REFERENCE_TOLERANCE = 1e-4;

export interface VerifyReport {
  ok: boolean;
  failures: string[];
  dimensions: number;
  maxInputTokens: number;
  loadMs: number;
  /** Largest | ‖v‖ - 1 | over all vectors. */
  maxNormError: number;
  /** cos(eating food, eating bread) and cos(eating food, riding a horse). */
  foodBread: number;
  foodHorse: number;
  published: { a: string; b: string; expected: number; actual: number }[];
  maxPublishedError: number;
  /** Per reference sentence: tokens and max |onnx - reference| over the 384 components. */
  reference: { text: string; tokens: number; maxAbsDiff: number }[];
  maxReferenceDiff: number;
  /** The same texts embedded alone (no padding) and inside a padded batch. */
  maxPaddingDiff: number;
}

function dot(a: Float32Array | Float64Array, b: Float32Array | Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export interface VerifyOptions {
  log?: (line: string) => void;
  /** Sentences to cross-check against the TypeScript forward pass (one batch); default 2. */
  referenceSentences?: string[];
}

export async function verifyMiniLm(
  prepared: Pick<PreparedModel, "localModelPath" | "modelId" | "modelDir" | "safetensorsPath">,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const log = options.log ?? (() => undefined);
  const failures: string[] = [];
  const embedder = new LocalEmbedder({
    model: prepared.modelId,
    localModelPath: prepared.localModelPath,
    offline: true,
    dtype: "fp32",
    pooling: "mean",
    queryPrefix: "",
    batchSize: 32,
  });
  try {
    const started = Date.now();
    await embedder.start();
    const loadMs = Date.now() - started;
    log(
      `verify: LocalEmbedder ready in ${loadMs} ms, ${embedder.dimensions} dimensions, window ${embedder.maxInputTokens}`,
    );
    if (embedder.dimensions !== 384)
      failures.push(`dimensions ${embedder.dimensions}, expected 384`);

    const texts = [
      "A man is eating food.",
      "A man is eating a piece of bread.",
      "A man is riding a horse.",
      ...new Set(PUBLISHED_SIMILARITIES.flatMap((p) => [p.a, p.b])),
    ];
    const unique = [...new Set(texts)];
    const vectors = await embedder.embed(unique);
    const vectorOf = new Map(unique.map((t, i) => [t, vectors[i]!]));
    const v = (text: string) => vectorOf.get(text)!;

    const maxNormError = Math.max(...vectors.map((x) => Math.abs(Math.sqrt(dot(x, x)) - 1)));
    if (maxNormError > 1e-5) failures.push(`vectors are not unit length (error ${maxNormError})`);
    if (vectors.some((x) => x.length !== 384))
      failures.push("a vector does not have 384 components");

    const foodBread = dot(v("A man is eating food."), v("A man is eating a piece of bread."));
    const foodHorse = dot(v("A man is eating food."), v("A man is riding a horse."));
    if (!(foodBread > foodHorse)) {
      failures.push(
        `cos(food, bread) ${foodBread.toFixed(4)} is not above cos(food, horse) ${foodHorse.toFixed(4)}`,
      );
    }

    const published = PUBLISHED_SIMILARITIES.map((p) => ({ ...p, actual: dot(v(p.a), v(p.b)) }));
    const maxPublishedError = Math.max(...published.map((p) => Math.abs(p.actual - p.expected)));
    for (const p of published) {
      if (Math.abs(p.actual - p.expected) > PUBLISHED_TOLERANCE) {
        failures.push(
          `cos("${p.a}", "${p.b}") = ${p.actual.toFixed(4)}, published ${p.expected.toFixed(4)}`,
        );
      }
    }

    // Padding: the batch above padded every sentence to the longest; embed some alone.
    const alone = await Promise.all(
      unique.slice(0, 4).map(async (t) => (await embedder.embed([t]))[0]!),
    );
    const maxPaddingDiff = Math.max(
      ...alone.map((a, i) => Math.max(...a.map((x, j) => Math.abs(x - vectors[i]![j]!)))),
    );
    if (maxPaddingDiff > 1e-5) failures.push(`padding changes vectors by up to ${maxPaddingDiff}`);

    // The independent forward pass.
    // Two lengths in one batch, so the comparison covers the padded path too.
    const referenceTexts = options.referenceSentences ?? [
      "A man is eating food.",
      "Someone in a gorilla costume is playing a set of drums.",
    ];
    const tokenizer = await loadTokenizer(prepared.localModelPath, prepared.modelId);
    const configJson = JSON.parse(
      readFileSync(join(prepared.modelDir, "config.json"), "utf8"),
    ) as Record<string, unknown>;
    const config = bertConfigFrom(configJson);
    const weights = loadBertWeights(SafeTensors.read(prepared.safetensorsPath), config);
    const onnxVectors = await embedder.embed(referenceTexts);
    const reference = referenceTexts.map((text, i) => {
      const ids = tokenizer.encode(text);
      const hidden = bertForward(weights, ids);
      const expected = meanPooledNormalized(hidden, ids.length, config.hiddenSize);
      const actual = onnxVectors[i]!;
      let maxAbsDiff = 0;
      for (let j = 0; j < expected.length; j++) {
        maxAbsDiff = Math.max(maxAbsDiff, Math.abs(expected[j]! - actual[j]!));
      }
      return { text, tokens: ids.length, maxAbsDiff };
    });
    const maxReferenceDiff = Math.max(...reference.map((r) => r.maxAbsDiff));
    if (!(maxReferenceDiff <= REFERENCE_TOLERANCE)) {
      failures.push(`ONNX and the TypeScript reference differ by up to ${maxReferenceDiff}`);
    }

    return {
      ok: failures.length === 0,
      failures,
      dimensions: embedder.dimensions,
      maxInputTokens: embedder.maxInputTokens,
      loadMs,
      maxNormError,
      foodBread,
      foodHorse,
      published,
      maxPublishedError,
      reference,
      maxReferenceDiff,
      maxPaddingDiff,
    };
  } finally {
    await embedder.close();
  }
}
