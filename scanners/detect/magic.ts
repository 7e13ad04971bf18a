/**
 * Magic numbers of binary formats, checked before the byte heuristics in content.ts: a short
 * file of compressed or image data can slip past the NUL and control-character tests. Only
 * signatures that a real text file cannot plausibly start with are listed (no bare "BM" or
 * "ID3"); formats with NUL bytes in their header are caught by the heuristics anyway.
 */

interface Magic {
  name: string;
  offset: number;
  bytes: readonly number[];
}

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

const MAGICS: readonly Magic[] = [
  { name: "png", offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { name: "jpeg", offset: 0, bytes: [0xff, 0xd8, 0xff] },
  { name: "gif", offset: 0, bytes: ascii("GIF87a") },
  { name: "gif", offset: 0, bytes: ascii("GIF89a") },
  { name: "webp", offset: 8, bytes: ascii("WEBP") },
  { name: "tiff", offset: 0, bytes: [0x49, 0x49, 0x2a, 0x00] },
  { name: "tiff", offset: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { name: "ico", offset: 0, bytes: [0x00, 0x00, 0x01, 0x00] },
  { name: "zip", offset: 0, bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: "zip", offset: 0, bytes: [0x50, 0x4b, 0x05, 0x06] },
  { name: "gzip", offset: 0, bytes: [0x1f, 0x8b] },
  { name: "xz", offset: 0, bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: "zstd", offset: 0, bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: "7z", offset: 0, bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { name: "rar", offset: 0, bytes: ascii("Rar!\x1a\x07") },
  { name: "ole", offset: 0, bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] },
  { name: "elf", offset: 0, bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { name: "mach-o", offset: 0, bytes: [0xcf, 0xfa, 0xed, 0xfe] },
  { name: "mach-o", offset: 0, bytes: [0xce, 0xfa, 0xed, 0xfe] },
  { name: "mach-o", offset: 0, bytes: [0xca, 0xfe, 0xba, 0xbe] },
  { name: "wasm", offset: 0, bytes: [0x00, 0x61, 0x73, 0x6d] },
  { name: "sqlite", offset: 0, bytes: ascii("SQLite format 3\0") },
  { name: "mp4", offset: 4, bytes: ascii("ftyp") },
  { name: "pdf", offset: 0, bytes: ascii("%PDF-") },
];

/**
 * Name of the binary format the bytes start with, or undefined. PDF is reported too: a PDF
 * under a text name is still not text.
 */
export function binaryMagic(bytes: Uint8Array): string | undefined {
  for (const magic of MAGICS) {
    if (bytes.length < magic.offset + magic.bytes.length) continue;
    let match = true;
    for (let i = 0; i < magic.bytes.length; i++) {
      if (bytes[magic.offset + i] !== magic.bytes[i]) {
        match = false;
        break;
      }
    }
    if (match) return magic.name;
  }
  return undefined;
}

/** The image formats docindex reads by OCR (scanners/ocr): what tesseract's Leptonica decodes. */
const OCR_IMAGES = new Set(["png", "jpeg", "tiff", "webp"]);

export function isOcrImage(magic: string | undefined): boolean {
  return magic !== undefined && OCR_IMAGES.has(magic);
}
