/**
 * The ZIP container of OOXML (PPTX, XLSX), OpenDocument and EPUB files, read through fflate
 * (a maintained, dependency-free inflate and unzip made for this) with the limits a file from
 * the outside needs: the entry table is read first, without inflating anything, so that a
 * duplicated name, too many entries or a declared size past the limits refuse the file before
 * any work (bombs that overlap entries on the same compressed bytes declare huge totals; a
 * single deflate stream cannot pass about 1000:1, so the per-entry cap bounds the rest); each entry is then inflated into a buffer of its declared size, so an entry that
 * inflates past what it declares fails instead of filling memory, and its CRC-32 is checked
 * against the central directory's (fflate does not), so a damaged entry is an error, not text.
 * Names written with backslashes (some Windows tools) are read as the paths they mean.
 */
import { crc32 } from "node:zlib";
import { unzipSync, type UnzipFileInfo } from "fflate";
import { ZipArchive } from "../zip.js";

/** Per entry; the largest real part seen in the datasets (a sheet) is a few MB. */
export const MAX_ENTRY_BYTES = 64 * 1024 * 1024;
/** All entries together, as declared in the archive. */
export const MAX_TOTAL_BYTES = 512 * 1024 * 1024;
export const MAX_ENTRIES = 20_000;

/** A file the package rules refuse; the message is the row's reason. */
export class PackageRefused extends Error {}

export class OfficePackage {
  private constructor(
    private readonly bytes: Uint8Array,
    /** By normalized name (forward slashes); each entry keeps its name as stored. */
    private readonly entries: Map<string, UnzipFileInfo>,
    /** CRC-32 by stored name, when the central directory could be read for them. */
    private readonly crcs: ZipArchive | undefined,
  ) {}

  /** Throws PackageRefused (a reason) or fflate's error (a damaged archive). */
  static open(bytes: Uint8Array): OfficePackage {
    const entries = new Map<string, UnzipFileInfo>();
    let total = 0;
    unzipSync(bytes, {
      filter(info) {
        const name = info.name.replace(/\\/g, "/");
        if (entries.has(name)) throw new PackageRefused(`refused: duplicate zip entry "${name}"`);
        if (entries.size >= MAX_ENTRIES)
          throw new PackageRefused(`refused: more than ${MAX_ENTRIES} zip entries`);
        total += info.originalSize;
        if (info.originalSize > MAX_ENTRY_BYTES || total > MAX_TOTAL_BYTES)
          throw new PackageRefused("refused: zip entries too large (possible zip bomb)");
        entries.set(name, info);
        return false;
      },
    });
    let crcs: ZipArchive | undefined;
    try {
      crcs = ZipArchive.open(bytes);
    } catch {
      // ZIP64 and other layouts the small reader does not know: fflate read them; no CRC check.
    }
    return new OfficePackage(bytes, entries, crcs);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The entry's bytes, or undefined when there is no such entry. Throws on a damaged entry. */
  read(name: string): Uint8Array | undefined {
    const stored = this.entries.get(name)?.name;
    if (stored === undefined) return undefined;
    const data = unzipSync(this.bytes, { filter: (info) => info.name === stored })[stored];
    if (data === undefined) return undefined;
    const expected = this.crcs?.crc32(stored);
    if (expected !== undefined && crc32(data) !== expected)
      throw new Error(`CRC mismatch in zip entry "${name}"`);
    return data;
  }

  /** The entry as UTF-8 text (XML parts declare UTF-8 or UTF-16; UTF-16 is decoded by its BOM). */
  text(name: string): string | undefined {
    const bytes = this.read(name);
    if (bytes === undefined) return undefined;
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
    return new TextDecoder("utf-8").decode(bytes);
  }
}

/** Resolves a relationship target against the part that names it (`ppt/slides/slide1.xml` + `../media/x`). */
export function resolvePartPath(fromPart: string, target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  const parts = fromPart.split("/").slice(0, -1);
  for (const piece of target.split("/")) {
    if (piece === "..") parts.pop();
    else if (piece !== "." && piece !== "") parts.push(piece);
  }
  return parts.join("/");
}
