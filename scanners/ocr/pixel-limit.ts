/**
 * A cap on the pixels an image may have before tesseract decodes it. Leptonica decodes into
 * WebAssembly memory (at most 2 GB per tesseract thread, outside the parse worker's heap cap),
 * about four bytes a pixel: a small PNG that claims 50,000 × 50,000 pixels would fill it. The
 * dimensions come from the file's header (image-size, which reads headers only).
 */
import { imageSize } from "image-size";

/** 100 megapixels: a page scanned at 600 dpi is 35 (A4) to 70 (A3); 400 MB of RGBA. */
export const MAX_OCR_PIXELS = 100_000_000;

/** The reason an image is not read, when its header says it is too large; else undefined. */
export function tooManyPixels(bytes: Uint8Array): string | undefined {
  let width: number;
  let height: number;
  try {
    ({ width, height } = imageSize(bytes));
  } catch {
    // A header image-size cannot read: tesseract decides what it makes of the file.
    return undefined;
  }
  if (width * height <= MAX_OCR_PIXELS) return undefined;
  return `too large to OCR: ${width} × ${height} pixels (over ${MAX_OCR_PIXELS / 1_000_000} megapixels)`;
}
