/**
 * windows-1252 decoding done by hand: Node 20's TextDecoder("windows-1252") decodes as
 * ISO-8859-1, turning the curly quotes, dashes and euro sign of 0x80-0x9F into invisible C1
 * controls. The same table serves HTML numeric references (&#150; is an en dash).
 */

/** Code points of bytes 0x80-0x9F; the five bytes windows-1252 leaves undefined map to themselves. */
// prettier-ignore
export const WINDOWS_1252_HIGH: Readonly<Record<number, number>> = {
  0x80: 0x20ac, 0x82: 0x201a, 0x83: 0x0192, 0x84: 0x201e, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021,
  0x88: 0x02c6, 0x89: 0x2030, 0x8a: 0x0160, 0x8b: 0x2039, 0x8c: 0x0152, 0x8e: 0x017d, 0x91: 0x2018,
  0x92: 0x2019, 0x93: 0x201c, 0x94: 0x201d, 0x95: 0x2022, 0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02dc,
  0x99: 0x2122, 0x9a: 0x0161, 0x9b: 0x203a, 0x9c: 0x0153, 0x9e: 0x017e, 0x9f: 0x0178,
};

export function decodeWindows1252(bytes: Uint8Array): string {
  const chunks: string[] = [];
  const CHUNK = 8192;
  for (let at = 0; at < bytes.length; at += CHUNK) {
    const codes = Array.from(bytes.subarray(at, at + CHUNK), (b) => WINDOWS_1252_HIGH[b] ?? b);
    chunks.push(String.fromCharCode(...codes));
  }
  return chunks.join("");
}
