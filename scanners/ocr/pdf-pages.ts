/**
 * OCR for the pages of a PDF that have no text layer (a scan, a photo saved as PDF): each is
 * rendered (pdf-render.ts) and read (recognize.ts), in page order, within the OCR budget.
 * Pages with text are left as the PDF engine extracted them.
 */
import type { ParseOptions } from "../parsers/parse-options.js";
import { OcrBudget } from "./budget.js";
import { checkLanguages, OcrSetupError } from "./languages.js";
import type { OcrPageInfo, OcrPageNotRead } from "./marking.js";
import { ocrEnabled, ocrLanguages } from "./options.js";
import { pageRenderer } from "./pdf-render.js";
import { tooManyPixels } from "./pixel-limit.js";
import { ocrPage } from "./recognize.js";

export interface PdfPageText {
  page: number;
  text: string;
  /** Set when the text was read by OCR. */
  ocr?: OcrPageInfo;
}

export interface PdfOcrResult {
  pages: PdfPageText[];
  notRead: OcrPageNotRead[];
  languages: readonly string[];
}

/**
 * Returns undefined when OCR is off or no page lacks text. A missing language package is a
 * reason on every page (the setting is checked at start-up as well: src/config).
 */
export async function ocrPdfPages(
  pages: readonly PdfPageText[],
  bytes: Uint8Array,
  password: string | undefined,
  options: ParseOptions,
  needsText: (text: string) => boolean,
): Promise<PdfOcrResult | undefined> {
  if (!ocrEnabled(options.ocr)) return undefined;
  const wanted = pages.filter((p) => needsText(p.text)).map((p) => p.page);
  if (wanted.length === 0) return undefined;
  const languages = ocrLanguages(options.ocr);
  const notRead: OcrPageNotRead[] = [];
  try {
    checkLanguages(languages);
  } catch (error) {
    if (!(error instanceof OcrSetupError)) throw error;
    return {
      pages: [...pages],
      notRead: wanted.map((page) => ({ page, reason: error.message })),
      languages,
    };
  }
  const budget = new OcrBudget(options);
  const read = new Map<number, { text: string; ocr: OcrPageInfo }>();
  const renderer = pageRenderer(bytes, password);
  try {
    for (const page of wanted) {
      const start = Date.now();
      if (!budget.hasTime(start)) {
        notRead.push({ page, reason: "not read (the file's parseTimeoutSec ran out during OCR)" });
        continue;
      }
      const deadline = budget.pageDeadline(start);
      const image = await renderer.render(page, deadline - Date.now());
      if (!image.ok) {
        notRead.push({ page, reason: image.reason });
        continue;
      }
      // pdftoppm renders within 3508 pixels a side; pdf.js at 300 dpi, whatever the page's size.
      const tooLarge = tooManyPixels(image.png);
      if (tooLarge !== undefined) {
        notRead.push({ page, reason: tooLarge });
        continue;
      }
      const result = await ocrPage({ image: image.png, languages, deadline });
      if (!result.ok)
        notRead.push({
          page,
          reason: result.timedOut ? budget.timeoutReason(start) : result.reason,
        });
      else
        read.set(page, {
          text: result.reading.text,
          ocr: { confidence: result.reading.confidence, rotation: result.reading.rotation },
        });
    }
  } finally {
    await renderer.close();
  }
  return { pages: pages.map((p) => ({ ...p, ...read.get(p.page) })), notRead, languages };
}
