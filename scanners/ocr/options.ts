/**
 * What the OCR settings mean to the parsers: `ocr` ("auto" reads image files and the PDF pages
 * that have no text layer; "off" reads neither), the languages, and the time one page may take.
 */
export type OcrMode = "auto" | "off";

export interface OcrOptions {
  /** Default "auto". */
  mode?: OcrMode;
  /** Tesseract language codes, each from its `@tesseract.js-data/<code>` package. Default ["eng"]. */
  languages?: string[];
  /** Time one page may take (rendering, recognition, orientation). Default 30 000 ms. */
  pageTimeLimitMs?: number;
}

export const DEFAULT_OCR_LANGUAGES: readonly string[] = ["eng"];
export const DEFAULT_OCR_PAGE_TIME_LIMIT_MS = 30_000;

/**
 * Below this mean word confidence (tesseract's 0-100) a page's text is marked as too low to
 * trust. On the dataset, clean printed pages score 85-96 and pages read upside down or sideways
 * 0-45 (scanners/ocr/README.md).
 */
export const LOW_CONFIDENCE_BELOW = 60;

export function ocrEnabled(options: OcrOptions | undefined): boolean {
  return (options?.mode ?? "auto") !== "off";
}

export function ocrLanguages(options: OcrOptions | undefined): readonly string[] {
  const languages = options?.languages ?? [];
  return languages.length > 0 ? languages : DEFAULT_OCR_LANGUAGES;
}

export function pageTimeLimitMs(options: OcrOptions | undefined): number {
  return options?.pageTimeLimitMs ?? DEFAULT_OCR_PAGE_TIME_LIMIT_MS;
}
