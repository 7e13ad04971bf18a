/**
 * PDF pages as images for OCR. poppler's `pdftoppm` when it is on PATH, the program the PDF
 * parser already runs as `pdftotext`: a separate process that renders faster than pdf.js, whose
 * memory is not the worker's and which a time limit can kill. Without poppler, pdf.js (the copy
 * pdf-parse brings) renders through @napi-rs/canvas (pdf-parse's own dependency) in the worker.
 *
 * pdftoppm renders a page so that its long side is 3508 pixels (A4 at 300 dpi, the resolution
 * tesseract reads best), so a poster-sized page does not become a gigapixel image; pdf.js
 * renders at 300 dpi.
 */
import { findOnPath, runProgram } from "../parsers/external-program.js";
import { pdfAssetPaths } from "../parsers/pdf-assets.js";
import { popplerPasswordArgs } from "../parsers/pdftotext.js";
import { shortMessage } from "../parsers/outcome.js";

const LONG_SIDE_PX = 3508;
const MAX_PNG_BYTES = 64 * 1024 * 1024;

export type Rendered = { ok: true; png: Uint8Array } | { ok: false; reason: string };

export interface PageRenderer {
  /** Page 1-based; `timeoutMs` bounds this page's rendering. */
  render(page: number, timeoutMs: number): Promise<Rendered>;
  close(): Promise<void>;
}

export function pageRenderer(bytes: Uint8Array, password: string | undefined): PageRenderer {
  const pdftoppm = findOnPath("pdftoppm");
  return pdftoppm !== undefined
    ? popplerRenderer(pdftoppm, bytes, password)
    : pdfjsRenderer(bytes, password);
}

function popplerRenderer(
  executable: string,
  bytes: Uint8Array,
  password: string | undefined,
): PageRenderer {
  return {
    async render(page, timeoutMs) {
      const args = [
        "-png",
        "-scale-to",
        String(LONG_SIDE_PX),
        "-f",
        String(page),
        "-l",
        String(page),
        "-singlefile",
        ...popplerPasswordArgs(password),
        "-",
      ];
      const run = await runProgram(executable, args, bytes, {
        timeoutMs: Math.max(1, timeoutMs),
        maxOutputBytes: MAX_PNG_BYTES,
      });
      if (run.ok) return { ok: true, png: run.stdout };
      if (run.limit === "timeout") return { ok: false, reason: "timed out rendering (pdftoppm)" };
      if (run.limit === "output") return { ok: false, reason: "page image too large" };
      const line = run.stderr.trim().split("\n").at(-1) ?? `exit code ${run.exitCode}`;
      return { ok: false, reason: `pdftoppm: ${line}` };
    },
    async close() {},
  };
}

function pdfjsRenderer(bytes: Uint8Array, password: string | undefined): PageRenderer {
  type Parser = InstanceType<(typeof import("../parsers/pdf-engine.js"))["PDFParse"]>;
  let parser: Promise<Parser> | undefined;
  const open = async (): Promise<Parser> => {
    const { PDFParse, VerbosityLevel } = await import("../parsers/pdf-engine.js");
    const options = {
      data: bytes.slice(),
      verbosity: VerbosityLevel.ERRORS,
      isEvalSupported: false,
      ...pdfAssetPaths(),
    };
    return new PDFParse(password === undefined ? options : { ...options, password });
  };
  return {
    // In the worker's own thread, so the pool's limit per file is what bounds it.
    async render(page) {
      try {
        const pdf = await (parser ??= open());
        const result = await pdf.getScreenshot({
          partial: [page],
          scale: 300 / 72,
          imageDataUrl: false,
          imageBuffer: true,
        });
        const shot = result.pages[0];
        if (shot === undefined) return { ok: false, reason: "pdf.js rendered nothing" };
        return { ok: true, png: shot.data };
      } catch (error) {
        return { ok: false, reason: `pdf.js: ${shortMessage(error)}` };
      }
    },
    async close() {
      if (parser !== undefined) await (await parser).destroy().catch(() => undefined);
    },
  };
}
