/**
 * How OCR text is marked as such, in one place. Each OCR page's section carries a heading that
 * says so, with the page's confidence and, below LOW_CONFIDENCE_BELOW, that it is too low to
 * trust: headings travel with every chunk into search hits and `read_document`, so an agent
 * reading a hit sees where its text came from. The document's metadata sums it up.
 */
import type { Section } from "../types.js";
import { LOW_CONFIDENCE_BELOW } from "./options.js";
import type { Rotation } from "./orientation.js";

export interface OcrPageInfo {
  /** tesseract's mean word confidence, 0-100. */
  confidence: number;
  rotation: Rotation;
}

export interface OcrPageNotRead {
  page: number;
  reason: string;
}

export function isLowConfidence(info: Pick<OcrPageInfo, "confidence">): boolean {
  return info.confidence < LOW_CONFIDENCE_BELOW;
}

export function ocrHeading(info: OcrPageInfo): string {
  const confidence = `OCR text, confidence ${Math.round(info.confidence)}%`;
  return isLowConfidence(info) ? `${confidence}: too low to trust` : confidence;
}

/**
 * `ocr: true`, `ocrConfidence` (the mean over the pages read), `ocrPages`, and, when there are
 * any, the low-confidence, turned and unread pages ("2, 5"; "1 (90°)"; "3: timed out").
 */
export function ocrMetadata(
  pages: readonly (OcrPageInfo & { page: number })[],
  notRead: readonly OcrPageNotRead[],
  languages: readonly string[],
): Record<string, string | number | boolean> {
  const meta: Record<string, string | number | boolean> = { ocr: true };
  if (pages.length > 0) {
    const mean = pages.reduce((sum, p) => sum + p.confidence, 0) / pages.length;
    meta["ocrConfidence"] = Math.round(mean * 10) / 10;
  }
  meta["ocrPages"] = pages.length;
  meta["ocrLanguages"] = languages.join("+");
  const low = pages.filter(isLowConfidence).map((p) => p.page);
  if (low.length > 0) meta["ocrLowConfidencePages"] = low.join(", ");
  const turned = pages.filter((p) => p.rotation !== 0).map((p) => `${p.page} (${p.rotation}°)`);
  if (turned.length > 0) meta["ocrRotatedPages"] = turned.join(", ");
  if (notRead.length > 0)
    meta["ocrPagesNotRead"] = notRead.map((p) => `${p.page}: ${p.reason}`).join("; ");
  return meta;
}

export interface OcrSummary {
  /** The mean of the OCR sections' confidences, 0-100. */
  confidence: number;
  /** Pages (or, without pages, section numbers from 1) below LOW_CONFIDENCE_BELOW. */
  lowConfidencePages?: number[];
}

/**
 * What a stored document's sections say about OCR (each OCR section keeps its confidence), for
 * readers of the index that have the sections but not the parse's metadata: `read_document`.
 */
export function ocrSummary(sections: readonly Section[] | undefined): OcrSummary | undefined {
  const read = (sections ?? []).flatMap((section, i) =>
    section.ocrConfidence === undefined
      ? []
      : [{ page: section.page ?? i + 1, confidence: section.ocrConfidence }],
  );
  if (read.length === 0) return undefined;
  const mean = read.reduce((sum, r) => sum + r.confidence, 0) / read.length;
  const summary: OcrSummary = { confidence: Math.round(mean * 10) / 10 };
  const low = read.filter(isLowConfidence).map((r) => r.page);
  if (low.length > 0) summary.lowConfidencePages = low;
  return summary;
}
