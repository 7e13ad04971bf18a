/**
 * PDF text extraction through docindex's parser pool, next to poppler's pdftotext on the same
 * real-world files, in the same run.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { datasetPath } from "../test/helpers/datasets.js";
import { ParserPool } from "../scanners/pool/parser-pool.js";
import { fmt, hasCommand, timeCommand, timeMs } from "./timing.js";

const PDF_DIR = datasetPath("docs/pdf");

export async function pdfBench(): Promise<void> {
  const files = readdirSync(PDF_DIR)
    .filter((f) => f.endsWith(".pdf"))
    .map((f) => join(PDF_DIR, f));
  const mb = files.reduce((sum, f) => sum + statSync(f).size, 0) / 1024 / 1024;
  console.log(`\n## PDF extraction: ${files.length} real-world PDFs (${fmt(mb, 2)} MB)`);
  const pool = new ParserPool({});
  let withText = 0;
  const ms = await timeMs(async () => {
    const outcomes = await Promise.all(files.map((f) => pool.parse(f, "pdf")));
    withText = outcomes.filter((o) => o.ok).length;
  });
  await pool.close();
  console.log("| extractor | seconds | MB/s | files with text |");
  console.log("|---|---:|---:|---:|");
  console.log(
    `| docindex parser pool (pdf-parse, all cores) | ${fmt(ms / 1000, 2)} | ${fmt(mb / (ms / 1000), 2)} | ${withText} |`,
  );
  if (!hasCommand("pdftotext")) {
    console.log("(pdftotext not installed: install Debian's poppler-utils for the baseline)");
    return;
  }
  let popplerMs = 0;
  let popplerWithText = 0;
  for (const file of files) {
    try {
      const run = timeCommand("pdftotext", ["-q", file, "-"], PDF_DIR);
      popplerMs += run.ms;
      // The same bar as the parsers' test: a few real words, not just page breaks.
      if ((run.stdout.match(/\p{L}{3,}/gu) ?? []).length >= 5) popplerWithText++;
    } catch {
      // pdftotext exits non-zero on encrypted and broken files; that is its answer.
    }
  }
  console.log(
    `| pdftotext (poppler, one process per file, serial) | ${fmt(popplerMs / 1000, 2)} | ${fmt(mb / (popplerMs / 1000), 2)} | ${popplerWithText} |`,
  );
}
