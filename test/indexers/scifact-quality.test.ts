/**
 * SciFact retrieval quality, skipped unless DOCINDEX_SCIFACT=1 (it takes a minute or two):
 *   DOCINDEX_SCIFACT=1 npx vitest run test/indexers/scifact-quality.test.ts
 * DOCINDEX_SCIFACT_MAX_TOKENS overrides the chunk budget.
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { runScifact, SCIFACT_DIR } from "./scifact-quality.js";

const enabled = process.env.DOCINDEX_SCIFACT === "1" && fs.existsSync(SCIFACT_DIR);

describe.skipIf(!enabled)("SciFact train (BEIR)", () => {
  it(
    "beats Elasticsearch BM25 (nDCG@10 0.665 on the test split)",
    { timeout: 900_000 },
    async () => {
      const maxTokens = Number(process.env.DOCINDEX_SCIFACT_MAX_TOKENS ?? "") || undefined;
      const result = await runScifact(maxTokens === undefined ? {} : { chunk: { maxTokens } });
      console.warn(
        `SciFact train: ${result.queries} queries, ${result.documents} docs, ${result.chunks} chunks; ` +
          `nDCG@10 ${result.ndcg10.toFixed(4)}, recall@100 ${result.recall100.toFixed(4)}; ` +
          `index ${result.indexMs} ms, search ${result.searchMs} ms`,
      );
      expect(result.ndcg10).toBeGreaterThan(0.665);
    },
  );
});
