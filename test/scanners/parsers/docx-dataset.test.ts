/** Every DOCX of the shared dataset through parseFile, plus the structure of a few known ones. */
import { describe, expect, it } from "vitest";
import { parseFile, REASONS } from "../../../scanners/parsers/index.js";
import type { ParsedDocument } from "../../../scanners/types.js";
import { CJK, CYRILLIC, datasetPath, HAVE_DOCS, manifest, RTL } from "./datasets.js";
import { expectIndexed } from "./helpers.js";

/** Its only content is a checkbox form field: there is no text to index. */
const NO_TEXT = new Set(["docx4j__fields__separator_missing.docx"]);
/**
 * Their Chinese and Russian exist only as list numbers Word generates at render time
 * (numFmt chineseCounting, ordinalText); the paragraphs themselves say "1", "2", ... and
 * mammoth does not render numbering formats.
 */
const SCRIPT_ONLY_IN_NUMBERING = new Set([
  "oxpt__LIR009-zh-CN-chineseCounting.docx",
  "oxpt__LIR007-ru-RU-ordinalText.docx",
]);

const parse = async (file: string): Promise<ParsedDocument> =>
  expectIndexed(await parseFile(datasetPath("docx", file), "docx"));

describe.skipIf(!HAVE_DOCS)("DOCX dataset", () => {
  for (const entry of manifest("docx")) {
    it(`${entry.file} (${entry.notes})`, async () => {
      const outcome = await parseFile(datasetPath("docx", entry.file), "docx");
      if (NO_TEXT.has(entry.file)) {
        expect(outcome).toEqual({ ok: false, status: "skipped", reason: REASONS.noText });
        return;
      }
      const doc = expectIndexed(outcome);
      expect(doc.text.trim().length).toBeGreaterThan(0);
      expect(doc.linesMatchSource).toBe(false);
      if (entry.tags.includes("rtl")) expect(doc.text).toMatch(RTL);
      if (!SCRIPT_ONLY_IN_NUMBERING.has(entry.file)) {
        if (entry.tags.includes("cjk")) expect(doc.text).toMatch(CJK);
        if (entry.tags.includes("cyrillic")) expect(doc.text).toMatch(CYRILLIC);
      }
      // A table of contents is tagged "tables" but is a list of paragraphs, not a table.
      if (entry.tags.includes("tables") && !/table of contents/.test(entry.notes))
        expect(doc.text).toContain(" | ");
    });
  }

  it("turns Heading styles into sections with heading paths (docx4j toc)", async () => {
    const doc = await parse("docx4j__toc.docx");
    expect(doc.title).toBe(
      "United Nations Declaration on the Elimination of All Forms of Racial Discrimination",
    );
    const paths = doc.sections.map((s) => s.headingPath.join(" > "));
    for (let n = 1; n <= 11; n++) expect(paths).toContain(`Article ${n}`);
    const article1 = doc.sections.find((s) => s.headingPath[0] === "Article 1");
    expect(doc.text.slice(article1?.start, article1?.end)).toMatch(/^Article 1\s+\S/);
  });

  it("keeps the table-of-contents headings of HC022 as sections", async () => {
    const doc = await parse("oxpt__HC022-Table-Of-Contents.docx");
    const headed = doc.sections.filter((s) => s.level === 1);
    expect(headed).toHaveLength(3);
    expect(
      headed.every(
        (s) => s.headingPath[0] === "Video provides a powerful way to help you prove your point.",
      ),
    ).toBe(true);
    expect(doc.title).toBe("Video provides a powerful way to help you prove your point.");
  });

  it("nests Heading 2 under Heading 1", async () => {
    const doc = await parse("oxpt__HC031-Complicated-Document.docx");
    expect(doc.sections.map((s) => s.headingPath)).toContainEqual([
      "Second Heading 1",
      "More Info",
    ]);
  });

  it("renders tables as rows of cells", async () => {
    const doc = await parse("docx4j__tables.docx");
    expect(doc.text).toContain(
      "Header2a | Header2b | Header2c | Header2d\nrow 01 a | row 01 b | row 01 c | row 01 d",
    );
  });

  it("extracts Hebrew and Arabic text, and right-to-left tables", async () => {
    expect((await parse("oxpt__HC002-Hebrew-01.docx")).text).toContain("טיול ליפן");
    expect((await parse("docx4j__multilingual__arabic__arabic_numbering.docx")).text).toMatch(RTL);
    expect((await parse("oxpt__HC014-RTL-Table-01.docx")).text).toMatch(
      /\p{Script=Hebrew}.* \| .*\p{Script=Hebrew}/u,
    );
  });

  it("adds SmartArt and chart labels, which mammoth skips", async () => {
    const smartArt = await parse("oxpt__HC052-SmartArt.docx");
    expect(smartArt.sections.at(-1)?.headingPath).toEqual(["Diagrams and charts"]);
    expect(smartArt.text).toContain("AB\nCD\nEF");
    const chart = await parse("oxpt__HC043-Chart.docx");
    expect(chart.text).toContain("Category 1");
    expect(chart.text).not.toMatch(/^4\.3$/m);
  });

  it("reads the author from the core properties", async () => {
    expect((await parse("docx4j__sample-docx.docx")).author).toBe("Jason Harrop");
  });
});
