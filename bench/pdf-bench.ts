/**
 * PDF text extraction through docindex's parser pool, with the default engine (auto: pdftotext
 * when installed) and with the pdf-parse fallback, next to poppler's pdftotext run serially on
 * the same real-world files, in the same run.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { datasetPath } from "../test/helpers/datasets.js";
import type { PdfEngine } from "../scanners/parsers/parse-options.js";
import { resolvePdfEngine } from "../scanners/parsers/pdf.js";
import { ParserPool } from "../scanners/pool/parser-pool.js";
import { loadNote } from "./retrieval.js";
import { fmt, hasCommand, median, timeCommand, timeMs } from "./timing.js";

const PDF_DIR = datasetPath("docs/pdf");

const ROUNDS = 3;

interface Pass {
  ms: number;
  /** CPU of this process (worker threads included) and of the programs it ran and waited for. */
  cpuMs: number;
  withText: number;
}

/**
 * CPU time so far of this process and of its waited-for children (pdftotext), from
 * /proc/self/stat: utime, stime, cutime, cstime, in USER_HZ (100 per second on Linux).
 * NaN where there is no /proc.
 */
function cpuMsSoFar(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14-17 of proc(5), counted after the ")" that ends field 2: indices 11-14.
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return ticks * 10;
  } catch {
    return NaN;
  }
}

/** One pass through a fresh pool (its workers' start-up included), every file at once. */
async function poolPass(files: string[], pdfEngine: PdfEngine): Promise<Pass> {
  const cpuBefore = cpuMsSoFar();
  const pool = new ParserPool({ parseOptions: { pdfEngine } });
  let withText = 0;
  try {
    const ms = await timeMs(async () => {
      const outcomes = await Promise.all(files.map((f) => pool.parse(f, "pdf")));
      withText = outcomes.filter((o) => o.ok).length;
    });
    return { ms, cpuMs: cpuMsSoFar() - cpuBefore, withText };
  } finally {
    await pool.close();
  }
}

/** pdftotext once per file, one after another, as a user would run it. */
function popplerPass(files: string[]): Pass {
  const cpuBefore = cpuMsSoFar();
  let ms = 0;
  let withText = 0;
  for (const file of files) {
    try {
      const run = timeCommand("pdftotext", ["-q", file, "-"], PDF_DIR);
      ms += run.ms;
      // The same bar as the parsers' test: a few real words, not just page breaks.
      if ((run.stdout.match(/\p{L}{3,}/gu) ?? []).length >= 5) withText++;
    } catch {
      // pdftotext exits non-zero on encrypted and broken files; that is its answer.
    }
  }
  return { ms, cpuMs: cpuMsSoFar() - cpuBefore, withText };
}

export async function pdfBench(): Promise<void> {
  const files = readdirSync(PDF_DIR)
    .filter((f) => f.endsWith(".pdf"))
    .map((f) => join(PDF_DIR, f));
  const mb = files.reduce((sum, f) => sum + statSync(f).size, 0) / 1024 / 1024;
  console.log(`\n## PDF extraction: ${files.length} real-world PDFs (${fmt(mb, 2)} MB)`);
  const hasPoppler = hasCommand("pdftotext");
  if (!hasPoppler)
    console.log("(pdftotext not installed: install Debian's poppler-utils for the baseline)");
  // Rounds interleave the three, so that load from other work falls on all alike.
  const auto: Pass[] = [];
  const pdfParse: Pass[] = [];
  const poppler: Pass[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    auto.push(await poolPass(files, "auto"));
    pdfParse.push(await poolPass(files, "pdf-parse"));
    if (hasPoppler) poppler.push(popplerPass(files));
  }
  console.log(loadNote());
  const popplerMs = hasPoppler ? median(poppler.map((r) => r.ms)) : NaN;
  console.log(
    `| extractor | median seconds (${ROUNDS} rounds) | MB/s | median CPU seconds | files with text | throughput × pdftotext |`,
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  const row = (name: string, runs: Pass[]): void => {
    const ms = median(runs.map((r) => r.ms));
    const cpuMs = median(runs.map((r) => r.cpuMs));
    console.log(
      `| ${name} | ${fmt(ms / 1000, 2)} | ${fmt(mb / (ms / 1000), 2)} | ${fmt(cpuMs / 1000, 2)} | ${runs[0]!.withText} | ${fmt(popplerMs / ms, 2)} |`,
    );
  };
  const autoEngine = resolvePdfEngine("auto")?.engine ?? "none";
  row(`docindex parser pool (auto engine: ${autoEngine}, all cores)`, auto);
  row("docindex parser pool (pdf-parse engine, all cores)", pdfParse);
  if (hasPoppler) row("pdftotext (poppler, one process per file, serial)", poppler);
}
