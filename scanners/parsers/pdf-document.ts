/**
 * What both PDF engines share: the passwords to try, page texts to one document with a
 * section per page, the scanned-PDF rule, clean titles, and how certificate encryption is
 * recognised. An engine extracts; this decides what the result means.
 */
import type { ParsedDocument, ParseOutcome, Section } from "../types.js";
import { indexed, REASONS, skipped } from "./outcome.js";

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

/** 1-based pages, in order; pages without text get no section. */
export function pdfOutcome(
  pages: readonly { page: number; text: string }[],
  pageCount: number,
  info: PdfInfo,
  neededPassword: boolean,
): ParseOutcome {
  let text = "";
  const sections: Section[] = [];
  for (const { page, text: raw } of pages) {
    const pageText = cleanPageText(raw);
    if (pageText === "") continue;
    if (text !== "") text += "\n\n";
    sections.push({
      headingPath: [],
      level: 0,
      start: text.length,
      end: text.length + pageText.length,
      page,
    });
    text += pageText;
  }
  if (!/[\p{L}\p{N}]/u.test(text)) return skipped(REASONS.scannedPdf);

  const doc: ParsedDocument = { text, sections, pageCount, linesMatchSource: false, metadata: {} };
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

function cleanPageText(text: string): string {
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
