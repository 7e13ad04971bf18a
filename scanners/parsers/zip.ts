/**
 * Just enough of the ZIP format to read a few small parts of an Office package (core
 * properties, SmartArt and chart text) without a dependency: the central directory, stored and
 * deflated entries. No ZIP64, no encryption, no spanning; reads are capped to stop zip bombs.
 */
import { inflateRawSync } from "node:zlib";

interface Entry {
  crc32: number;
  method: number;
  flags: number;
  compressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

export class ZipArchive {
  private constructor(
    private readonly buf: Buffer,
    private readonly entries: Map<string, Entry>,
  ) {}

  /** Throws when the bytes are not a readable ZIP archive. */
  static open(bytes: Uint8Array): ZipArchive {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const eocd = findEndOfCentralDirectory(buf);
    if (eocd === -1) throw new Error("not a zip archive (no central directory)");
    const count = buf.readUInt16LE(eocd + 10);
    let at = buf.readUInt32LE(eocd + 16);
    const entries = new Map<string, Entry>();
    for (let i = 0; i < count; i++) {
      if (at + 46 > buf.length || buf.readUInt32LE(at) !== CENTRAL_SIGNATURE)
        throw new Error("zip central directory is damaged");
      const nameLength = buf.readUInt16LE(at + 28);
      const name = buf.toString("utf8", at + 46, at + 46 + nameLength);
      entries.set(name, {
        crc32: buf.readUInt32LE(at + 16),
        flags: buf.readUInt16LE(at + 8),
        method: buf.readUInt16LE(at + 10),
        compressedSize: buf.readUInt32LE(at + 20),
        localHeaderOffset: buf.readUInt32LE(at + 42),
      });
      at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    }
    return new ZipArchive(buf, entries);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The CRC-32 the central directory records for the entry. */
  crc32(name: string): number | undefined {
    return this.entries.get(name)?.crc32;
  }

  /** The entry's bytes, or undefined when it is missing, encrypted, damaged or over `maxBytes`. */
  read(name: string, maxBytes = 4 * 1024 * 1024): Buffer | undefined {
    const entry = this.entries.get(name);
    if (entry === undefined || (entry.flags & 1) !== 0) return undefined;
    const at = entry.localHeaderOffset;
    if (at + 30 > this.buf.length || this.buf.readUInt32LE(at) !== LOCAL_SIGNATURE)
      return undefined;
    const dataStart = at + 30 + this.buf.readUInt16LE(at + 26) + this.buf.readUInt16LE(at + 28);
    const data = this.buf.subarray(dataStart, dataStart + entry.compressedSize);
    try {
      if (entry.method === 0) return data.length <= maxBytes ? data : undefined;
      if (entry.method === 8) return inflateRawSync(data, { maxOutputLength: maxBytes });
    } catch {
      return undefined;
    }
    return undefined;
  }
}

function findEndOfCentralDirectory(buf: Buffer): number {
  const lowest = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= lowest; i--) {
    if (buf.readUInt32LE(i) === EOCD_SIGNATURE) return i;
  }
  return -1;
}
