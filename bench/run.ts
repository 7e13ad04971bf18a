/**
 * `npm run bench`: every figure the issues ask for, with its baseline measured in the same run.
 * `npm run bench -- scanner` (or scifact, pdf, ocr, startup) runs one section. Output is Markdown on stdout.
 */
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pdfBench } from "./pdf-bench.js";
import { scannerBench } from "./scanner-bench.js";
import { scifactBench } from "./scifact-bench.js";
import { httpBench, serverBench } from "./server-bench.js";

import { startupBench } from "./startup-bench.js";

const SECTIONS: Record<string, (workDir: string) => Promise<void>> = {
  scanner: scannerBench,
  scifact: scifactBench,
  index: async (dir) => (await import("./index-bench.js")).indexBench(dir),
  pdf: () => pdfBench(),
  ocr: async () => (await import("./ocr-bench.js")).ocrBench(),
  search: async (dir) => (await import("./search-bench.js")).searchBench(dir),
  server: serverBench,
  watcher: async (dir) => (await import("./watcher-bench.js")).watcherBench(dir),
  http: httpBench,
  startup: startupBench,
  symbols: async (dir) => (await import("./symbols-bench.js")).symbolsBench(dir),
  embeddings: async (dir) => (await import("./embeddings-bench.js")).embeddingsBench(dir),
  vectors: async (dir) => (await import("./vectors-bench.js")).vectorsBench(dir),
  ann: async (dir) => (await import("./ann-bench.js")).annBench(dir),
  elasticsearch: async (dir) => (await import("./elasticsearch-bench.js")).elasticsearchBench(dir),
  grep: async (dir) => (await import("./grep-bench.js")).grepBench(dir),
  scale: async (dir) => void (await (await import("./scale-bench.js")).scaleBench(dir)),
  // The issue 9 ratios without the embedding model (synthetic vectors).
  "elasticsearch-ratios": async (dir) =>
    (await import("./elasticsearch-ratios.js")).elasticsearchRatios(dir),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) {
    console.error(
      `unknown section(s): ${unknown.join(", ")}; sections: ${Object.keys(SECTIONS).join(", ")}`,
    );
    process.exitCode = 2;
    return;
  }
  const workDir = process.env.DOCINDEX_BENCH_DIR ?? join(tmpdir(), "docindex-bench");
  mkdirSync(workDir, { recursive: true });
  console.log(`# docindex benchmarks\n\nnode ${process.version}, work folder ${workDir}`);
  for (const name of wanted.length > 0 ? wanted : Object.keys(SECTIONS))
    await SECTIONS[name]!(workDir);
}

await main();
