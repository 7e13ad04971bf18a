import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { expect } from "vitest";
import type { ParsedDocument, ParseOutcome } from "../../../scanners/types.js";

/** The Section contract every parser must keep: ordered, non-overlapping, inside the text, lines consistent. */
export function expectValidSections(doc: ParsedDocument): void {
  let previousEnd = 0;
  for (const section of doc.sections) {
    expect(section.start).toBeGreaterThanOrEqual(previousEnd);
    expect(section.end).toBeGreaterThan(section.start);
    expect(section.end).toBeLessThanOrEqual(doc.text.length);
    expect(section.level).toBeGreaterThanOrEqual(0);
    expect(section.level).toBeLessThanOrEqual(6);
    previousEnd = section.end;
    if (doc.linesMatchSource) {
      expect(section.lineStart).toBe(lineOf(doc.text, section.start));
      expect(section.lineEnd).toBe(lineOf(doc.text, section.end - 1));
    }
  }
}

export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function sectionText(doc: ParsedDocument, index: number): string {
  const section = doc.sections[index];
  if (section === undefined) throw new Error(`no section ${index}`);
  return doc.text.slice(section.start, section.end);
}

export function expectIndexed(outcome: ParseOutcome): ParsedDocument {
  if (!outcome.ok)
    throw new Error(`expected an indexed document, got ${outcome.status}: ${outcome.reason}`);
  expectValidSections(outcome.doc);
  return outcome.doc;
}

export interface TempDir {
  path: string;
  write(name: string, content: string | Uint8Array): string;
  remove(): void;
}

export function tempDir(prefix = "docindex-parsers-"): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    write(name, content) {
      const file = join(path, name);
      writeFileSync(file, content);
      return file;
    },
    remove() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** A ZIP archive with stored (uncompressed) entries: enough to build broken DOCX packages in tests. */
export function storedZip(entries: Record<string, string> | [string, string][]): Buffer {
  const list = Array.isArray(entries) ? entries : Object.entries(entries);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of list) {
    const data = Buffer.from(content, "utf8");
    const nameBytes = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(list.length, 8);
  end.writeUInt16LE(list.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
