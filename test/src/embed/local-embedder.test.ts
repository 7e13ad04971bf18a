/**
 * The local embedder end to end: a tiny BERT-shaped ONNX model generated on the fly, loaded by
 * @huggingface/transformers' real pipeline (remote models off) inside the embedder's worker
 * thread, which runs from dist/ (`npx tsc -p tsconfig.json` first).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbedderError } from "../../../src/embed/embedder.js";
import {
  inputBatches,
  LocalEmbedder,
  type LocalEmbedderOptions,
} from "../../../src/embed/local-embedder.js";
import { TINY_DIMENSIONS, TINY_MAX_TOKENS, writeTinyModel } from "../../helpers/tiny-model.js";
import { makeTempDir, removeDir } from "../../helpers/tree.js";

let dir: string;
const embedders: LocalEmbedder[] = [];

beforeAll(() => {
  dir = makeTempDir("docindex-tiny-model-");
  writeTinyModel(dir, "tiny/bert-q8", ["model_quantized.onnx"]);
  writeTinyModel(dir, "tiny/bert-fp32", ["model.onnx"]);
});

afterAll(async () => {
  await Promise.all(embedders.map((e) => e.close()));
  removeDir(dir);
});

function local(options: LocalEmbedderOptions = {}): LocalEmbedder {
  const e = new LocalEmbedder({
    model: "tiny/bert-q8",
    localModelPath: dir,
    cacheDir: join(dir, "cache"),
    offline: true,
    pooling: "mean",
    ...options,
  });
  embedders.push(e);
  return e;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

describe("LocalEmbedder with a generated tiny ONNX model", () => {
  it("loads offline through the transformers pipeline and reports the model's size and window", async () => {
    const e = local();
    expect(e.id).toBe("local:tiny/bert-q8");
    await e.start();
    expect(e.dimensions).toBe(TINY_DIMENSIONS);
    expect(e.maxInputTokens).toBe(TINY_MAX_TOKENS);
  });

  it("returns unit vectors, deterministically, closer for related texts", async () => {
    const e = local();
    const texts = ["cat kitten", "kitten", "truck", "the lorry and the car", "apple banana"];
    const [pair, kitten, truck, vehicles, fruit] = await e.embed(texts);
    for (const v of [pair, kitten, truck, vehicles, fruit]) {
      expect(v).toHaveLength(TINY_DIMENSIONS);
      expect(Math.hypot(...v!)).toBeCloseTo(1, 5);
    }
    expect(dot(pair!, kitten!)).toBeGreaterThan(dot(pair!, truck!));
    expect(dot(vehicles!, truck!)).toBeGreaterThan(dot(vehicles!, kitten!));
    expect(dot(fruit!, truck!)).toBeLessThan(0.2);

    const again = await e.embed(texts);
    again.forEach((v, i) =>
      expect(Array.from(v)).toEqual(Array.from([pair, kitten, truck, vehicles, fruit][i]!)),
    );
  });

  it("splits work into batches and keeps input order", async () => {
    const e = local({ batchSize: 2 });
    const texts = ["cat", "truck", "apple", "dog", "car"];
    const batched = await e.embed(texts);
    const single = await Promise.all(texts.map(async (t) => (await e.embed([t]))[0]!));
    batched.forEach((v, i) =>
      expect(Array.from(v)).toEqual(Array.from(single[i]!).map((x) => expect.closeTo(x, 6))),
    );
  });

  it("batches texts of similar length together, within a token budget, and answers in input order", async () => {
    const texts = ["cat dog truck lorry", "cat", "apple banana apple", "dog", "car truck"];
    const limits = { batchSize: 2, maxBatchTokens: 1000, window: 32 };
    // Shortest first (ties in input order), then cut into batches.
    expect(inputBatches(texts, { ...limits, sortByLength: true })).toEqual([[1, 3], [4, 2], [0]]);
    expect(inputBatches(texts, { ...limits, sortByLength: false })).toEqual([[0, 1], [2, 3], [4]]);
    // At most 3 estimated tokens per batch: the 4-token text runs alone, the 1-token ones share.
    expect(
      inputBatches(texts, { batchSize: 16, maxBatchTokens: 3, window: 32, sortByLength: true }),
    ).toEqual([[1, 3], [4], [2], [0]]);
    // A text counts up to the window only: the tokenizer cuts it there.
    const long = Array.from({ length: 200 }, () => "truck").join(" ");
    expect(
      inputBatches([long, long], {
        batchSize: 16,
        maxBatchTokens: 64,
        window: 32,
        sortByLength: true,
      }),
    ).toEqual([[0, 1]]);

    const sorted = await local({ batchSize: 2 }).embed(texts);
    const budget = await local({ maxBatchTokens: 3 }).embed(texts);
    const unsorted = await local({ batchSize: 2, sortByLength: false }).embed(texts);
    const alone = await Promise.all(texts.map(async (t) => (await local().embed([t]))[0]!));
    for (const answer of [sorted, budget, unsorted]) {
      texts.forEach((_, i) =>
        expect(Array.from(answer[i]!)).toEqual(
          Array.from(alone[i]!).map((x) => expect.closeTo(x, 6)),
        ),
      );
    }
  });

  it("runs with a set onnxruntime thread count, and refuses counts that are not positive integers", async () => {
    const e = local({ threads: 1 });
    const [v] = await e.embed(["cat"]);
    expect(Math.hypot(...v!)).toBeCloseTo(1, 5);
    for (const threads of [0, 1.5]) {
      expect(() => local({ threads })).toThrow(/threads must be a positive integer/);
    }
    expect(() => local({ maxBatchTokens: 0 })).toThrow(/maxBatchTokens must be a positive integer/);
  });

  it("truncates inputs longer than the model's window instead of failing", async () => {
    const e = local();
    const [v] = await e.embed([Array.from({ length: 200 }, () => "truck").join(" ")]);
    expect(Math.hypot(...v!)).toBeCloseTo(1, 5);
  });

  it("prefixes queries only, and pools by CLS when told to", async () => {
    const e = local({ pooling: "cls", queryPrefix: "cat cat cat " });
    const [a, b] = await e.embed(["truck", "apple"]);
    // CLS pooling of this model reads only the [CLS] row, the same for every text.
    expect(Array.from(a!)).toEqual(Array.from(b!));
    const mean = local({ queryPrefix: "kitten kitten kitten " });
    const [query] = await mean.embedQuery(["truck"]);
    const [passage] = await mean.embed(["truck"]);
    expect(dot(query!, passage!)).toBeLessThan(0.9);
  });

  it("reads onnx/model.onnx for fp32 and onnx/model_quantized.onnx for q8", async () => {
    const fp32 = local({ model: "tiny/bert-fp32", dtype: "fp32" });
    await fp32.start();
    expect(fp32.dimensions).toBe(TINY_DIMENSIONS);
    const missing = local({ model: "tiny/bert-fp32", dtype: "q8" });
    // Their vectors differ, so the index and the cache must keep them apart.
    expect(fp32.id).toBe("local:tiny/bert-fp32#fp32");
    expect(missing.id).toBe("local:tiny/bert-fp32");
    const error = await missing.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbedderError);
    expect((error as EmbedderError).code).toBe("CONFIG");
    expect((error as EmbedderError).message).toMatch(
      /tiny\/bert-fp32.*not found.*onnx\/model_quantized\.onnx/,
    );
  });

  it("fails CONFIG, offline, for a model that is not on disk", async () => {
    const e = local({ model: "nobody/no-such-model" });
    const error = (await e.start().catch((x: unknown) => x)) as EmbedderError;
    expect(error.code).toBe("CONFIG");
    expect(error.message).toContain("offline");
  });

  it("restarts its worker after the model folder reappears", async () => {
    writeTinyModel(dir, "tiny/flaky");
    rmSync(join(dir, "tiny", "flaky", "config.json"));
    const e = local({ model: "tiny/flaky" });
    await expect(e.start()).rejects.toBeInstanceOf(EmbedderError);
    writeTinyModel(dir, "tiny/flaky");
    const [v] = await e.embed(["cat"]);
    expect(v).toHaveLength(TINY_DIMENSIONS);
  });

  it("keeps the main thread responsive while the worker loads and embeds", async () => {
    const e = local();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await e.embed(Array.from({ length: 64 }, (_, i) => `cat dog truck ${i}`));
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });
});
