/**
 * Content sniffing once the bytes are read: is this text at all, and in which encoding.
 *
 * Binary detection follows git (`buffer_is_binary`: a NUL byte in the first 8000 bytes) and
 * ripgrep (a byte-order mark means text even though UTF-16 is full of NULs), plus a magic-number
 * check and a control-character ratio for binary data that happens to have no NUL early on.
 */
import { binaryMagic } from "./magic.js";
import { decodeWindows1252 } from "./windows-1252.js";

/** How many leading bytes the binary heuristics look at (git uses the same 8000). */
export const SNIFF_BYTES = 8000;

/** Share of control characters above which a NUL-free sample is still binary. */
const MAX_CONTROL_RATIO = 0.1;

export type Bom = "utf-8" | "utf-16le" | "utf-16be" | "utf-32le" | "utf-32be";

export type BinaryVerdict = { binary: false } | { binary: true; why: string };

export interface DecodedText {
  text: string;
  /** WHATWG label of the encoding used: "utf-8", "utf-16le", "utf-16be", "windows-1252", ... */
  encoding: string;
  bom: boolean;
}

export function detectBom(bytes: Uint8Array): Bom | undefined {
  const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return "utf-8";
  // UTF-32 LE starts with the UTF-16 LE BOM, so it must be tested first.
  if (b0 === 0xff && b1 === 0xfe && b2 === 0x00 && b3 === 0x00) return "utf-32le";
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0xfe && b3 === 0xff) return "utf-32be";
  if (b0 === 0xff && b1 === 0xfe) return "utf-16le";
  if (b0 === 0xfe && b1 === 0xff) return "utf-16be";
  return undefined;
}

/**
 * UTF-16 without a BOM (some Windows tools write it): mostly-ASCII text shows as zero bytes at
 * every other position. Only that case is recognised; BOM-less UTF-16 in a non-Latin script
 * has no such pattern and counts as binary.
 */
function bomlessUtf16(sample: Uint8Array): "utf-16le" | "utf-16be" | undefined {
  const pairs = Math.floor(sample.length / 2);
  if (pairs < 2) return undefined;
  let zeroEven = 0;
  let zeroOdd = 0;
  let printable = 0;
  for (let i = 0; i + 1 < sample.length; i += 2) {
    const even = sample[i] ?? 0;
    const odd = sample[i + 1] ?? 0;
    if (even === 0) zeroEven++;
    if (odd === 0) zeroOdd++;
    const other = even === 0 ? odd : even;
    if (isPrintableAscii(other)) printable++;
  }
  const mostly = 0.9 * pairs;
  if (printable < 0.95 * pairs) return undefined;
  if (zeroOdd >= mostly && zeroEven <= 0.05 * pairs) return "utf-16le";
  if (zeroEven >= mostly && zeroOdd <= 0.05 * pairs) return "utf-16be";
  return undefined;
}

function isPrintableAscii(byte: number): boolean {
  return (byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/** C0 controls that do not occur in text; TAB, LF, VT, FF, CR and ESC (ANSI colours) do. */
function isOddControl(byte: number): boolean {
  return (byte < 0x20 && !(byte >= 0x09 && byte <= 0x0d) && byte !== 0x1b) || byte === 0x7f;
}

/** Binary or text, judged on the first SNIFF_BYTES bytes. */
export function sniffBinary(bytes: Uint8Array): BinaryVerdict {
  const sample = bytes.subarray(0, SNIFF_BYTES);
  const bom = detectBom(sample);
  if (bom === "utf-32le" || bom === "utf-32be")
    return { binary: true, why: "UTF-32 text is not supported" };
  if (bom !== undefined) return { binary: false };
  const magic = binaryMagic(sample);
  if (magic !== undefined) return { binary: true, why: `${magic} data` };
  if (bomlessUtf16(sample) !== undefined) return { binary: false };
  let controls = 0;
  for (const byte of sample) {
    if (byte === 0) return { binary: true, why: "NUL bytes" };
    if (isOddControl(byte)) controls++;
  }
  if (sample.length > 0 && controls / sample.length > MAX_CONTROL_RATIO) {
    return { binary: true, why: "control characters" };
  }
  return { binary: false };
}

export function isBinary(bytes: Uint8Array): boolean {
  return sniffBinary(bytes).binary;
}

/**
 * Decode text: a BOM wins; then BOM-less UTF-16 by its zero-byte pattern; then UTF-8 if the
 * bytes are valid UTF-8; otherwise `fallback` (a WHATWG label, e.g. from an HTML meta charset),
 * and windows-1252 when the fallback is unknown. windows-1252 is what browsers use for
 * "latin1" and never fails, so every byte sequence decodes to something. The BOM is dropped.
 * (Node's own windows-1252 decoder is wrong for 0x80-0x9F; see windows-1252.ts.)
 */
export function decodeText(bytes: Uint8Array, fallback = "windows-1252"): DecodedText {
  const bom = detectBom(bytes);
  if (bom === "utf-8" || bom === "utf-16le" || bom === "utf-16be") {
    return { text: new TextDecoder(bom).decode(bytes), encoding: bom, bom: true };
  }
  const utf16 = bomlessUtf16(bytes.subarray(0, SNIFF_BYTES));
  if (utf16 !== undefined)
    return { text: new TextDecoder(utf16).decode(bytes), encoding: utf16, bom: false };
  try {
    return {
      text: new TextDecoder("utf-8", { fatal: true }).decode(bytes),
      encoding: "utf-8",
      bom: false,
    };
  } catch {
    return decodeWithFallback(bytes, fallback);
  }
}

function decodeWithFallback(bytes: Uint8Array, label: string): DecodedText {
  let encoding = "windows-1252";
  try {
    encoding = new TextDecoder(label).encoding;
  } catch {
    // An unknown label: windows-1252, like a browser.
  }
  const text =
    encoding === "windows-1252"
      ? decodeWindows1252(bytes)
      : new TextDecoder(encoding).decode(bytes);
  return { text, encoding, bom: false };
}
