/**
 * The reasons a file is not indexed, in one place: inventory rows and tests compare them as
 * plain strings, so they are spelled once.
 */
import type { ParsedDocument, ParseOutcome } from "../types.js";

export const REASONS = {
  binary: "binary",
  empty: "empty file",
  encrypted: "encrypted: password required",
  certificateEncrypted: "encrypted: certificate (public-key) encryption is not supported",
  unsupportedEncryption: "encrypted: unsupported encryption method",
  scannedPdf: "no extractable text (scanned or image-only PDF)",
  noText: "no extractable text",
  imageOcrOff: "image: not read (ocr is off)",
  ocrNoText: "no text found by OCR",
  legacyOle: "unsupported: legacy binary Office format (.doc, .xls, .ppt)",
} as const;

export function indexed(doc: ParsedDocument): ParseOutcome {
  return { ok: true, doc };
}

export function skipped(reason: string): ParseOutcome {
  return { ok: false, status: "skipped", reason };
}

export function failed(reason: string): ParseOutcome {
  return { ok: false, status: "failed", reason };
}

/** "corrupt: <short message>" for files a parser could not make sense of. */
export function corrupt(error: unknown): ParseOutcome {
  return failed(`corrupt: ${shortMessage(error)}`);
}

/** One line, at most `max` characters: reasons end up in tables and logs, not stack traces. */
export function shortMessage(error: unknown, max = 160): string {
  const raw = error instanceof Error ? error.message : String(error);
  const line =
    raw.replace(/\s+/g, " ").trim() || (error instanceof Error ? error.name : "unknown error");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
