/**
 * Image files (PNG, JPEG, TIFF, WebP) read by OCR: one section, the image's text, marked as
 * OCR text (marking.ts). A multi-page TIFF is read by its first page (Leptonica's reader).
 */
import { REASONS, failed, indexed, skipped } from "../parsers/outcome.js";
import { cleanPageText, hasText } from "../parsers/pdf-document.js";
import type { ParseOptions } from "../parsers/parse-options.js";
import type { ParsedDocument, ParseOutcome } from "../types.js";
import { OcrBudget } from "./budget.js";
import { checkLanguages, OcrSetupError } from "./languages.js";
import { ocrHeading, ocrMetadata } from "./marking.js";
import { ocrEnabled, ocrLanguages } from "./options.js";
import { tooManyPixels } from "./pixel-limit.js";
import { ocrPage } from "./recognize.js";

export async function parseImage(
  bytes: Uint8Array,
  format: string,
  options: ParseOptions = {},
): Promise<ParseOutcome> {
  if (!ocrEnabled(options.ocr)) return skipped(REASONS.imageOcrOff);
  const languages = ocrLanguages(options.ocr);
  try {
    checkLanguages(languages);
  } catch (error) {
    if (error instanceof OcrSetupError) return failed(error.message);
    throw error;
  }
  const tooLarge = tooManyPixels(bytes);
  if (tooLarge !== undefined) return skipped(tooLarge);
  const budget = new OcrBudget(options);
  const start = Date.now();
  const result = await ocrPage({ image: bytes, languages, deadline: budget.pageDeadline(start) });
  if (!result.ok)
    return failed(
      result.timedOut ? `OCR ${budget.timeoutReason(start)}` : `corrupt: ${result.reason}`,
    );
  const text = cleanPageText(result.reading.text);
  if (!hasText(text)) return skipped(REASONS.ocrNoText);
  const info = { confidence: result.reading.confidence, rotation: result.reading.rotation };
  const doc: ParsedDocument = {
    text,
    sections: [
      {
        headingPath: [ocrHeading(info)],
        level: 0,
        start: 0,
        end: text.length,
        ocrConfidence: info.confidence,
      },
    ],
    linesMatchSource: false,
    metadata: { ...ocrMetadata([{ ...info, page: 1 }], [], languages), imageFormat: format },
  };
  return indexed(doc);
}
