/**
 * The time OCR may take: each page its own limit (`pageTimeLimitMs`), and all of a file's pages
 * together no more than the file's budget of the pool's limit (external-program.ts
 * fileBudgetMs), so that a long scan ends with the pages read so far and a reason for the
 * rest, instead of the pool terminating the worker and losing them all.
 */
import { fileBudgetMs } from "../parsers/external-program.js";
import type { ParseOptions } from "../parsers/parse-options.js";
import { pageTimeLimitMs } from "./options.js";

export class OcrBudget {
  private readonly fileDeadline: number;
  private readonly pageLimitMs: number;

  constructor(options: ParseOptions) {
    const start = options.startedAtMs ?? Date.now();
    this.fileDeadline = start + fileBudgetMs(options.timeLimitMs);
    this.pageLimitMs = pageTimeLimitMs(options.ocr);
  }

  /** False once the file's budget is spent. */
  hasTime(now = Date.now()): boolean {
    return now < this.fileDeadline;
  }

  /** The deadline of a page that starts now. */
  pageDeadline(now = Date.now()): number {
    return Math.min(now + this.pageLimitMs, this.fileDeadline);
  }

  /** "timed out after 30 s (ocrPageTimeoutSec)", naming the setting whose limit ended the page. */
  timeoutReason(pageStart: number): string {
    const pageLimited = pageStart + this.pageLimitMs <= this.fileDeadline;
    return pageLimited
      ? `timed out after ${seconds(this.pageLimitMs)} s (ocrPageTimeoutSec)`
      : "timed out (the file's parseTimeoutSec ran out during OCR)";
  }
}

function seconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(3)));
}
