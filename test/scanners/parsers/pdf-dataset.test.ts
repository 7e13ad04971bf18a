/**
 * Every PDF of the shared dataset through parseFile, judged against its manifest: encrypted,
 * scanned, malformed, multilingual and ordinary files. On both engines: pdftotext (when
 * poppler-utils is installed; CI installs it) and the pdf-parse fallback. With OCR off: this
 * is the text layer's test, and `ocr: "off"` must keep the scanned-PDF reason as it was
 * (test/scanners/ocr reads the image-only files with OCR).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseFile, REASONS, type PdfEngine } from "../../../scanners/parsers/index.js";
import type { ParseOutcome } from "../../../scanners/types.js";
import { CJK, datasetPath, HAVE_DOCS, manifest, RTL, userPassword } from "./datasets.js";
import { expectIndexed } from "./helpers.js";

const entries = manifest("pdf");

/** Files whose expected outcome the manifest tags alone do not settle. */
const EXPECTED: Record<string, "indexed" | string> = {
  // Owner-password-only and empty-user-password files open without a password and must be indexed.
  "pypdf__encryption__r2-owner-password.pdf": "indexed",
  "pdfbox__pdmodel__documentinterchange__logicalstructure__PDFBOX-2725-878725.pdf": "indexed",
  "pdfbox__encryption__AES256ExposedMeta.pdf": REASONS.certificateEncrypted,
  // Scanned pages with an OCR text layer: the text layer is real text.
  "pypdf__Seige_of_Vicksburg_Sample_OCR.pdf": "indexed",
  // A blank page whose catalog lacks /Type: pdf.js repairs it, and there is nothing to read.
  "pdfbox__pdfparser__MissingCatalog.pdf": REASONS.scannedPdf,
};

function expectOutcome(outcome: ParseOutcome, expected: string): void {
  if (expected === "indexed") expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
  else expect(outcome).toEqual({ ok: false, status: "skipped", reason: expected });
}

const hasPdftotext = spawnSync("pdftotext", ["-v"], { stdio: "ignore" }).error === undefined;
const ENGINES: PdfEngine[] = hasPdftotext ? ["pdftotext", "pdf-parse"] : ["pdf-parse"];

describe.skipIf(!HAVE_DOCS).each(ENGINES)("PDF dataset, %s engine", (pdfEngine) => {
  it("has the files the manifest lists", () => {
    expect(entries.length).toBeGreaterThanOrEqual(20);
  });

  for (const entry of entries) {
    const path = datasetPath("pdf", entry.file);
    const password = userPassword(entry);

    it(`${entry.file} (${entry.notes})`, async () => {
      const outcome = await parseFile(path, "pdf", { pdfEngine, ocr: { mode: "off" } });
      const special = EXPECTED[entry.file];
      if (special !== undefined) {
        expectOutcome(outcome, special);
      } else if (entry.tags.includes("needs_password") && password) {
        expectOutcome(outcome, REASONS.encrypted);
      } else if (entry.tags.includes("image_only_or_scanned")) {
        expectOutcome(outcome, REASONS.scannedPdf);
      } else if (entry.tags.includes("malformed_or_hostile")) {
        if (outcome.ok) expect(outcome.doc.text.trim().length).toBeGreaterThan(0);
        else
          expect(outcome).toMatchObject({
            status: "failed",
            reason: expect.stringMatching(/^corrupt: /),
          });
      } else {
        expectOutcome(outcome, "indexed");
      }
      if (!outcome.ok) return;

      const doc = expectIndexed(outcome);
      expect(doc.linesMatchSource).toBe(false);
      expect(doc.pageCount).toBeGreaterThanOrEqual(1);
      expect(doc.text).not.toMatch(/-- \d+ of \d+ --/);
      const pages = doc.sections.map((s) => s.page ?? 0);
      expect(pages.every((p) => p >= 1 && p <= (doc.pageCount ?? 0))).toBe(true);
      expect([...pages].sort((a, b) => a - b)).toEqual(pages);
      expect(new Set(pages).size).toBe(pages.length);
      const stated = /(\d+)[- ]pages?/.exec(entry.notes)?.[1];
      if (stated !== undefined) expect(doc.pageCount).toBe(Number(stated));
      if (entry.tags.includes("cjk")) expect(doc.text).toMatch(CJK);
      if (entry.tags.includes("rtl")) expect(doc.text).toMatch(RTL);
    });

    if (entry.tags.includes("needs_password") && password) {
      it(`${entry.file} opens with its password "${password}"`, async () => {
        const doc = expectIndexed(
          await parseFile(path, "pdf", { pdfEngine, passwords: ["wrong one", password] }),
        );
        expect(doc.text.trim().length).toBeGreaterThan(0);
        expect(doc.metadata["passwordProtected"]).toBe(true);
        expect(Object.values(doc.metadata)).not.toContain(password);
      });
    }
  }

  it("gives text PDFs one section per page that has text", async () => {
    const doc = expectIndexed(
      await parseFile(datasetPath("pdf", "pdfbox__input__cweb.pdf"), "pdf", { pdfEngine }),
    );
    expect(doc.pageCount).toBe(28);
    expect(doc.sections.map((s) => s.page)).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
    expect(doc.sections.every((s) => s.level === 0 && s.headingPath.length === 0)).toBe(true);
  });

  it("keeps info-dictionary titles and authors, and drops junk titles", async () => {
    const tagged = expectIndexed(
      await parseFile(
        datasetPath(
          "pdf",
          "pdfbox__pdmodel__documentinterchange__logicalstructure__PDFBOX-2725-878725.pdf",
        ),
        "pdf",
        { pdfEngine },
      ),
    );
    expect(tagged.title).toBe("TCI 2 Holdings, LLC, Case No.: 09-13654 (JHW)");
    expect(tagged.author).toBe("Department of Justice, U.S. Trustee Program");
    // The info dictionary says "Binder1.pdf": a file name, not a title.
    const ocr = expectIndexed(
      await parseFile(datasetPath("pdf", "pypdf__Seige_of_Vicksburg_Sample_OCR.pdf"), "pdf", {
        pdfEngine,
      }),
    );
    expect(ocr.title).toBeUndefined();
  });

  it("includes filled-in form field values", async () => {
    const doc = expectIndexed(
      await parseFile(
        datasetPath("pdf", "pdfbox__pdmodel__interactive__form__AcroFormsBasicFields.pdf"),
        "pdf",
        { pdfEngine },
      ),
    );
    expect(doc.text).toContain("DefaultValue");
    expect(doc.text).toContain("Opt01");
  });

  it("reports a wrong password as password required", async () => {
    const outcome = await parseFile(
      datasetPath("pdf", "pypdf__encryption__r4-aes-user-password.pdf"),
      "pdf",
      { pdfEngine, passwords: ["nope"] },
    );
    expect(outcome).toEqual({ ok: false, status: "skipped", reason: REASONS.encrypted });
  });
});
