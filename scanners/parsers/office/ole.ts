/**
 * OLE compound files where a ZIP package was expected. Office saves a password-protected
 * DOCX, XLSX or PPTX as an OLE file holding the encrypted package and an `EncryptionInfo`
 * stream (MS-OFFCRYPTO), which `officePasswords` can open (decrypt.ts); any other OLE file is a
 * legacy binary document (.doc, .xls, .ppt), which docindex does not read: no maintained
 * library here reads them well.
 */
import { REASONS } from "../outcome.js";
import { decryptPackage } from "./decrypt.js";

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
/** The stream name as OLE directory entries spell it (UTF-16LE). */
const ENCRYPTION_INFO = Buffer.from("EncryptionInfo", "utf16le");

export function isOle(bytes: Buffer): boolean {
  return OLE_MAGIC.every((b, i) => bytes[i] === b);
}

/** The reason for an OLE file: encrypted package, or legacy binary format. */
export function oleReason(bytes: Buffer): string {
  return bytes.includes(ENCRYPTION_INFO) ? REASONS.encrypted : REASONS.legacyOle;
}

/**
 * The ZIP package inside an OLE file when one of `passwords` opens it; otherwise the reason
 * the file is skipped (legacy binary format, or an encrypted package no password opens).
 */
export function openOle(
  bytes: Buffer,
  passwords: readonly string[] = [],
): Buffer | { reason: string } {
  const reason = oleReason(bytes);
  if (reason !== REASONS.encrypted) return { reason };
  try {
    return decryptPackage(bytes, passwords) ?? { reason };
  } catch {
    return { reason };
  }
}
