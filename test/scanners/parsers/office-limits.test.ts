/**
 * Hostile and damaged packages (PPTX, XLSX, OpenDocument, EPUB): each is a row with a reason
 * and costs only its own time; and the data-not-claims rules for sheets.
 */
import { describe, expect, it } from "vitest";
import { parseBytes, REASONS } from "../../../scanners/parsers/index.js";
import type { ParseOutcome } from "../../../scanners/types.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DATASETS, HAVE_DOCS } from "./datasets.js";
import { storedZip } from "./helpers.js";

const CT = `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`;
const REL = (type: string, target: string): string =>
  `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/${type}" Target="${target}"/></Relationships>`;

/** A one-sheet workbook whose sheet XML is `sheetData`. */
function workbook(sheetData: string): Record<string, string> {
  return {
    "[Content_Types].xml": CT,
    "_rels/.rels": REL("officeDocument", "xl/workbook.xml"),
    "xl/workbook.xml": `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    "xl/_rels/workbook.xml.rels": REL("worksheet", "worksheets/sheet1.xml"),
    "xl/worksheets/sheet1.xml": `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${sheetData}</worksheet>`,
  };
}

const parse = (
  bytes: Buffer,
  kind: "xlsx" | "pptx" | "odt" | "ods",
  name = `x.${kind}`,
): Promise<ParseOutcome> => parseBytes(bytes, kind, name, { chunkTokens: 400 });

const inline = (ref: string, text: string): string =>
  `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;

describe("office packages: limits and damage", () => {
  it("reads a sheet by its data: a dimension of a million rows with seven cells filled", async () => {
    const rows = [1, 2, 3, 4, 5, 6, 1_000_000]
      .map((r) => `<row r="${r}">${inline(`A${r}`, `cell${r}`)}</row>`)
      .join("");
    const outcome = await parse(
      storedZip(workbook(`<dimension ref="A1:XFD1048576"/><sheetData>${rows}</sheetData>`)),
      "xlsx",
    );
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.doc.text.split("\n").filter((l) => /^cell\d+$/.test(l))).toHaveLength(7);
    expect(outcome.doc.sections.at(-1)?.headingPath).toEqual(["Data", "A1:A1000000"]);
  });

  it("keeps a far-right cell from widening every row past 256 columns", async () => {
    const sheet = `<sheetData><row r="1">${inline("A1", "left")}${inline("XFD1", "far")}</row><row r="2">${inline("A2", "next")}</row></sheetData>`;
    const outcome = await parse(storedZip(workbook(sheet)), "xlsx");
    expect(outcome.ok && outcome.doc.text.length).toBeLessThan(1000);
  });

  it("expands repeated OpenDocument rows only where they hold text, and boundedly", async () => {
    const cell = (text: string, repeat = 1) =>
      `<table:table-cell table:number-columns-repeated="${repeat}"${text ? ' office:value-type="string"' : ""}>${text ? `<text:p>${text}</text:p>` : ""}</table:table-cell>`;
    const content = `<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row>${cell("head")}${cell("", 16000)}</table:table-row><table:table-row table:number-rows-repeated="1048000">${cell("", 1024)}</table:table-row><table:table-row table:number-rows-repeated="5000">${cell("same")}</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>`;
    const outcome = await parse(
      storedZip({
        mimetype: "application/vnd.oasis.opendocument.spreadsheet",
        "content.xml": content,
      }),
      "ods",
    );
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.doc.text.match(/same/g)).toHaveLength(100);
    expect(outcome.doc.text.startsWith("head")).toBe(true);
  });

  it("refuses a package with duplicate entry names", async () => {
    const entries = Object.entries(workbook(`<sheetData>${inline("A1", "x")}</sheetData>`));
    entries.push(["xl/worksheets/sheet1.xml", "<worksheet/>"]);
    expect(await parse(storedZip(entries), "xlsx")).toEqual({
      ok: false,
      status: "failed",
      reason: 'refused: duplicate zip entry "xl/worksheets/sheet1.xml"',
    });
  });

  it("refuses XML that declares entities (a billion laughs) before expanding anything", async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>`;
    const files = workbook("");
    files["xl/worksheets/sheet1.xml"] =
      `${laughs}<worksheet><sheetData><row r="1">${inline("A1", "&lol3;")}</row></sheetData></worksheet>`;
    expect(await parse(storedZip(files), "xlsx")).toEqual({
      ok: false,
      status: "failed",
      reason: "refused: XML entity declarations (entity expansion or XXE)",
    });
  });

  it("refuses a zip bomb by the sizes it declares, without inflating it", async () => {
    // Overlapping-entry bombs declare huge sizes for a few compressed bytes: the limits read the
    // central directory's declared sizes before anything is inflated.
    const declare = (zip: Buffer, sizes: number[]): Buffer => {
      const out = Buffer.from(zip);
      let at = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      for (const size of sizes) {
        out.writeUInt32LE(size, at + 24);
        at = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 4);
      }
      return out;
    };
    const refused = {
      ok: false,
      status: "failed",
      reason: "refused: zip entries too large (possible zip bomb)",
    };
    const one = storedZip({ "ppt/presentation.xml": "<p/>" });
    expect(await parse(declare(one, [65 * 1024 * 1024]), "pptx")).toEqual(refused);
    const many = storedZip(
      Array.from({ length: 9 }, (_, i): [string, string] => [`ppt/s${i}.xml`, "<p/>"]),
    );
    expect(await parse(declare(many, Array(9).fill(60 * 1024 * 1024)), "pptx")).toEqual(refused);
  });

  it("names a damaged entry (CRC mismatch) and a truncated archive", async () => {
    const zip = storedZip(
      workbook(`<sheetData><row r="1">${inline("A1", "intact")}</row></sheetData>`),
    );
    const damaged = Buffer.from(zip);
    const at = damaged.indexOf("intact");
    damaged.write("broken", at);
    expect(await parse(damaged, "xlsx")).toEqual({
      ok: false,
      status: "failed",
      reason: 'corrupt: CRC mismatch in zip entry "xl/worksheets/sheet1.xml"',
    });
    const truncated = await parse(zip.subarray(0, Math.floor(zip.length / 2)), "xlsx");
    expect(truncated.ok).toBe(false);
    expect(!truncated.ok && truncated.reason).toMatch(/^corrupt: /);
  });

  it("tells legacy binary Office files and encrypted packages apart (both are OLE files)", async () => {
    const ole = Buffer.alloc(1024);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole);
    for (const kind of ["pptx", "xlsx"] as const)
      expect(await parse(ole, kind, `old.${kind.slice(0, 3)}`)).toEqual({
        ok: false,
        status: "skipped",
        reason: REASONS.legacyOle,
      });
    const encrypted = Buffer.concat([ole, Buffer.from("EncryptionInfo", "utf16le")]);
    expect(await parse(encrypted, "xlsx")).toEqual({
      ok: false,
      status: "skipped",
      reason: REASONS.encrypted,
    });
  });

  it("keeps an encrypted workbook 'password required' when no configured password opens it", async () => {
    if (!HAVE_DOCS) return;
    const file = join(DATASETS, "xlsx", "msoffcrypto__inputs__example_password.xlsx");
    const bytes = readFileSync(file);
    const withPasswords = (officePasswords: string[]) =>
      parseBytes(bytes, "xlsx", file, { officePasswords });
    expect(await withPasswords(["wrong"])).toEqual({
      ok: false,
      status: "skipped",
      reason: REASONS.encrypted,
    });
    expect((await withPasswords(["wrong", "Password1234_"])).ok).toBe(true);
  });

  it("says what a ZIP without the format's main part is", async () => {
    expect(await parse(storedZip({ "a.txt": "hello" }), "pptx")).toEqual({
      ok: false,
      status: "failed",
      reason: "corrupt: not a PPTX package (its main part is missing)",
    });
  });
});

describe("RTF", () => {
  const rtf = async (source: string | Buffer): Promise<string> => {
    const outcome = await parseBytes(
      Buffer.isBuffer(source) ? source : Buffer.from(source, "latin1"),
      "rtf",
      "a.rtf",
    );
    return outcome.ok ? outcome.doc.text : `(${outcome.reason})`;
  };

  it("skips \\binN data by its length, pictures and fonts, and keeps the text around them", async () => {
    const binary = Buffer.concat([
      Buffer.from(
        "{\\rtf1\\ansi{\\fonttbl{\\f0 Times;}}before {\\*\\shppict{\\pict\\pngblip 89504e47}}{\\object\\objdata\\bin6 ",
        "latin1",
      ),
      Buffer.from([0x7d, 0x7b, 0x5c, 0x00, 0xff, 0x7d]),
      Buffer.from("} after\\par}", "latin1"),
    ]);
    expect(await rtf(binary)).toBe("before after");
  });

  it("decodes \\uN with its \\ucN fallback, \\'hh in the code page, and tables as rows", async () => {
    expect(
      await rtf("{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8 {\\uc2\\u8364\\'80x}y\\par}"),
    ).toBe("При €y");
    expect(
      await rtf("{\\rtf1 \\trowd\\cellx100\\cellx200 a\\cell b\\cell\\row c\\cell d\\cell\\row}"),
    ).toBe("a | b\nc | d");
  });

  it("names a file that is not RTF", async () => {
    expect(await rtf("plain words")).toBe("(corrupt: not an RTF file (no {\\rtf header))");
  });
});
