/**
 * Every file of the OCR dataset (docs/ocr: real scans and image-only PDFs with reference
 * transcriptions) through the real pipeline (walker, parser workers, SQLite): each must end as
 * an indexed row whose text is OCR text, read well enough. The scanned PDFs, which say "no
 * extractable text" without OCR, must be found by a search for their words.
 *
 * Word accuracy floors: the accuracy each file reached when this test was written (bench
 * `ocr` prints them), less a margin, so that a regression in reading shows here; the test does
 * not pass on a hard-coded result, it scores the text the index holds against the reference.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  OCR_DATASET,
  ocrDatasetFiles,
  pooledAccuracy,
  wordAccuracy,
  type OcrDatasetFile,
  type WordScore,
} from "../../../bench/ocr-dataset.js";
import { ocrSummary } from "../../../scanners/ocr/marking.js";
import { LOW_CONFIDENCE_BELOW } from "../../../scanners/ocr/options.js";
import { REASONS } from "../../../scanners/parsers/index.js";
import { datasetAvailable } from "../../helpers/datasets.js";
import { indexTree, type IndexedTree } from "../../helpers/indexed-tree.js";

/** Word accuracy measured on the first real run (eng model, tesseract.js 7, PSM auto). */
const MEASURED: Record<string, number> = {
  "tesstest__phototest.tif": 1.0,
  "tesstest__phototest-rotated-180.png": 1.0,
  "tesstest__phototest-rotated-L.png": 1.0,
  "tesstest__eurotext.tif": 0.918,
  "tesstest__8087_054.3B.tif": 0.904,
  "tesstest__8071_093.3B.tif": 0.906,
  "docling__ocr__ocr_test.pdf": 1.0,
  "docling__ocr__ocr_test_rotated_90.pdf": 1.0,
};
/** The same bytes and model read the same; the margin allows for a library's minor updates. */
const MARGIN = 0.03;
/** Files not listed above (added to the dataset later) must still read this well. */
const DEFAULT_FLOOR = 0.5;

/** OCR is slow and this machine shared: generous limits, since tests never assert timings. */
const LIMITS = { parseTimeoutSec: 600, ocrPageTimeoutSec: 500, workers: 2 } as const;

const HAVE_OCR = datasetAvailable(OCR_DATASET);

function treeOf(files: readonly OcrDatasetFile[]): Record<string, Buffer> {
  return Object.fromEntries(files.map((f) => [f.file, readFileSync(f.absPath)]));
}

describe.skipIf(!HAVE_OCR)("OCR dataset through the pipeline and SQLite", () => {
  const files = HAVE_OCR ? ocrDatasetFiles() : [];
  let tree: IndexedTree;
  const scores = new Map<string, WordScore>();

  beforeAll(async () => {
    tree = await indexTree(treeOf(files), LIMITS);
  }, 900_000);
  afterAll(() => tree?.close());

  it("has the files its manifest lists, each with a reference text", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  for (const file of files) {
    it(`${file.file} (${file.notes}) is indexed as OCR text, read well`, async () => {
      const doc = await tree.store.getDocument(tree.root, file.file);
      expect(doc, file.file).toBeDefined();
      expect(doc!.status, `${file.file}: ${doc!.reason}`).toBe("indexed");
      expect(doc!.kind).toBe(file.file.endsWith(".pdf") ? "pdf" : "image");
      // Every section is an OCR page, and says so with its confidence.
      expect(doc!.sections?.length).toBeGreaterThan(0);
      for (const section of doc!.sections ?? [])
        expect(section.headingPath[0]).toMatch(/^OCR text, confidence \d+%/);
      // The confidences stay with the stored sections, for read_document's `ocr` field.
      expect(ocrSummary(doc!.sections)?.confidence).toBeGreaterThanOrEqual(LOW_CONFIDENCE_BELOW);
      const chunks = await tree.store.getChunks(tree.root, file.file);
      expect(chunks.length).toBeGreaterThan(0);
      expect(chunks.every((c) => /^OCR text/.test(c.headingPath[0] ?? ""))).toBe(true);

      const text = (await tree.store.getDocumentText(tree.root, file.file)) ?? "";
      const score = wordAccuracy(file.groundTruth, text);
      scores.set(file.file, score);
      const measured = MEASURED[file.file];
      const floor = measured === undefined ? DEFAULT_FLOOR : measured - MARGIN;
      expect(score.accuracy, `${file.file}: ${JSON.stringify(score)}`).toBeGreaterThanOrEqual(
        floor,
      );
    });
  }

  it("reads the printed pages with at least 90% word accuracy overall", () => {
    const printed = files.filter((f) => f.script === "printed" && scores.has(f.file));
    expect(printed.length).toBe(files.filter((f) => f.script === "printed").length);
    expect(pooledAccuracy(printed.map((f) => scores.get(f.file)!))).toBeGreaterThanOrEqual(0.9);
  });

  it("finds the scanned PDFs by the words on their pages", async () => {
    const hits = await tree.store.search({
      query: "Docling bundles PDF document conversion to JSON and Markdown",
      limit: 10,
      mode: "lexical",
    });
    const paths = hits.map((h) => h.path);
    expect(paths).toContain("docling__ocr__ocr_test.pdf");
    expect(paths).toContain("docling__ocr__ocr_test_rotated_90.pdf");
    for (const hit of hits.filter((h) => h.path.endsWith(".pdf"))) {
      expect(hit.page).toBe(1);
      expect(hit.headingPath[0]).toMatch(/^OCR text, confidence \d+%$/);
    }
  });
});

describe.skipIf(!HAVE_OCR)("OCR off", () => {
  const files = HAVE_OCR ? ocrDatasetFiles() : [];
  let tree: IndexedTree;

  beforeAll(async () => {
    tree = await indexTree(treeOf(files), { ...LIMITS, ocr: "off" });
  }, 300_000);
  afterAll(() => tree?.close());

  it("keeps the scanned-PDF reason of a text-layer-only reader, and says why images are not read", async () => {
    for (const file of files) {
      const doc = await tree.store.getDocument(tree.root, file.file);
      expect(doc?.status, file.file).toBe("skipped");
      expect(doc?.reason, file.file).toBe(
        file.file.endsWith(".pdf") ? REASONS.scannedPdf : REASONS.imageOcrOff,
      );
    }
  });
});
