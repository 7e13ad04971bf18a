/**
 * OCR's failures in the real parser pool: a damaged image gets a reason and leaves its worker
 * working, a page past its time limit is abandoned with a reason (the nested tesseract thread
 * is terminated, not the parse worker), and the orientation of turned pages is found.
 */
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OCR_DATASET } from "../../../bench/ocr-dataset.js";
import { closeOcr } from "../../../scanners/ocr/engine.js";
import { parseFile } from "../../../scanners/parsers/index.js";
import type { ParseOptions } from "../../../scanners/parsers/parse-options.js";
import { ParserPool } from "../../../scanners/pool/parser-pool.js";
import type { FileKind, ParseOutcome } from "../../../scanners/types.js";
import { datasetAvailable, datasetPath } from "../../helpers/datasets.js";
import { makeTempDir, removeDir } from "../../helpers/tree.js";

const HAVE_OCR = datasetAvailable(OCR_DATASET);
const phototest = (): string => datasetPath(OCR_DATASET, "tesstest__phototest.tif");

/** One worker, so that every file after the first runs in the worker the first one left. */
async function parseInOneWorker(
  files: [path: string, kind: FileKind][],
  parseOptions: ParseOptions = {},
): Promise<ParseOutcome[]> {
  const pool = new ParserPool({ size: 1, timeoutMs: 300_000, parseOptions });
  try {
    const outcomes: ParseOutcome[] = [];
    for (const [path, kind] of files) outcomes.push(await pool.parse(path, kind));
    return outcomes;
  } finally {
    await pool.close();
  }
}

const corrupt = {
  ok: false,
  status: "failed",
  reason: expect.stringMatching(/^corrupt: /),
};

describe.skipIf(!HAVE_OCR)("OCR in the parser pool", () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTempDir();
  });
  afterAll(() => removeDir(dir));

  it("gives a damaged image a reason, and the same worker reads the next image", async () => {
    const whole = readFileSync(phototest());
    writeFileSync(join(dir, "truncated.tif"), whole.subarray(0, 5000));
    // A PNG signature and then nothing a decoder can use.
    writeFileSync(join(dir, "garbage.png"), Buffer.from("\x89PNG\r\n\x1a\nnot really", "latin1"));
    copyFileSync(phototest(), join(dir, "good.tif"));
    const [truncated, garbage, good] = await parseInOneWorker([
      [join(dir, "truncated.tif"), "image"],
      [join(dir, "garbage.png"), "image"],
      [join(dir, "good.tif"), "image"],
    ]);
    expect(truncated).toMatchObject(corrupt);
    expect(garbage).toMatchObject(corrupt);
    expect(good!.ok, JSON.stringify(good)).toBe(true);
  }, 600_000);

  it("refuses an image whose header claims too many pixels, before decoding it", async () => {
    // 50,000 × 50,000 pixels claimed by a 60-byte PNG: ten gigabytes once decoded.
    const chunk = (type: string, data: Buffer): Buffer => {
      const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body) >>> 0);
      return Buffer.concat([length, body, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(50_000, 0);
    ihdr.writeUInt32BE(50_000, 4);
    ihdr.set([8, 0, 0, 0, 0], 8);
    const bomb = Buffer.concat([
      Buffer.from("\x89PNG\r\n\x1a\n", "latin1"),
      chunk("IHDR", ihdr),
      chunk("IDAT", deflateSync(Buffer.alloc(64))),
      chunk("IEND", Buffer.alloc(0)),
    ]);
    writeFileSync(join(dir, "bomb.png"), bomb);
    const [outcome] = await parseInOneWorker([[join(dir, "bomb.png"), "image"]]);
    expect(outcome).toEqual({
      ok: false,
      status: "skipped",
      reason: "too large to OCR: 50000 × 50000 pixels (over 100 megapixels)",
    });
  });

  it("abandons a page past its time limit with a reason, and goes on", async () => {
    copyFileSync(phototest(), join(dir, "slow.tif"));
    copyFileSync(datasetPath(OCR_DATASET, "docling__ocr__ocr_test.pdf"), join(dir, "scan.pdf"));
    writeFileSync(join(dir, "after.md"), "# After\n\nStill parsed.\n");
    const [image, pdf, after] = await parseInOneWorker(
      [
        [join(dir, "slow.tif"), "image"],
        [join(dir, "scan.pdf"), "pdf"],
        [join(dir, "after.md"), "markdown"],
      ],
      { ocr: { pageTimeLimitMs: 1 } },
    );
    // The worker's own answer (the pool's would read "timed out after 300 s").
    expect(image).toEqual({
      ok: false,
      status: "failed",
      reason: "OCR timed out after 0.001 s (ocrPageTimeoutSec)",
    });
    expect(pdf).toMatchObject({
      ok: false,
      status: "skipped",
      reason: expect.stringMatching(
        /^no extractable text \(scanned or image-only PDF\); OCR: page 1: (timed out after 0\.001 s \(ocrPageTimeoutSec\)|timed out rendering \(pdftoppm\))$/,
      ),
    });
    expect(after!.ok).toBe(true);
  }, 600_000);
});

describe.skipIf(!HAVE_OCR)("OCR without poppler", () => {
  it("renders a scanned page with pdf.js when pdftoppm is not on PATH, and reads it", async () => {
    const path = process.env.PATH;
    // The worker copies the environment when it starts: it finds neither pdftotext nor pdftoppm.
    process.env.PATH = makeTempDir();
    let outcomes: ParseOutcome[];
    try {
      outcomes = await parseInOneWorker([
        [datasetPath(OCR_DATASET, "docling__ocr__ocr_test.pdf"), "pdf"],
      ]);
    } finally {
      removeDir(process.env.PATH);
      process.env.PATH = path;
    }
    const [pdf] = outcomes;
    expect(pdf!.ok, JSON.stringify(pdf)).toBe(true);
    if (!pdf!.ok) return;
    expect(pdf!.doc.metadata).toMatchObject({ ocr: true, ocrPages: 1 });
    expect(pdf!.doc.text).toMatch(/Docling bundles PDF document conversion/);
  }, 600_000);
});

describe.skipIf(!HAVE_OCR)("OCR metadata of turned pages", () => {
  afterAll(() => closeOcr());

  it("reads a page turned upside down or sideways upright, and says it turned it", async () => {
    const cases = [
      ["tesstest__phototest-rotated-180.png", "1 (180°)"],
      ["tesstest__phototest-rotated-L.png", "1 (90°)"],
      ["docling__ocr__ocr_test_rotated_90.pdf", "1 (90°)"],
    ] as const;
    for (const [file, rotated] of cases) {
      const outcome = await parseFile(
        datasetPath(OCR_DATASET, file),
        file.endsWith(".pdf") ? "pdf" : "image",
        {
          timeLimitMs: 600_000,
          ocr: { pageTimeLimitMs: 500_000 },
        },
      );
      expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
      if (!outcome.ok) continue;
      expect(outcome.doc.metadata).toMatchObject({
        ocr: true,
        ocrPages: 1,
        ocrRotatedPages: rotated,
      });
      expect(outcome.doc.metadata["ocrConfidence"]).toBeGreaterThan(60);
    }
  }, 600_000);
});
