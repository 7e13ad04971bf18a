/**
 * poppler's pdftotext as a separate program (external-program.ts), the PDF's bytes on stdin,
 * text on stdout.
 *
 * pdftotext is GPL; it is run, never linked, so docindex's own licence is unaffected.
 */
import { fileBudgetMs, findOnPath, runProgram, type ProgramRun } from "./external-program.js";

/** pdftotext's share of the parser pool's time limit per file (see fileBudgetMs). */
export function pdftotextTimeoutMs(poolLimitMs?: number): number {
  return fileBudgetMs(poolLimitMs);
}

/**
 * Text kept at most, in bytes of UTF-8. A PDF's size says nothing about its text (one small
 * content stream can repeat a page of text thousands of times); 64 MB of text is far more
 * than any real document and still fits a 512 MB parser worker as a string.
 */
export const PDFTOTEXT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** The absolute path of pdftotext on PATH, or undefined; looked up once per process. */
export function findPdftotext(): string | undefined {
  return findOnPath("pdftotext");
}

export type PdftotextRun =
  { ok: true; stdout: string; stderr: string } | Extract<ProgramRun, { ok: false }>;

/**
 * One run of `pdftotext -enc UTF-8 -htmlmeta [passwords] - -`. `-htmlmeta` adds the info
 * dictionary (title, author, dates) as an HTML head before the text, so no second process
 * (pdfinfo) is needed; the text itself is written unescaped inside <pre>.
 */
export interface PdftotextLimits {
  timeoutMs: number;
  /** Default PDFTOTEXT_MAX_OUTPUT_BYTES. */
  maxOutputBytes?: number;
}

export async function runPdftotext(
  executable: string,
  bytes: Uint8Array,
  password: string | undefined,
  limits: PdftotextLimits,
): Promise<PdftotextRun> {
  const args = ["-enc", "UTF-8", "-htmlmeta", ...popplerPasswordArgs(password), "-", "-"];
  const run = await runProgram(executable, args, bytes, {
    timeoutMs: limits.timeoutMs,
    maxOutputBytes: limits.maxOutputBytes ?? PDFTOTEXT_MAX_OUTPUT_BYTES,
  });
  return run.ok ? { ...run, stdout: run.stdout.toString("utf8") } : run;
}

/** The same password as owner and as user password: pdf.js accepts either, and so does this. */
export function popplerPasswordArgs(password: string | undefined): string[] {
  return password === undefined ? [] : ["-opw", password, "-upw", password];
}
