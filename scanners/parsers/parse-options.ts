import type { OcrOptions } from "../ocr/options.js";

/** Which program reads PDFs: see scanners/parsers/pdf.ts. */
export type PdfEngine = "auto" | "pdftotext" | "pdf-parse";

export interface ParseOptions {
  /**
   * Passwords to try on encrypted PDFs, in order, after the empty user password. Configured
   * by the user; never logged and never stored in the parsed document.
   */
  passwords?: string[];
  /** Passwords to try on password-protected DOCX, XLSX and PPTX files; never logged or stored. */
  officePasswords?: string[];
  /** Default "auto": poppler's pdftotext when it is on PATH, else pdf-parse (pdf.js). */
  pdfEngine?: PdfEngine;
  /**
   * The parser pool's time limit per file (default 30 000 ms). A worker the pool terminates
   * cannot stop the programs it started, so pdftotext gets its own, shorter limit from this.
   */
  timeLimitMs?: number;
  /**
   * The chunker's token budget, for formats that cut their own blocks (spreadsheet rows, each
   * block repeating the header row, must each fit one chunk). Default 400.
   */
  chunkTokens?: number;
  /**
   * When this file's parse began (Date.now()), set by parseBytes: OCR's budget for the file's
   * pages counts from here, so the time pdftotext took is not given to OCR a second time.
   */
  startedAtMs?: number;
  /** OCR of images and of PDF pages without text (scanners/ocr); default mode "auto". */
  ocr?: OcrOptions;
  /** tree-sitter for code (scanners/syntax): syntax chunks and symbols; "off" keeps line chunks. Default "auto". */
  syntax?: "auto" | "off";
}
