/**
 * Oracle test: for each language with a grammar, a real source tree from a registry, and
 * Universal Ctags's function, method, class and struct definitions in it. docindex must find at
 * least 95% of them with the same name on the same line.
 */
import { describe, expect, it } from "vitest";
import { fetchSourceTree, SOURCE_TREES, sourceFiles } from "../../helpers/source-trees.js";
import { symbolRecall } from "../../helpers/symbol-recall.js";

const MIN_RECALL = 0.95;

describe("symbol recall against Universal Ctags", () => {
  for (const tree of SOURCE_TREES) {
    it(`${tree.language}: ${tree.name}`, { timeout: 300_000 }, async () => {
      const root = await fetchSourceTree(tree);
      const files = sourceFiles(tree, root);
      expect(files.length).toBeGreaterThan(0);
      const recall = await symbolRecall(tree, root, files);
      const ratio = recall.found / recall.expected;
      const sample = recall.missed
        .slice(0, 15)
        .map((t) => `${t.path}:${t.line} ${t.kind} ${t.name}`);
      console.error(
        `${tree.language} ${tree.name}: ${recall.found}/${recall.expected} = ${(ratio * 100).toFixed(1)}% (${recall.files} files, ${recall.symbols} symbols)`,
      );
      // Enough definitions that the ratio means something.
      expect(recall.expected).toBeGreaterThan(20);
      expect({ ratio, missed: ratio >= MIN_RECALL ? [] : sample }).toEqual({
        ratio: expect.toSatisfy((r: number) => r >= MIN_RECALL),
        missed: [],
      });
    });
  }
});
