/**
 * The ZIP-based formats other than DOCX: PPTX, XLSX, OpenDocument (ODT, ODP, ODS) and EPUB.
 * One entry point turns their bytes into an outcome: an OLE file where a package was expected
 * is an encrypted OOXML file (Office wraps password-protected packages in OLE) or a legacy
 * binary one; a package the limits refuse, or a damaged one, is a row with its reason.
 */
import type { FileKind, ParsedDocument, ParseOutcome } from "../../types.js";
import { corrupt, failed, indexed, REASONS, skipped } from "../outcome.js";
import { isOle, openOle } from "./ole.js";
import { parseEpub } from "./epub.js";
import { parseOpenDocument } from "./odf.js";
import { OfficePackage, PackageRefused } from "./package.js";
import { parsePptx } from "./pptx.js";
import { parseXlsx } from "./xlsx.js";

export type PackageKind = Extract<FileKind, "pptx" | "xlsx" | "odt" | "odp" | "ods" | "epub">;

export function parsePackage(
  bytes: Buffer,
  kind: PackageKind,
  options: { chunkTokens?: number; officePasswords?: string[] } = {},
): ParseOutcome {
  if (isOle(bytes)) {
    const opened = openOle(bytes, options.officePasswords);
    if (!Buffer.isBuffer(opened)) return skipped(opened.reason);
    bytes = opened;
  }
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) return failed("corrupt: not a zip archive");
  let doc: ParsedDocument | undefined;
  try {
    const pkg = OfficePackage.open(bytes);
    doc = read(pkg, kind, options.chunkTokens);
  } catch (error) {
    if (error instanceof PackageRefused) return failed(error.message);
    return corrupt(error);
  }
  if (doc === undefined)
    return failed(`corrupt: not a ${kind.toUpperCase()} package (its main part is missing)`);
  if (doc.text.trim() === "") return skipped(REASONS.noText);
  return indexed(doc);
}

function read(
  pkg: OfficePackage,
  kind: PackageKind,
  chunkTokens?: number,
): ParsedDocument | undefined {
  switch (kind) {
    case "pptx":
      return parsePptx(pkg);
    case "xlsx":
      return parseXlsx(pkg, chunkTokens);
    case "epub":
      return parseEpub(pkg);
    default:
      return parseOpenDocument(pkg, kind, chunkTokens);
  }
}
