/**
 * OCR (issue 13): every file of the OCR dataset through a parser pool of one worker (the path
 * files take when indexed), with its word accuracy against the reference transcription and its
 * seconds per page; then the same files with `ocr: "off"`, which is what a reader of text layers
 * alone makes of them (the scanned PDFs: "no extractable text"). Word accuracy: bench/ocr-dataset.ts.
 */
import { existsSync } from "node:fs";
import { kindForPath } from "../scanners/detect/kind.js";
import type { OcrOptions } from "../scanners/ocr/options.js";
import { ParserPool } from "../scanners/pool/parser-pool.js";
import type { ParseOutcome } from "../scanners/types.js";
import { datasetPath } from "../test/helpers/datasets.js";
import {
  OCR_DATASET,
  ocrDatasetFiles,
  pooledAccuracy,
  wordAccuracy,
  type WordScore,
} from "./ocr-dataset.js";
import { fmt, timeMs } from "./timing.js";

/** Limits far above any page here: the bench measures time, it does not cut it short. */
const LIMITS = { timeoutMs: 600_000, pageTimeLimitMs: 500_000 };

async function parseAll(
  paths: string[],
  ocr: OcrOptions,
): Promise<{ outcome: ParseOutcome; ms: number }[]> {
  const pool = new ParserPool({
    size: 1,
    timeoutMs: LIMITS.timeoutMs,
    parseOptions: { timeLimitMs: LIMITS.timeoutMs, ocr },
  });
  try {
    // The worker's start (its first tesseract worker included) is not any one file's time.
    await pool.parse(datasetPath(OCR_DATASET, "SOURCES.md"), "markdown");
    const results = [];
    for (const path of paths) {
      let outcome: ParseOutcome | undefined;
      const ms = await timeMs(async () => {
        outcome = await pool.parse(path, kindForPath(path));
      });
      results.push({ outcome: outcome!, ms });
    }
    return results;
  } finally {
    await pool.close();
  }
}

export async function ocrBench(): Promise<void> {
  console.log("\n## ocr\n");
  if (!existsSync(datasetPath(OCR_DATASET, "manifest.json"))) {
    console.log(`skipped: no dataset at ${datasetPath(OCR_DATASET)}`);
    return;
  }
  const files = ocrDatasetFiles();
  const paths = files.map((f) => f.absPath);
  const withOcr = await parseAll(paths, { mode: "auto", pageTimeLimitMs: LIMITS.pageTimeLimitMs });
  const withoutOcr = await parseAll(paths, { mode: "off" });

  console.log(
    "| file | script | pages | s | s/page | confidence | turned | words | word accuracy | without OCR |",
  );
  console.log("| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |");
  const scores = new Map<string, WordScore>();
  let pages = 0;
  let ms = 0;
  files.forEach((file, i) => {
    const { outcome, ms: fileMs } = withOcr[i]!;
    const off = withoutOcr[i]!.outcome;
    const offText = off.ok ? "indexed" : off.reason;
    if (!outcome.ok) {
      console.log(
        `| ${file.file} | ${file.script} | | ${fmt(fileMs / 1000)} | | | | | ${outcome.reason} | ${offText} |`,
      );
      return;
    }
    const meta = outcome.doc.metadata;
    const pageCount = Number(meta["ocrPages"] ?? 1);
    const score = wordAccuracy(file.groundTruth, outcome.doc.text);
    scores.set(file.file, score);
    pages += pageCount;
    ms += fileMs;
    console.log(
      `| ${file.file} | ${file.script} | ${pageCount} | ${fmt(fileMs / 1000)} | ${fmt(fileMs / 1000 / pageCount)} | ${meta["ocrConfidence"] ?? ""} | ${meta["ocrRotatedPages"] ?? ""} | ${score.referenceWords} | ${fmt(score.accuracy * 100)}% | ${offText} |`,
    );
  });
  for (const script of ["printed", "handwriting", "early print"] as const) {
    const group = files.filter((f) => f.script === script);
    if (group.length === 0) continue;
    const read = group.filter((f) => scores.has(f.file)).map((f) => scores.get(f.file)!);
    const counted = script === "printed" ? " (the goal: at least 90%)" : " (reported, not counted)";
    console.log(
      `\n${script}: ${read.length} of ${group.length} files read, word accuracy ${fmt(pooledAccuracy(read) * 100)}% over ${read.reduce((s, r) => s + r.referenceWords, 0)} reference words${counted}`,
    );
  }
  console.log(
    `\nseconds per page: ${fmt(ms / 1000 / Math.max(1, pages), 2)} (${pages} pages, one worker)`,
  );
}
