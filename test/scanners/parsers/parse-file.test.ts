/**
 * parseFile end to end on files generated here: the dispatch by kind, content sniffing,
 * decoding, and the rule that every failure comes back as an outcome.
 */
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseFile, REASONS } from "../../../scanners/parsers/index.js";
import { expectIndexed, storedZip, tempDir } from "./helpers.js";

const dir = tempDir();
afterAll(() => dir.remove());

import { DATASETS, HAVE_DOCS } from "./datasets.js";

function utf16(text: string, endian: "le" | "be"): Buffer {
  const body = Buffer.from(text, "utf16le");
  if (endian === "be") body.swap16();
  return Buffer.concat([Buffer.from(endian === "le" ? [0xff, 0xfe] : [0xfe, 0xff]), body]);
}

const DOCUMENT_XML = (body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`;
const para = (text: string, style?: string): string =>
  `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ""}<w:r><w:t>${text}</w:t></w:r></w:p>`;
const RELS = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;
const CORE = `<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Core &amp; Title</dc:title><dc:creator>Grace</dc:creator></cp:coreProperties>`;

describe("parseFile: empty, binary and unreadable files", () => {
  it("skips empty and whitespace-only files", async () => {
    expect(await parseFile(dir.write("empty.txt", ""), "text")).toEqual({
      ok: false,
      status: "skipped",
      reason: "empty file",
    });
    expect(await parseFile(dir.write("blank.md", "\n  \n\t\n"), "markdown")).toEqual({
      ok: false,
      status: "skipped",
      reason: "empty file",
    });
    expect(await parseFile(dir.write("empty.pdf", ""), "pdf")).toEqual({
      ok: false,
      status: "skipped",
      reason: "empty file",
    });
  });

  it("skips binary kinds without reading them, and sniffs binary content under text names", async () => {
    expect(await parseFile(join(dir.path, "does-not-exist.png"), "binary")).toEqual({
      ok: false,
      status: "skipped",
      reason: "binary",
    });
    // GIF: an image format OCR does not read (PNG, JPEG, TIFF and WebP go to scanners/ocr).
    const gif = Buffer.from("GIF89a\x01\x00\x01\x00ABC", "latin1");
    expect(await parseFile(dir.write("image.txt", gif), "text")).toEqual({
      ok: false,
      status: "skipped",
      reason: "binary",
    });
    const withNul = Buffer.from("const a = 1;\u0000\u0000\u0001", "latin1");
    expect(await parseFile(dir.write("blob.ts", withNul), "code")).toEqual({
      ok: false,
      status: "skipped",
      reason: "binary",
    });
  });

  it("reports unreadable paths instead of throwing", async () => {
    expect(await parseFile(join(dir.path, "missing.md"), "markdown")).toEqual({
      ok: false,
      status: "failed",
      reason: "unreadable: file not found",
    });
    expect(await parseFile(dir.path, "text")).toEqual({
      ok: false,
      status: "failed",
      reason: "unreadable: is a directory",
    });
  });
});

describe("parseFile: text encodings", () => {
  it("decodes UTF-16 LE and BE with a BOM", async () => {
    for (const endian of ["le", "be"] as const) {
      const doc = expectIndexed(
        await parseFile(
          dir.write(`utf16${endian}.txt`, utf16("Grüße\r\nзавтра 世界\r\n", endian)),
          "text",
        ),
      );
      expect(doc.text).toBe("Grüße\nзавтра 世界\n");
      expect(doc.metadata["encoding"]).toBe(`utf-16${endian}`);
      expect(doc.linesMatchSource).toBe(true);
    }
  });

  it("decodes Latin-1 / windows-1252 when the bytes are not UTF-8", async () => {
    const bytes = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x96, 0x20, 0x80, 0x35, 0x0a]);
    const doc = expectIndexed(await parseFile(dir.write("latin1.txt", bytes), "text"));
    expect(doc.text).toBe("café – €5\n");
    expect(doc.metadata["encoding"]).toBe("windows-1252");
  });

  it("strips a UTF-8 BOM and turns CRLF into LF, keeping line numbers", async () => {
    const md = "\ufeff# Title\r\n\r\ntext\r\n\r\n## Next\r\nmore\r\n";
    const doc = expectIndexed(await parseFile(dir.write("crlf.md", md), "markdown"));
    expect(doc.text.startsWith("# Title\n\ntext")).toBe(true);
    expect(doc.sections.map((s) => [s.headingPath, s.lineStart, s.lineEnd])).toEqual([
      [["Title"], 1, 3],
      [["Title", "Next"], 5, 6],
    ]);
  });

  it("honours an HTML meta charset for legacy encodings", async () => {
    const html = Buffer.concat([
      Buffer.from(
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=shift_jis"></head><body><h1>',
      ),
      Buffer.from([0x93, 0xfa, 0x96, 0x7b]),
      Buffer.from("</h1></body></html>"),
    ]);
    const doc = expectIndexed(await parseFile(dir.write("sjis.html", html), "html"));
    expect(doc.text).toBe("日本");
    expect(doc.title).toBe("日本");
  });
});

describe("parseFile: dispatch by kind", () => {
  it("parses data files as plain text without sections", async () => {
    const doc = expectIndexed(
      await parseFile(dir.write("config.json", '{\n  "a": 1\n}\n'), "data"),
    );
    expect(doc).toMatchObject({ text: '{\n  "a": 1\n}\n', sections: [], linesMatchSource: true });
  });

  it("gives code its language from the file name", async () => {
    const doc = expectIndexed(
      await parseFile(dir.write("tool.py", "def main():\n    pass\n"), "code"),
    );
    expect(doc.language).toBe("python");
    expect(doc.sections[0]?.headingPath).toEqual(["def main"]);
  });

  it("uses the reStructuredText rules for .rst files", async () => {
    const doc = expectIndexed(
      await parseFile(dir.write("guide.rst", "Guide\n=====\n\ntext\n"), "markdown"),
    );
    expect(doc.title).toBe("Guide");
  });

  it("skips HTML with no visible text", async () => {
    expect(
      await parseFile(
        dir.write("blank.html", "<html><script>x()</script><style>p{}</style></html>"),
        "html",
      ),
    ).toEqual({
      ok: false,
      status: "skipped",
      reason: "no extractable text",
    });
  });

  it("parses notebooks", async () => {
    const nb = {
      cells: [
        { cell_type: "markdown", source: "# NB" },
        { cell_type: "code", source: "1 + 1" },
      ],
    };
    const doc = expectIndexed(
      await parseFile(dir.write("nb.ipynb", JSON.stringify(nb)), "notebook"),
    );
    expect(doc.title).toBe("NB");
  });

  it.skipIf(!HAVE_DOCS)("parses a PDF by its content even under a text name", async () => {
    const path = join(dir.path, "renamed.txt");
    copyFileSync(join(DATASETS, "pdf", "pypdf__encryption__r2-owner-password.pdf"), path);
    const doc = expectIndexed(await parseFile(path, "text"));
    expect(doc.pageCount).toBe(1);
  });
});

describe("parseFile: broken and encrypted DOCX and PDF", () => {
  it("reads a minimal DOCX: headings, core title and author", async () => {
    const docx = storedZip({
      "_rels/.rels": RELS,
      "word/document.xml": DOCUMENT_XML(
        para("Chapter", "Heading1") + para("Body text.") + para("Part", "Heading2") + para("More."),
      ),
      "docProps/core.xml": CORE,
    });
    const doc = expectIndexed(await parseFile(dir.write("mini.docx", docx), "docx"));
    expect(doc.text).toBe("Chapter\n\nBody text.\n\nPart\n\nMore.");
    expect(doc.sections.map((s) => s.headingPath)).toEqual([["Chapter"], ["Chapter", "Part"]]);
    expect(doc.title).toBe("Core & Title");
    expect(doc.author).toBe("Grace");
  });

  it("skips a DOCX without text", async () => {
    const docx = storedZip({ "_rels/.rels": RELS, "word/document.xml": DOCUMENT_XML("<w:p/>") });
    expect(await parseFile(dir.write("blank.docx", docx), "docx")).toEqual({
      ok: false,
      status: "skipped",
      reason: "no extractable text",
    });
  });

  it("recognises password-protected DOCX (an OLE container with EncryptionInfo)", async () => {
    const ole = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(504),
      Buffer.from("EncryptionInfo", "utf16le"),
      Buffer.alloc(64),
      Buffer.from("EncryptedPackage", "utf16le"),
    ]);
    expect(await parseFile(dir.write("secret.docx", ole), "docx")).toEqual({
      ok: false,
      status: "skipped",
      reason: REASONS.encrypted,
    });
    const legacy = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(600),
    ]);
    expect(await parseFile(dir.write("old.docx", legacy), "docx")).toEqual({
      ok: false,
      status: "skipped",
      reason: REASONS.legacyOle,
    });
  });

  it.skipIf(!HAVE_DOCS)("fails corrupt DOCX files with a corrupt reason", async () => {
    expect(await parseFile(dir.write("text.docx", "just text"), "docx")).toEqual({
      ok: false,
      status: "failed",
      reason: "corrupt: not a zip archive",
    });
    const real = readFileSync(join(DATASETS, "docx", "docx4j__toc.docx"));
    const truncated = await parseFile(
      dir.write("truncated.docx", real.subarray(0, real.length / 2)),
      "docx",
    );
    expect(truncated).toMatchObject({
      ok: false,
      status: "failed",
      reason: expect.stringMatching(/^corrupt: /),
    });
    const noDocument = await parseFile(
      dir.write("nodoc.docx", storedZip({ "hello.txt": "hi" })),
      "docx",
    );
    expect(noDocument).toMatchObject({
      ok: false,
      status: "failed",
      reason: expect.stringMatching(/^corrupt: /),
    });
  });

  it.skipIf(!HAVE_DOCS)("fails garbage under a .pdf name and survives a truncated PDF", async () => {
    const garbage = await parseFile(dir.write("garbage.pdf", "this is not a pdf at all"), "pdf");
    expect(garbage).toMatchObject({
      ok: false,
      status: "failed",
      reason: expect.stringMatching(/^corrupt: /),
    });
    const real = readFileSync(join(DATASETS, "pdf", "pdfbox__input__cweb.pdf"));
    const truncated = await parseFile(
      dir.write("truncated.pdf", real.subarray(0, Math.floor(real.length * 0.6))),
      "pdf",
    );
    if (truncated.ok) expect(truncated.doc.text.length).toBeGreaterThan(0);
    else expect(truncated.reason).toMatch(/^(corrupt: |no extractable text)/);
  });
});
