/**
 * What the pdftotext engine must keep from the pdf-parse engine, on PDFs written here for the
 * case at hand: form-field values without an appearance stream, pages cited from form feeds,
 * info-dictionary titles with markup characters and dates with a zone, a damaged file as a
 * reason, and the fallback when poppler is not on PATH. Real pdftotext, real pdf.js.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseFile, type PdfEngine } from "../../../scanners/parsers/index.js";
import { PDFTOTEXT_MISSING } from "../../../scanners/parsers/pdf.js";
import { findPdftotext, runPdftotext } from "../../../scanners/parsers/pdftotext.js";
import { makeTempDir, removeDir } from "../../helpers/tree.js";
import { expectIndexed } from "./helpers.js";

const hasPdftotext = spawnSync("pdftotext", ["-v"], { stdio: "ignore" }).error === undefined;
const ENGINES: PdfEngine[] = hasPdftotext ? ["pdftotext", "pdf-parse"] : ["pdf-parse"];

const HELVETICA = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

/** A PDF with a correct cross-reference table: objects 1..n, catalog first, optional info last. */
function pdfFile(objects: string[], withInfo: boolean): string {
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  const info = withInfo ? ` /Info ${objects.length} 0 R` : "";
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${info} >>\nstartxref\n${xref}\n%%EOF\n`;
  return out;
}

function stream(content: string): string {
  return `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
}

const text = (words: string): string => `BT /F1 12 Tf 72 720 Td (${words}) Tj ET`;

const scratch = makeTempDir();
afterAll(() => removeDir(scratch));

function write(name: string, content: string): string {
  const path = join(scratch, name);
  writeFileSync(path, content, "latin1");
  return path;
}

/** A text field whose value has no appearance stream: a viewer (and poppler) draws it from /V. */
const formPdf = write(
  "form.pdf",
  pdfFile(
    [
      "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] /DA (/Helv 10 Tf 0 g) /DR << /Font << /Helv 6 0 R >> >> >> >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 6 0 R >> >> /Annots [5 0 R] >>",
      stream(text("Visible page text")),
      "<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (Marmalade Quokka) /Rect [72 600 300 620] /P 3 0 R /F 4 /DA (/Helv 10 Tf 0 g) >>",
      HELVETICA,
    ],
    false,
  ),
);

/** Two pages (the second says "</pre>", which must not end the text) and an info dictionary. */
const twoPagePdf = write(
  "two-pages.pdf",
  pdfFile(
    [
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 7 0 R >> >> >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> >>",
      stream(text("First page about walruses")),
      stream(text("Second page </pre> about narwhals")),
      HELVETICA,
      "<< /Title (Tusks & Teeth <Vol. 2> \"draft\" \\(rev\\)) /Author (Ann Example) /CreationDate (D:20200102030405+05'30') >>",
    ],
    true,
  ),
);

describe.each(ENGINES)("PDF engine %s", (pdfEngine) => {
  it("includes a filled-in form field that has no appearance stream", async () => {
    const doc = expectIndexed(await parseFile(formPdf, "pdf", { pdfEngine }));
    expect(doc.text).toContain("Visible page text");
    expect(doc.text).toContain("Marmalade Quokka");
  });

  it("cites each page, and reads the info dictionary", async () => {
    const doc = expectIndexed(await parseFile(twoPagePdf, "pdf", { pdfEngine }));
    expect(doc.pageCount).toBe(2);
    const pageOf = (word: string): number | undefined =>
      doc.sections.find((s) => doc.text.slice(s.start, s.end).includes(word))?.page;
    expect(pageOf("walruses")).toBe(1);
    expect(pageOf("narwhals")).toBe(2);
    expect(doc.text).toContain("</pre> about narwhals");
    expect(doc.title).toBe('Tusks & Teeth <Vol. 2> "draft" (rev)');
    expect(doc.author).toBe("Ann Example");
    expect(doc.metadata["created"]).toBe("2020-01-01T21:34:05.000Z");
    expect(doc.metadata["pdfVersion"]).toBe("1.4");
  });

  it("reports a damaged file as corrupt, with a reason", async () => {
    const path = write("damaged.pdf", "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R\n");
    const outcome = await parseFile(path, "pdf", { pdfEngine });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    // Either a corrupt file or, where the engine repairs it into an empty document, no text.
    expect(outcome.reason).toMatch(/^corrupt: .+|^no extractable text/);
  });
});

/** 100 pages that share one content stream of 200 lines: ~500 KB of text from a 9 KB PDF. */
function bulkyPdf(): string {
  const lines = Array.from({ length: 200 }, (_, i) => `(line ${i} of a long page) Tj T*`);
  const content = `BT /F1 3 Tf 3 TL 72 720 Td ${lines.join(" ")} ET`;
  const pages = Array.from(
    { length: 100 },
    () =>
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>",
  );
  const kids = pages.map((_, i) => `${i + 5} 0 R`).join(" ");
  return write(
    "bulky.pdf",
    pdfFile(
      [
        "<< /Type /Catalog /Pages 2 0 R >>",
        `<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`,
        stream(content),
        HELVETICA,
        ...pages,
      ],
      false,
    ),
  );
}

describe.skipIf(!hasPdftotext)("pdftotext's limits", () => {
  const bytes = (): Buffer => readFileSync(bulkyPdf());

  it("reads the whole text within the limits", async () => {
    const run = await runPdftotext(findPdftotext()!, bytes(), undefined, { timeoutMs: 20_000 });
    expect(run.ok).toBe(true);
    const text = run.ok ? run.stdout : "";
    expect(text.split("\f").length - 1).toBe(100);
    expect(text.split("line 199 of a long page").length - 1).toBe(100);
  });

  it("stops at the output cap", async () => {
    const run = await runPdftotext(findPdftotext()!, bytes(), undefined, {
      timeoutMs: 20_000,
      maxOutputBytes: 10_000,
    });
    expect(run).toMatchObject({ ok: false, limit: "output" });
  });

  it("stops at the time limit", async () => {
    const run = await runPdftotext(findPdftotext()!, bytes(), undefined, { timeoutMs: 1 });
    expect(run).toMatchObject({ ok: false, limit: "timeout" });
  });
});

describe("engine choice without poppler", () => {
  const pdfModule = fileURLToPath(
    new URL("../../../dist/scanners/parsers/index.js", import.meta.url),
  );

  /** parseFile in a fresh process whose PATH holds no pdftotext. */
  function parseWithoutPoppler(pdfEngine: PdfEngine): unknown {
    const script = `const { parseFile } = await import(${JSON.stringify(pdfModule)});
      const o = await parseFile(${JSON.stringify(twoPagePdf)}, "pdf", { pdfEngine: ${JSON.stringify(pdfEngine)} });
      process.stdout.write(JSON.stringify(o.ok ? { ok: true, text: o.doc.text } : o));`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      env: { ...process.env, PATH: scratch, DOCINDEX_LOG_LEVEL: "debug" },
    });
    expect(run.status, run.stderr).toBe(0);
    // The debug line says which engine ran.
    expect(run.stderr).toMatch(/"msg":"pdf engine".*"engine":"(pdf-parse|none)/);
    return JSON.parse(run.stdout);
  }

  it("auto falls back to pdf-parse", () => {
    expect(parseWithoutPoppler("auto")).toMatchObject({
      ok: true,
      text: expect.stringContaining("narwhals"),
    });
  });

  it("an explicit pdftotext engine gives every PDF a reason", () => {
    expect(parseWithoutPoppler("pdftotext")).toEqual({
      ok: false,
      status: "failed",
      reason: PDFTOTEXT_MISSING,
    });
  });
});
