/**
 * What both PDF engines share: the passwords to try, page texts to one document with a
 * section per page, the scanned-PDF rule, clean titles, and how certificate encryption is
 * recognised. An engine extracts; this decides what the result means.
 */
import { ocrHeading, ocrMetadata } from "../ocr/marking.js";
import { ocrEnabled } from "../ocr/options.js";
import type { PdfOcrResult, PdfPageText } from "../ocr/pdf-pages.js";
import type { ParsedDocument, ParseOutcome, Section } from "../types.js";
import { indexed, REASONS, skipped } from "./outcome.js";
import type { ParseOptions } from "./parse-options.js";

/** Titles that tools write by default and that say nothing about the document. */
const JUNK_TITLE =
  /^(?:untitled(?:[- ]?\d+)?|title|document\d*|no title|none|null|unknown|-+|slide \d+|powerpoint presentation|microsoft (?:word|powerpoint|excel|office word)\b.*|.*\.(?:pdf|docx?|rtf|txt|pages|indd|qxd|ps|eps|dvi|tex|odt|xlsx?|pptx?|html?))$/i;

/** The empty user password first (owner-password-only PDFs open that way), then each configured one. */
export function passwordCandidates(passwords: readonly string[]): (string | undefined)[] {
  return [undefined, ...new Set(passwords.filter((p) => p !== ""))];
}

export interface PdfInfo {
  /** Candidates in order of trust (info dictionary, then XMP): the first clean one wins. */
  titles: unknown[];
  authors: unknown[];
  producer?: unknown;
  creator?: unknown;
  pdfVersion?: unknown;
  created?: Date | undefined;
}

/** A letter or a digit: what a page needs to count as having text. */
export function hasText(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/** What OCR of a PDF's pages without text needs besides the pages (scanners/ocr/pdf-pages.ts). */
export interface PdfSource {
  bytes: Uint8Array;
  /** The password that opened it, if one did. */
  password: string | undefined;
  options: ParseOptions;
}

/** pdfOutcome, after OCR of the pages that have no text (unless `ocr` is off). */
export async function pdfOutcomeWithOcr(
  pages: readonly PdfPageText[],
  pageCount: number,
  info: PdfInfo,
  source: PdfSource,
): Promise<ParseOutcome> {
  const needsText = (text: string): boolean => !hasText(text);
  let ocr: PdfOcrResult | undefined;
  if (ocrEnabled(source.options.ocr) && pages.some((p) => needsText(p.text))) {
    // Loaded with the first page that needs it: tesseract.js is not every worker's business.
    const { ocrPdfPages } = await import("../ocr/pdf-pages.js");
    ocr = await ocrPdfPages(pages, source.bytes, source.password, source.options, needsText);
  }
  return pdfOutcome(ocr?.pages ?? pages, pageCount, info, source.password !== undefined, ocr);
}

/**
 * 1-based pages, in order; pages without text get no section. `ocr`: the result of OCR on the
 * pages without a text layer (scanners/ocr/pdf-pages.ts), whose pages' sections say so.
 */
export function pdfOutcome(
  pages: readonly PdfPageText[],
  pageCount: number,
  info: PdfInfo,
  neededPassword: boolean,
  ocr?: PdfOcrResult,
): ParseOutcome {
  let text = "";
  const sections: Section[] = [];
  for (const { page, text: raw, ocr: read } of pages) {
    const pageText = cleanPageText(raw);
    if (pageText === "") continue;
    if (text !== "") text += "\n\n";
    sections.push({
      headingPath: read === undefined ? [] : [ocrHeading(read)],
      level: 0,
      start: text.length,
      end: text.length + pageText.length,
      page,
      ...(read === undefined ? {} : { ocrConfidence: read.confidence }),
    });
    text += pageText;
  }
  if (!hasText(text)) return skipped(scannedReason(ocr));

  const doc: ParsedDocument = { text, sections, pageCount, linesMatchSource: false, metadata: {} };
  if (ocr !== undefined) {
    const read = pages.flatMap((p) => (p.ocr === undefined ? [] : [{ ...p.ocr, page: p.page }]));
    Object.assign(doc.metadata, ocrMetadata(read, ocr.notRead, ocr.languages));
  }
  const title = first(info.titles, cleanTitle);
  if (title !== undefined) doc.title = title;
  const author = first(info.authors, cleanString);
  if (author !== undefined) doc.author = author;
  for (const key of ["producer", "creator", "pdfVersion"] as const) {
    const value = cleanString(info[key]);
    if (value !== undefined) doc.metadata[key] = value;
  }
  const created = info.created;
  if (created instanceof Date && !Number.isNaN(created.getTime()))
    doc.metadata["created"] = created.toISOString();
  if (neededPassword) doc.metadata["passwordProtected"] = true;
  return indexed(doc);
}

/** The scanned-PDF reason, and when OCR ran, what became of it ("OCR: page 1: timed out ..."). */
function scannedReason(ocr: PdfOcrResult | undefined): string {
  if (ocr === undefined) return REASONS.scannedPdf;
  if (ocr.notRead.length === 0) return `${REASONS.scannedPdf}; OCR found no text`;
  const first = ocr.notRead[0]!;
  const more = ocr.notRead.length > 1 ? ` (and ${ocr.notRead.length - 1} more pages)` : "";
  return `${REASONS.scannedPdf}; OCR: page ${first.page}: ${first.reason}${more}`;
}

function first(
  values: unknown[],
  clean: (value: unknown) => string | undefined,
): string | undefined {
  for (const value of values) {
    const cleaned = clean(value);
    if (cleaned !== undefined) return cleaned;
  }
  return undefined;
}

export function cleanPageText(text: string): string {
  return (
    text
      .replaceAll("\0", "")
      .replace(/\r\n?/g, "\n")
      // pdf-parse marks wide horizontal gaps (table cells, columns) with a tab; keep the tab, drop the padding.
      .replace(/ *\t[ \t]*/g, "\t")
      .replace(/[ \t\f\v]+\n/g, "\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim()
  );
}

export function cleanString(value: unknown): string | undefined {
  if (Array.isArray(value)) value = value.find((v) => typeof v === "string");
  if (typeof value !== "string") return undefined;
  const clean = value.replaceAll("\0", "").replace(/\s+/g, " ").trim();
  return clean === "" ? undefined : clean;
}

function cleanTitle(value: unknown): string | undefined {
  const title = cleanString(value);
  return title === undefined || JUNK_TITLE.test(title) ? undefined : title;
}

/** The reason for a file that is encrypted in a way no password given here can open. */
export function unopenableEncryption(bytes: Uint8Array): string {
  return usesPublicKeySecurity(bytes)
    ? REASONS.certificateEncrypted
    : REASONS.unsupportedEncryption;
}

/** Certificate (public-key) security handlers: /Filter /Adobe.PubSec, SubFilter adbe.pkcs7.s3-s5. */
function usesPublicKeySecurity(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  return text.includes("/Adobe.PubSec") || /adbe\.pkcs7\.s[345]/.test(text);
}
