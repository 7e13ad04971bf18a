/**
 * The minimal ZIP reader behind the DOCX parser's package parts, on archives built byte by
 * byte: what it reads, and every way it refuses an entry or an archive instead of throwing
 * out of the parser.
 */
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ZipArchive } from "../../../scanners/parsers/zip.js";
import { storedZip } from "./helpers.js";

const CENTRAL = Buffer.from([0x50, 0x4b, 0x01, 0x02]);

/** The offset of the n-th central directory header. */
function centralHeader(zip: Buffer, n = 0): number {
  let at = zip.indexOf(CENTRAL);
  for (let i = 0; i < n; i++) at = zip.indexOf(CENTRAL, at + 1);
  return at;
}

describe("ZipArchive", () => {
  it("lists and reads stored entries", () => {
    const zip = ZipArchive.open(storedZip({ "docProps/core.xml": "<core/>", "a.txt": "alpha" }));
    expect(zip.names()).toEqual(["docProps/core.xml", "a.txt"]);
    expect(zip.read("a.txt")?.toString()).toBe("alpha");
    expect(zip.read("missing.txt")).toBeUndefined();
  });

  it("inflates deflated entries, up to a cap that stops zip bombs", () => {
    const text = "word ".repeat(2000);
    const zip = storedZip({ "big.txt": text });
    const deflated = deflateRawSync(Buffer.from(text));
    // Rewrite the one entry as deflated: method 8 and the compressed size, in both headers.
    const local = 0;
    const central = centralHeader(zip);
    const archive = Buffer.concat([
      zip.subarray(0, 30 + "big.txt".length),
      deflated,
      zip.subarray(central),
    ]);
    const at = 30 + "big.txt".length + deflated.length;
    archive.writeUInt16LE(8, local + 8);
    archive.writeUInt32LE(deflated.length, local + 18);
    archive.writeUInt16LE(8, at + 10);
    archive.writeUInt32LE(deflated.length, at + 20);
    archive.writeUInt32LE(at, archive.length - 22 + 16);
    const opened = ZipArchive.open(archive);
    expect(opened.read("big.txt")?.toString()).toBe(text);
    expect(opened.read("big.txt", 1000)).toBeUndefined();
    expect(ZipArchive.open(zip).read("big.txt", 1000)).toBeUndefined();
  });

  it("gives nothing for encrypted, damaged or unknown-method entries", () => {
    const zip = storedZip({
      "a.txt": "alpha",
      "b.txt": "bravo",
      "c.txt": "charlie",
      "d.txt": "delta",
    });
    zip.writeUInt16LE(1, centralHeader(zip, 0) + 8); // a: encrypted
    zip.writeUInt16LE(8, centralHeader(zip, 1) + 10); // b: "deflated", but the bytes are not
    zip.writeUInt16LE(12, centralHeader(zip, 2) + 10); // c: bzip2, not supported
    zip.writeUInt32LE(3, centralHeader(zip, 3) + 42); // d: its local header is not where it says
    const archive = ZipArchive.open(zip);
    expect(["a.txt", "b.txt", "c.txt", "d.txt"].map((name) => archive.read(name))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("refuses what is not a ZIP archive, or one whose directory is damaged", () => {
    expect(() => ZipArchive.open(Buffer.from("PK but not really a zip archive at all"))).toThrow(
      "not a zip archive (no central directory)",
    );
    const zip = storedZip({ "a.txt": "alpha" });
    zip.writeUInt32LE(0, centralHeader(zip));
    expect(() => ZipArchive.open(zip)).toThrow("zip central directory is damaged");
  });
});
