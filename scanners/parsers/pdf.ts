/**
 * PDF through pdf-parse (pdf.js). One section per page with text; pages are joined by a blank
 * line. Encrypted files are opened with the empty user password first (owner-password-only
 * PDFs open that way), then with each configured password.
 *
 * pdf.js logs through console.log/console.warn; verbosity is set to errors only, and the
 * parse worker also routes its stdout to stderr, since the server's stdout carries JSON-RPC.
 */
import type { PDFParse as PdfParser } from "pdf-parse";
import type { ParsedDocument, ParseOutcome, Section } from "../types.js";
import { corrupt, indexed, REASONS, skipped } from "./outcome.js";
import { pdfAssetPaths } from "./pdf-assets.js";
import { formTextByPage, type PdfDocumentLike } from "./pdf-forms.js";

/** Titles that tools write by default and that say nothing about the document. */
const JUNK_TITLE =
  /^(?:untitled(?:[- ]?\d+)?|title|document\d*|no title|none|null|unknown|-+|slide \d+|powerpoint presentation|microsoft (?:word|powerpoint|excel|office word)\b.*|.*\.(?:pdf|docx?|rtf|txt|pages|indd|qxd|ps|eps|dvi|tex|odt|xlsx?|pptx?|html?))$/i;

type InfoDict = Record<string, unknown>;

export async function parsePdf(
  bytes: Uint8Array,
  passwords: readonly string[] = [],
): Promise<ParseOutcome> {
  const candidates: (string | undefined)[] = [
    undefined,
    ...new Set(passwords.filter((p) => p !== "")),
  ];
  // Loaded with the first PDF: pdf.js is some 3 MB of script that a worker which only ever
  // sees Markdown or code should not compile.
  const { PDFParse, VerbosityLevel } = await import("./pdf-engine.js");
  for (const password of candidates) {
    // pdf.js may take ownership of (detach) the buffer it is given: each attempt gets a copy.
    const options = {
      data: bytes.slice(),
      verbosity: VerbosityLevel.ERRORS,
      isEvalSupported: false,
      ...pdfAssetPaths(),
    };
    const parser = new PDFParse(password === undefined ? options : { ...options, password });
    try {
      return await extract(parser, password !== undefined);
    } catch (error) {
      if (errorName(error) === "PasswordException") continue;
      if (/encrypt/i.test(String((error as Error)?.message))) {
        return skipped(
          usesPublicKeySecurity(bytes)
            ? REASONS.certificateEncrypted
            : REASONS.unsupportedEncryption,
        );
      }
      return corrupt(error);
    } finally {
      await parser.destroy().catch(() => undefined);
    }
  }
  return skipped(REASONS.encrypted);
}

async function extract(parser: PdfParser, neededPassword: boolean): Promise<ParseOutcome> {
  const info = await parser.getInfo();
  const result = await parser.getText({ pageJoiner: "" });
  const forms = await formText(parser, info.total);
  const pageTexts: { page: number; text: string }[] = result.pages.map((p) => {
    const extra = forms[p.num - 1] ?? "";
    return { page: p.num, text: cleanPageText(extra === "" ? p.text : `${p.text}\n${extra}`) };
  });

  let text = "";
  const sections: Section[] = [];
  for (const { page, text: pageText } of pageTexts) {
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

  const dict: InfoDict = (info.info as InfoDict | undefined) ?? {};
  const xmp = info.metadata as { get?(name: string): unknown } | undefined;
  const doc: ParsedDocument = {
    text,
    sections,
    pageCount: info.total,
    linesMatchSource: false,
    metadata: {},
  };
  const title = cleanTitle(dict["Title"]) ?? cleanTitle(xmp?.get?.("dc:title"));
  if (title !== undefined) doc.title = title;
  const author = cleanString(dict["Author"]) ?? cleanString(xmp?.get?.("dc:creator"));
  if (author !== undefined) doc.author = author;
  for (const [key, name] of [
    ["Producer", "producer"],
    ["Creator", "creator"],
    ["PDFFormatVersion", "pdfVersion"],
  ] as const) {
    const value = cleanString(dict[key]);
    if (value !== undefined) doc.metadata[name] = value;
  }
  const created = info.getDateNode().CreationDate;
  if (created instanceof Date && !Number.isNaN(created.getTime()))
    doc.metadata["created"] = created.toISOString();
  if (neededPassword) doc.metadata["passwordProtected"] = true;
  return indexed(doc);
}

/** Form-field text, read from the document pdf-parse has loaded (a private field; guarded). */
async function formText(parser: PdfParser, pageCount: number): Promise<string[]> {
  const doc = (parser as unknown as { doc?: PdfDocumentLike }).doc;
  if (typeof doc?.getPage !== "function") return [];
  try {
    return await formTextByPage(doc, pageCount);
  } catch {
    return [];
  }
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

function cleanString(value: unknown): string | undefined {
  if (Array.isArray(value)) value = value.find((v) => typeof v === "string");
  if (typeof value !== "string") return undefined;
  const clean = value.replaceAll("\0", "").replace(/\s+/g, " ").trim();
  return clean === "" ? undefined : clean;
}

function cleanTitle(value: unknown): string | undefined {
  const title = cleanString(value);
  return title === undefined || JUNK_TITLE.test(title) ? undefined : title;
}

/** Certificate (public-key) security handlers: /Filter /Adobe.PubSec, SubFilter adbe.pkcs7.s3-s5. */
function usesPublicKeySecurity(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  return text.includes("/Adobe.PubSec") || /adbe\.pkcs7\.s[345]/.test(text);
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "";
}
