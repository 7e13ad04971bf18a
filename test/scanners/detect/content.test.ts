import { describe, expect, it } from "vitest";
import {
  decodeText,
  detectBom,
  isBinary,
  sniffBinary,
  SNIFF_BYTES,
} from "../../../scanners/detect/content.js";
import { binaryMagic } from "../../../scanners/detect/magic.js";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function utf16(text: string, endian: "le" | "be", bom: boolean): Uint8Array {
  const bytes: number[] = bom ? (endian === "le" ? [0xff, 0xfe] : [0xfe, 0xff]) : [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (endian === "le") bytes.push(code & 0xff, code >> 8);
    else bytes.push(code >> 8, code & 0xff);
  }
  return Uint8Array.from(bytes);
}

describe("sniffBinary", () => {
  it("treats ordinary UTF-8 text, tabs, CRLF and ANSI colours as text", () => {
    expect(isBinary(utf8("héllo wörld\r\n\tindented\n\u001b[31mred\u001b[0m\f\n"))).toBe(false);
  });

  it("calls a NUL byte in the first 8000 bytes binary, as git does", () => {
    expect(sniffBinary(Uint8Array.from([0x61, 0x62, 0x00, 0x63]))).toEqual({
      binary: true,
      why: "NUL bytes",
    });
  });

  it("ignores a NUL byte beyond the sniffed prefix, as git does", () => {
    const bytes = new Uint8Array(SNIFF_BYTES + 10).fill(0x61);
    bytes[SNIFF_BYTES + 5] = 0;
    expect(isBinary(bytes)).toBe(false);
  });

  it("recognises binary formats by magic number even without NUL bytes", () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x41, 0x42]);
    expect(sniffBinary(png)).toEqual({ binary: true, why: "png data" });
    expect(binaryMagic(utf8("%PDF-1.7\n"))).toBe("pdf");
    expect(binaryMagic(utf8("BMW and ID3 are words, not magic"))).toBeUndefined();
  });

  it("calls data full of control characters binary", () => {
    const bytes = new Uint8Array(1000).map((_, i) => (i % 3 === 0 ? 0x01 : 0x41));
    expect(sniffBinary(bytes)).toEqual({ binary: true, why: "control characters" });
  });

  it("accepts UTF-16 with a BOM as text although it is full of NUL bytes", () => {
    expect(isBinary(utf16("hello", "le", true))).toBe(false);
    expect(isBinary(utf16("hello", "be", true))).toBe(false);
  });

  it("accepts BOM-less UTF-16 of mostly ASCII text", () => {
    expect(isBinary(utf16("plain ascii text in utf-16", "le", false))).toBe(false);
  });

  it("rejects UTF-32, which no TextDecoder reads", () => {
    expect(sniffBinary(Uint8Array.from([0xff, 0xfe, 0x00, 0x00, 0x41, 0, 0, 0]))).toEqual({
      binary: true,
      why: "UTF-32 text is not supported",
    });
  });

  it("treats an empty buffer as text (emptiness is decided elsewhere)", () => {
    expect(isBinary(new Uint8Array())).toBe(false);
  });
});

describe("decodeText", () => {
  it("decodes UTF-8 and strips its BOM", () => {
    expect(decodeText(Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8("ünïcode")]))).toEqual({
      text: "ünïcode",
      encoding: "utf-8",
      bom: true,
    });
    expect(decodeText(utf8("plain"))).toEqual({ text: "plain", encoding: "utf-8", bom: false });
  });

  it("decodes UTF-16 LE and BE with a BOM", () => {
    expect(decodeText(utf16("Grüße, 世界", "le", true))).toEqual({
      text: "Grüße, 世界",
      encoding: "utf-16le",
      bom: true,
    });
    expect(decodeText(utf16("Grüße, 世界", "be", true))).toEqual({
      text: "Grüße, 世界",
      encoding: "utf-16be",
      bom: true,
    });
  });

  it("decodes BOM-less UTF-16 LE and BE of ASCII text", () => {
    expect(decodeText(utf16("hello world", "le", false)).text).toBe("hello world");
    expect(decodeText(utf16("hello world", "be", false)).encoding).toBe("utf-16be");
  });

  it("falls back to windows-1252 when the bytes are not valid UTF-8", () => {
    // "café “quoted”" in windows-1252: é = E9, curly quotes = 93 / 94.
    const latin1 = Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x93, 0x71, 0x94]);
    expect(decodeText(latin1)).toEqual({ text: "café “q”", encoding: "windows-1252", bom: false });
  });

  it("uses a supported fallback label (an HTML meta charset) for non-UTF-8 bytes", () => {
    const shiftJis = Uint8Array.from([0x93, 0xfa, 0x96, 0x7b]); // 日本
    expect(decodeText(shiftJis, "shift_jis")).toEqual({
      text: "日本",
      encoding: "shift_jis",
      bom: false,
    });
    expect(decodeText(Uint8Array.from([0xe9]), "no-such-charset").encoding).toBe("windows-1252");
  });

  it("detects BOMs", () => {
    expect(detectBom(Uint8Array.from([0xef, 0xbb, 0xbf]))).toBe("utf-8");
    expect(detectBom(Uint8Array.from([0xff, 0xfe, 0x41, 0x00]))).toBe("utf-16le");
    expect(detectBom(Uint8Array.from([0x41]))).toBeUndefined();
  });
});
