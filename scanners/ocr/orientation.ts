/**
 * Turning a page that was scanned sideways or upside down. tesseract.js's own `rotateRadians`
 * rotates within the original frame, which crops a quarter turn of a non-square page; but its
 * image loading honours an EXIF orientation (as a camera's JPEG needs), through Leptonica's
 * exact 90/180/270-degree rotation. So the page is given as a PNG with a standard `eXIf` chunk
 * (PNG 1.5 extension) whose Orientation tag says how to turn it.
 */
import { crc32 } from "node:zlib";

export type Rotation = 0 | 90 | 180 | 270;

/** EXIF Orientation values for "turn clockwise by": 6 = 90°, 3 = 180°, 8 = 270°. */
const EXIF_ORIENTATION: Record<Exclude<Rotation, 0>, number> = { 90: 6, 180: 3, 270: 8 };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Signature, then the IHDR chunk: length (4), type (4), 13 bytes of data, CRC (4). */
const AFTER_IHDR = 8 + 4 + 4 + 13 + 4;

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length > AFTER_IHDR && PNG_SIGNATURE.equals(bytes.subarray(0, 8));
}

/**
 * The PNG with an eXIf chunk right after IHDR (tesseract.js looks for the tag in the first 500
 * bytes): a big-endian TIFF header, one IFD with the one Orientation entry (tag 0x0112, SHORT).
 */
export function pngTurned(png: Uint8Array, rotation: Exclude<Rotation, 0>): Buffer {
  if (!isPng(png)) throw new Error("pngTurned: not a PNG");
  const exif = Buffer.concat([
    Buffer.from("MM\0\x2a\0\0\0\x08", "latin1"), // big-endian TIFF header, IFD at offset 8
    u16(1), // one entry
    u16(0x0112), // Orientation
    u16(3), // SHORT
    u32(1), // count 1
    u16(EXIF_ORIENTATION[rotation]), // the value, padded to 4 bytes
    u16(0),
    u32(0), // no next IFD
  ]);
  const type = Buffer.from("eXIf", "latin1");
  const length = u32(exif.length);
  const crc = u32(crc32(Buffer.concat([type, exif])) >>> 0);
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  return Buffer.concat([
    bytes.subarray(0, AFTER_IHDR),
    length,
    type,
    exif,
    crc,
    bytes.subarray(AFTER_IHDR),
  ]);
}

/** tesseract's OSD reports how far the page is turned; a quarter turn is 90 or 270. */
export function rotationOf(degrees: number | null | undefined): Rotation {
  return degrees === 90 || degrees === 180 || degrees === 270 ? degrees : 0;
}

function u16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}
