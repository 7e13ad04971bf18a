/**
 * One entry point from a file on disk to a ParseOutcome. Every failure, including a parser
 * bug, comes back as an outcome with a reason: nothing is thrown to the pipeline.
 */
import { readFile } from "node:fs/promises";
import { decodeText, sniffBinary } from "../detect/content.js";
import { languageForPath } from "../detect/kind.js";
import { binaryMagic, isOcrImage } from "../detect/magic.js";
import type { FileKind, ParsedDocument, ParseOutcome } from "../types.js";
import { parseCodeWithSyntax } from "./code.js";
import { parseHtml } from "./html.js";
import { normalizeNewlines } from "./lines.js";
import { markupFlavorForPath, parseMarkdown } from "./markdown.js";
import { parseNotebook } from "./notebook.js";
import { failed, indexed, REASONS, shortMessage, skipped } from "./outcome.js";
import type { PackageKind } from "./office/index.js";
import type { ParseOptions } from "./parse-options.js";
import { parsePdf } from "./pdf.js";
import { parsePlainText } from "./plain-text.js";

export type { ParseOptions, PdfEngine } from "./parse-options.js";
export { REASONS } from "./outcome.js";

export async function parseFile(
  absPath: string,
  kind: FileKind,
  options: ParseOptions = {},
): Promise<ParseOutcome> {
  if (kind === "binary") return skipped(REASONS.binary);
  let bytes: Buffer;
  try {
    bytes = await readFile(absPath);
  } catch (error) {
    return failed(unreadable(error));
  }
  return parseBytes(bytes, kind, absPath, options);
}

/** Parse bytes already in memory; `path` only informs the language and the markup flavour. */
export async function parseBytes(
  bytes: Buffer,
  kind: FileKind,
  path: string,
  parseOptions: ParseOptions = {},
): Promise<ParseOutcome> {
  const options = { ...parseOptions, startedAtMs: parseOptions.startedAtMs ?? Date.now() };
  try {
    if (kind === "binary") return skipped(REASONS.binary);
    if (bytes.length === 0) return skipped(REASONS.empty);
    // Content beats the name for PDF: a PDF saved as ".txt" or without extension is still a PDF.
    const magic = binaryMagic(bytes);
    if (kind === "pdf" || magic === "pdf") return await parsePdf(bytes, options);
    // Images by content too, like PDF; loaded with the first one (tesseract.js, scanners/ocr).
    if (kind === "image" || isOcrImage(magic))
      return await (await import("../ocr/image.js")).parseImage(bytes, magic ?? "unknown", options);
    // Loaded with the first DOCX: mammoth is half a second of module loading that every parse
    // worker paid at start-up, most of a worker's start when it only reads PDFs through pdftotext.
    if (kind === "docx")
      return await (await import("./docx.js")).parseDocx(bytes, options.officePasswords);
    if (kind === "email") return await parseMessage(bytes, options, 0);
    if (kind === "rtf") return (await import("./rtf.js")).parseRtf(bytes);
    if (isPackageKind(kind))
      return (await import("./office/index.js")).parsePackage(bytes, kind, options);
    if (sniffBinary(bytes).binary) return skipped(REASONS.binary);
    const decoded = decodeText(bytes, kind === "html" ? htmlCharset(bytes) : undefined);
    const text = normalizeNewlines(decoded.text);
    if (text.trim() === "") return skipped(REASONS.empty);
    const outcome = await parseText(text, kind, path, options.syntax ?? "auto");
    if (outcome.ok) outcome.doc.metadata["encoding"] = decoded.encoding;
    return outcome;
  } catch (error) {
    return failed(`parser error: ${shortMessage(error)}`);
  }
}

async function parseText(
  text: string,
  kind: FileKind,
  path: string,
  syntax: "auto" | "off",
): Promise<ParseOutcome> {
  switch (kind) {
    case "markdown":
      return indexed(parseMarkdown(text, markupFlavorForPath(path)));
    case "code":
      return indexed(await parseCodeWithSyntax(text, path, languageForPath(path), syntax));
    case "html":
      return nonEmpty(parseHtml(text));
    case "notebook":
      return parseNotebook(text);
    default:
      return indexed(parsePlainText(text));
  }
}

/** A message and, through `parseBytes`, its attachments; a message attached to it one level deeper. */
async function parseMessage(
  bytes: Buffer,
  options: ParseOptions,
  depth: number,
): Promise<ParseOutcome> {
  const { parseEmail } = await import("./email.js");
  return parseEmail(
    bytes,
    (content, kind, name) =>
      kind === "email"
        ? parseMessage(content, options, depth + 1)
        : parseBytes(content, kind, name, options),
    { ...options, depth },
  );
}

/** The ZIP-based formats of ./office (loaded with the first such file, like mammoth for DOCX). */
function isPackageKind(kind: FileKind): kind is PackageKind {
  return PACKAGE_KINDS.includes(kind as PackageKind);
}

const PACKAGE_KINDS: readonly PackageKind[] = ["pptx", "xlsx", "odt", "odp", "ods", "epub"];

function nonEmpty(doc: ParsedDocument): ParseOutcome {
  return doc.text.trim() === "" ? skipped(REASONS.noText) : indexed(doc);
}

/** `<meta charset>` or `http-equiv` content type in the first kilobyte, as browsers pre-scan. */
function htmlCharset(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 1024).toString("latin1");
  return /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)?.[1];
}

function unreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return "unreadable: file not found";
  if (code === "EACCES" || code === "EPERM") return "unreadable: permission denied";
  if (code === "EISDIR") return "unreadable: is a directory";
  return `unreadable: ${code ?? shortMessage(error)}`;
}
